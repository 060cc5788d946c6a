"""Labels become the county's categories and departments through data
(``data/category_map.csv``), not code."""

from __future__ import annotations

import pytest

from civicloop.matters.models import Category
from civicloop.router import datasets
from civicloop.router.labels import (
    ANY,
    MappingError,
    Resolver,
    category_label,
    default_rules,
    rules,
)
from civicloop.router.learning import Prediction
from civicloop.router.services import ranked_choices

from .conftest import write_csv

CATEGORY_CODES = {c for c in (r.category_code for r in rules()) if c}


def test_every_starter_class_has_a_default_row_with_a_county_category_and_a_department():
    defaults = default_rules()
    starter_labels = set(datasets.starter_corpus().labels)
    assert len(starter_labels) == 7
    assert starter_labels <= set(defaults)
    for label in starter_labels:
        rule = defaults[label]
        assert rule.category_code and rule.department_code and rule.department_name


def test_every_category_the_table_names_is_one_the_county_uses(county):
    assert CATEGORY_CODES <= set(Category.objects.values_list("code", flat=True))


# Realistic reports as a grid worker or a citizen writes them, with the class the starter
# model might give them (also a wrong but plausible one) and where they must go.
REPORTS = [
    ("城乡建设", "人民路菜场门口有人摆摊卖水果，占了半条人行道", "street-vending", "dept-zhzf"),
    (
        "商贸旅游",
        "人民路菜场门口流动摊贩占道经营，行人只能走机动车道",
        "street-vending",
        "dept-zhzf",
    ),
    ("城乡建设", "村民在自家院子旁违章搭建两层铁皮房", "illegal-construction", "dept-zhzf"),
    ("环境保护", "楼下烧烤店油烟直排，熏得楼上不能开窗", "air-pollution", "dept-sthj"),
    ("城乡建设", "工地夜间施工噪音很大，吵得居民睡不着", "noise", "dept-sthj"),
    ("环境保护", "工厂偷排污水，河水发黑发臭", "water-pollution", "dept-sthj"),
    ("城乡建设", "小区物业乱收停车费，业主多次反映没人管", "property-management", "dept-zjj"),
    ("城乡建设", "工地老板拖欠农民工工资三个月，工人讨薪无门", "disputes", "dept-rlsb"),
    ("交通运输", "汽车站门口黑车拉客，非法营运", "transport", "dept-jtys"),
    ("卫生计生", "学校门口小作坊卫生条件差，担心食品安全", "food-safety", "dept-scjg"),
    ("商贸旅游", "超市商品标价和结账价格不一致", "market-order", "dept-scjg"),
    ("卫生计生", "镇卫生院医生态度恶劣，看病排队太久", "health", "dept-wjw"),
    ("教育文体", "学校暑假补课乱收费", "other", "dept-jyj"),
    ("教育文体", "学校食堂饭菜不干净，好几个学生吃了拉肚子", "food-safety", "dept-scjg"),
    ("劳动和社会保障", "退休人员养老金什么时候调整", "other", "dept-rlsb"),
]


@pytest.mark.parametrize(("label", "text", "category", "department"), REPORTS)
def test_a_realistic_report_resolves_to_a_county_category_and_department(
    county, label, text, category, department
):
    route = Resolver()(label, text)
    assert route.category is not None and route.category.code == category
    assert route.department_code == department and route.department_name


def test_a_street_vending_report_is_suggested_as_street_vending_for_the_enforcement_bureau(
    county,
):
    # What the starter model said for it before the mapping: 城乡建设 57 %.
    prediction = Prediction("城乡建设", 0.57, [("商贸旅游", 0.2), ("交通运输", 0.13)])
    text = "人民路菜场门口有人摆摊卖菜，占用人行道经营。"
    first, *others = ranked_choices(prediction, text, Resolver())
    assert first["resolution"].category.code == "street-vending"
    assert first["resolution"].department_code == "dept-zhzf"
    assert first["resolution"].keyword == "摆摊"
    # The other classes' categories are offered too, every one a county category.
    assert all(choice["resolution"].category is not None for choice in others)


def test_a_keyword_decides_whatever_the_class_and_the_classes_own_categories_follow(county):
    prediction = Prediction("环境保护", 0.4, [("城乡建设", 0.35), ("交通运输", 0.25)])
    choices = ranked_choices(prediction, "工地夜里施工噪音扰民", Resolver())
    assert choices[0]["resolution"].category.code == "noise"
    assert choices[0]["resolution"].keyword == "噪音"
    assert [(c["resolution"].category.code, c["resolution"].department_code) for c in choices] == [
        ("noise", "dept-sthj"),
        ("pollution", "dept-sthj"),
        ("other", "dept-zjj"),
        ("transport", "dept-jtys"),
    ]


def test_classes_that_end_in_the_same_category_and_department_add_up(county):
    prediction = Prediction("商贸旅游", 0.5, [("卫生计生", 0.3), ("教育文体", 0.2)])
    choices = ranked_choices(prediction, "药店卖的药品价格比别处贵一倍", Resolver())
    assert choices[0]["resolution"].category.code == "market-order"
    assert choices[0]["confidence"] == pytest.approx(0.8)
    # 其他 of another department is another choice.
    assert (choices[1]["resolution"].category.code, choices[1]["confidence"]) == ("other", 0.2)


def test_keywords_deep_in_a_long_message_do_not_decide(county):
    text = "学校食堂饭菜价格上涨，学生负担重。" + "家长们都很关心这件事。" * 10 + "门口还有人摆摊"
    assert Resolver()("教育文体", text).category.code == "other"


def test_a_county_label_resolves_through_its_category(world):
    route = Resolver()("street-vending", "随便什么文字")
    assert route.category == world.street_vending
    assert route.department == world.dept_zhzf


def test_a_switched_off_category_is_not_suggested(county):
    Category.objects.filter(code="street-vending").update(is_active=False)
    route = Resolver()("城乡建设", "有人摆摊")
    assert route.category.code == "other" and route.department == county["zjj"]


def test_a_department_missing_from_the_organisation_is_named_from_the_table(county):
    route = Resolver()("教育文体", "学校课后服务收费不合理")
    assert route.department is None
    assert (route.department_code, route.department_name) == ("dept-jyj", "县教育局")


def test_the_mapping_is_data_that_a_county_can_change(tmp_path):
    path = write_csv(
        tmp_path / "mapping.csv",
        [
            {"label": ANY, "keywords": "培训班|补课", "category_code": "education",
             "department_code": "dept-edu", "department_name": "县教育体育局"},
            {"label": "教育文体", "keywords": "", "category_code": "other",
             "department_code": "dept-edu", "department_name": "县教育体育局"},
        ],
    )  # fmt: skip
    assert [r.category_code for r in rules(path)] == ["education", "other"]
    assert default_rules(path)["教育文体"].department_code == "dept-edu"


def test_a_bad_keyword_pattern_is_reported_with_its_line(tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [{"label": ANY, "keywords": "摆摊(", "category_code": "street-vending"}],
    )
    with pytest.raises(MappingError, match="line 2"):
        rules(path)


def test_starter_messages_take_the_category_their_text_points_to_in_a_county_model():
    assert category_label("环境保护") == "pollution"
    assert category_label("城乡建设", "路边摆摊卖菜") == "street-vending"
    # Only 其他: the class keeps its name, which still names its department.
    assert category_label("城乡建设", "拆迁安置房迟迟不交付") == "城乡建设"
    assert category_label("street-vending") == "street-vending"
