"""Router tests: a small labelled corpus (a few dozen texts, fast to train), the
categories and departments it maps to, and a VAR_DIR of the session's own so that
the real starter model is fitted at most once per test session."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from civicloop.events.demo import load_categories
from civicloop.org.choices import UnitKind
from civicloop.router import store
from civicloop.testing.factories import CategoryFactory, UnitFactory

# (subject, details, first-level class): short messages in the style of the starter data.
SMALL = [
    (
        "小区旁工厂排放废气",
        "每天晚上工厂烟囱冒黑烟，气味刺鼻，居民不敢开窗，请环保部门查处。",
        "环境保护",
    ),
    ("河道被污水污染", "村里河道有工厂偷排污水，河水发黑发臭，鱼都死了。", "环境保护"),
    ("夜间施工噪声扰民", "工地每天夜里施工到凌晨，噪声很大，严重影响休息。", "环境保护"),
    ("砖厂粉尘污染严重", "砖厂生产时粉尘漫天，周边农田和房屋都是灰，空气污染。", "环境保护"),
    ("养猪场粪便直排", "养殖场把粪水直接排进水塘，臭气熏天，污染地下水。", "环境保护"),
    ("烧烤摊油烟污染", "楼下烧烤摊油烟直冲楼上，空气污染严重，请求整治。", "环境保护"),
    ("化工厂偷排废水", "化工厂晚上偷偷排放废水，河里出现大片泡沫，污染环境。", "环境保护"),
    ("垃圾焚烧冒黑烟", "有人在空地露天焚烧垃圾，黑烟弥漫，污染空气。", "环境保护"),
    ("采石场破坏生态", "采石场乱挖山体，植被被毁，扬尘污染，生态环境遭破坏。", "环境保护"),
    ("KTV噪音扰民", "KTV每天营业到深夜，音响噪音太大，居民无法入睡。", "环境保护"),
    ("餐馆排污堵塞下水道", "餐馆把油污直接排进雨水管，造成污染和异味。", "环境保护"),
    ("水库水质被污染", "饮用水水库周边有人养鸭，水质变差，担心污染饮用水。", "环境保护"),
    ("出租车拒载乱收费", "火车站出租车司机拒载，不打表，随口要价，请交通部门管理。", "交通运输"),
    ("公交车班次太少", "到县城的公交车一个小时才一班，乘客等车时间太长。", "交通运输"),
    ("黑车非法营运", "汽车站门口很多黑车拉客，非法营运，存在安全隐患。", "交通运输"),
    ("道路坑洼多年未修", "乡道路面坑坑洼洼，车辆通行困难，雨天积水，请求维修道路。", "交通运输"),
    ("货车超载损坏公路", "运砂石的货车严重超载，公路被压坏，交通安全堪忧。", "交通运输"),
    ("高速收费不合理", "这段高速公路通行费太贵，建议降低收费标准。", "交通运输"),
    ("网约车管理混乱", "网约车没有营运资质也在接单，乘客安全没有保障。", "交通运输"),
    ("客运班车停运", "通往乡镇的客运班车突然停运，村民出行很不方便。", "交通运输"),
    ("驾校收费不透明", "驾校学车乱收费，考试还要额外交钱，请交通部门查处。", "交通运输"),
    ("路口红绿灯不合理", "这个路口红绿灯时间太短，车辆拥堵，行人过马路危险。", "交通运输"),
    ("校车超员运行", "接送学生的校车经常超员，交通安全隐患很大。", "交通运输"),
    ("出租车不打表", "出租车司机不打表，还绕路多收钱，出租车管理需规范。", "交通运输"),
    (
        "小区物业乱收停车费",
        "物业公司擅自提高停车费，业主不同意也强行收取，物业服务很差。",
        "城乡建设",
    ),
    ("小区长期停水", "小区已经停水三天，物业和自来水公司互相推诿，居民生活困难。", "城乡建设"),
    ("拆迁补偿不到位", "村里征地拆迁补偿款迟迟不到位，安置房也没有建好。", "城乡建设"),
    ("楼盘质量问题严重", "新买的商品房墙体开裂渗水，开发商拒绝维修，房屋质量差。", "城乡建设"),
    ("棚户区改造何时启动", "老旧棚户区房屋破旧，请问什么时候进行棚户区改造？", "城乡建设"),
    ("违章建筑无人管", "小区一楼住户私自搭建违章建筑，占用公共绿地，城管不处理。", "城乡建设"),
    ("开发商延期交房", "开发商承诺去年交房，现在楼盘还是烂尾，购房者很着急。", "城乡建设"),
    ("小区电梯经常故障", "小区电梯经常坏，物业维修不及时，老人上下楼困难。", "城乡建设"),
    ("房产证迟迟办不下来", "买房五年了房产证还办不下来，开发商和住建部门互相推诿。", "城乡建设"),
    ("业委会选举不公", "小区业委会选举程序违规，业主权益受损，物业管理混乱。", "城乡建设"),
    ("老旧小区改造扰民", "老旧小区改造工程拖了一年，道路挖开不填，居民出行难。", "城乡建设"),
    ("公租房分配不公", "公租房分配不透明，符合条件的住户排不上，住房保障不公平。", "城乡建设"),
]

NEW_TEXTS = {
    "环境保护": "工厂烟囱排放黑烟废气，空气污染严重",
    "交通运输": "出租车司机拒载还不打表乱收费",
    "城乡建设": "物业公司乱收费，小区停水也不管",
}

COLUMNS = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类"]


def write_csv(path: Path, rows: list[dict], *, columns=None, encoding: str = "utf-8") -> Path:
    columns = columns or list(rows[0])
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def small_rows() -> list[dict]:
    return [
        {
            "留言编号": str(1000 + i),
            "留言用户": f"A{i:05d}",
            "留言主题": title,
            "留言时间": "2019/1/1 10:00:00",
            "留言详情": body,
            "一级分类": label,
        }
        for i, (title, body, label) in enumerate(SMALL)
    ]


@pytest.fixture(scope="session")
def router_var(tmp_path_factory):
    return tmp_path_factory.mktemp("router-var")


@pytest.fixture(autouse=True)
def _router_var_dir(settings, router_var):
    settings.VAR_DIR = router_var


@pytest.fixture
def small_csv(tmp_path) -> Path:
    return write_csv(tmp_path / "small.csv", small_rows(), columns=COLUMNS)


@pytest.fixture
def mapped(world):
    """The departments and categories the starter classes map to (category_map.csv)."""
    county = world.county
    sthj = UnitFactory(
        code="dept-sthj", name="嘉兴市生态环境局海盐分局", kind=UnitKind.DEPARTMENT, region=county
    )
    jtys = UnitFactory(
        code="dept-jtys", name="县交通运输局", kind=UnitKind.DEPARTMENT, region=county
    )
    zjj = UnitFactory(
        code="dept-zjj", name="县住房和城乡建设局", kind=UnitKind.DEPARTMENT, region=county
    )
    pollution = CategoryFactory(
        code="pollution", name="环境污染", department=sthj, town_may_handle=True
    )
    transport = CategoryFactory(
        code="transport", name="交通运输（非法营运、道路）", department=jtys, town_may_handle=False
    )
    return {"sthj": sthj, "jtys": jtys, "zjj": zjj, "pollution": pollution, "transport": transport}


@pytest.fixture
def county(mapped):
    """The county's full category list (events/data/categories.csv) with the mapped units."""
    load_categories()
    return mapped


@pytest.fixture
def small_model(db, small_csv):
    """A model trained on the small corpus through the service, active from now on."""
    from civicloop.router import services

    return services.train_from_csv(small_csv, folds=3).model


@pytest.fixture
def fresh_pipelines():
    store.forget_all()
    yield
    store.forget_all()
