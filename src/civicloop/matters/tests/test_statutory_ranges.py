"""Statutory ranges per party type (个人 / 单位 / 不分), fixed amounts and multiples of a base:
read from the words of the law, written into the catalog, stored per matter version and read
back through ``matters.ranges``."""

from __future__ import annotations

import csv
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from civicloop.events.demo import load_categories
from civicloop.matters.build_catalog import (
    CATALOG,
    CATALOG_PATH,
    article_from_text,
    entry_ranges,
)
from civicloop.matters.display import format_ranges
from civicloop.matters.fines import fine_range, statutory_ranges
from civicloop.matters.importing import Action, import_catalog, load_starter_catalog, read_catalog
from civicloop.matters.models import Matter, MatterVersion
from civicloop.matters.models import StatutoryRange as StatutoryRangeRow
from civicloop.matters.ranges import (
    StatutoryRange,
    format_ranges_text,
    parse_ranges_text,
    range_for,
    ranges_of,
    widest,
)
from civicloop.org.demo import load_haiyan_organisation

D = Decimal


def amount(party, low, high):
    return StatutoryRange(party, None if low is None else D(low), D(high))


def multiple(party, low, high, kind, base):
    return StatutoryRange(
        party,
        None,
        None,
        base_kind=kind,
        multiple_min=None if low is None else D(low),
        multiple_max=D(high),
        base_text=base,
    )


def committed_rows() -> dict[str, dict[str, str]]:
    with CATALOG_PATH.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


# --- the parser ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # the party in the same clause, after 对
        (
            "对单位处一万元以上十万元以下的罚款，对个人处五百元以上二千元以下的罚款。",
            [amount("person", 500, 2000), amount("organisation", 10000, 100000)],
        ),
        (
            "给予警告，对个人并处200元以上3000元以下罚款，对单位并处1万元以上5万元以下罚款。",
            [amount("person", 200, 3000), amount("organisation", 10000, 50000)],
        ),
        (
            "对公民处五十元以下的罚款，对法人或者其他组织处一千元以下的罚款",
            [amount("person", None, 50), amount("organisation", None, 1000)],
        ),
        # the party opening the clause before, or ending it with 的
        (
            "个人有前款规定行为之一的，处1000元以上1万元以下的罚款；单位有前款规定行为之一的，"
            "处5万元以上20万元以下的罚款。",
            [amount("person", 1000, 10000), amount("organisation", 50000, 200000)],
        ),
        (
            "农药使用者为农民专业合作社等单位的，处5万元以上10万元以下罚款，农药使用者为个人的，"
            "处1万元以下罚款",
            [amount("person", None, 10000), amount("organisation", 50000, 100000)],
        ),
        # a statement for one party only
        (
            "情节严重的，对单位处五万元以上五十万元以下的罚款，对个人依法处以罚款。",
            [amount("organisation", 50000, 500000)],
        ),
    ],
)
def test_ranges_per_party_type_are_read_from_the_words_next_to_the_amount(text, expected):
    assert list(statutory_ranges(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the parties are named, but not next to the amount
        "建设单位、施工单位有下列行为之一，由工程所在地人民政府指定的部门责令改正，"
        "处一万元以上十万元以下的罚款",
        "由城市人民政府市容环境卫生行政主管部门或者其委托的单位责令改正，处一万元以上十万元以下的罚款",
        # both parties together
        "对违法的单位和个人处一万元以上十万元以下的罚款",
        # a party that is neither word
        "对广告主处一万元以上十万元以下的罚款",
    ],
)
def test_an_amount_with_no_party_next_to_it_is_for_any_party(text):
    assert list(statutory_ranges(text)) == [amount("any", 10000, 100000)]


def test_a_fixed_amount_is_a_range_of_one_and_amounts_per_unit_are_not_ranges():
    (fixed,) = statutory_ranges("责令恢复原状或者采取其他补救措施，处50元的罚款；构成犯罪的")
    assert fixed == amount("any", 50, 50) and fixed.is_fixed
    assert statutory_ranges("并处非法改变用途林地每平方米10元至30元的罚款") == ()
    assert statutory_ranges("对超载车辆，每辆机动车五千元以下的罚款") == ()
    # the “至” form is an amount range when it is not per unit
    assert statutory_ranges("处1000元至5000元罚款") == (amount("any", 1000, 5000),)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "没收违法所得，并处违法所得一倍以上三倍以下的罚款",
            multiple("any", 1, 3, "illegal_income", "违法所得"),
        ),
        (
            "处建设项目总投资额百分之一以上百分之五以下的罚款",
            multiple("any", "0.01", "0.05", "total_investment", "建设项目总投资额"),
        ),
        (
            "并处违法生产、销售的产品货值金额百分之五十以上三倍以下的罚款",
            multiple("any", "0.5", 3, "goods_value", "违法生产、销售的产品货值金额"),
        ),
        (
            "处所需处置费用一倍以上三倍以下的罚款",
            multiple("any", 1, 3, "disposal_cost", "所需处置费用"),
        ),
        (
            "可以处毁坏林木价值1倍至5倍的罚款",
            multiple("any", 1, 5, "other", "毁坏林木价值"),
        ),
        (
            "可以并处临时建设工程造价一倍以下的罚款",
            multiple("any", None, 1, "other", "临时建设工程造价"),
        ),
        (
            "对单位处违法所得二倍以上五倍以下的罚款",
            multiple("organisation", 2, 5, "illegal_income", "违法所得"),
        ),
    ],
)
def test_multiples_and_percentages_keep_their_base(text, expected):
    assert list(statutory_ranges(text)) == [expected]
    assert fine_range(text).maximum is None  # a multiple is not an amount of money


def test_a_multiple_of_something_that_is_not_a_fine_is_ignored_and_amounts_come_before_multiples():
    text = (
        "责令限期在原地或者异地补种滥伐株数一倍以上三倍以下的树木，可以处滥伐林木价值三倍以上"
        "五倍以下的罚款；没有违法所得的，处五万元以下的罚款"
    )
    assert list(statutory_ranges(text)) == [
        amount("any", None, 50000),
        multiple("any", 3, 5, "other", "滥伐林木价值"),
    ]


def test_several_statements_for_the_same_party_merge_into_the_widest_and_fine_range_stays_widest():
    text = "对个人处二百元以上一千元以下的罚款；情节严重的，对个人处一千元以上五千元以下的罚款"
    assert list(statutory_ranges(text)) == [amount("person", 200, 5000)]
    split = "对个人处二百元以上一千元以下的罚款，对单位处二千元以上二万元以下的罚款"
    assert widest(statutory_ranges(split)) == (D(200), D(20000))
    assert (fine_range(split).minimum, fine_range(split).maximum) == (D(200), D(20000))


# --- the compact text of the catalog ---------------------------------------------------------


def test_the_compact_text_round_trips_and_names_a_bad_part():
    ranges = (
        amount("person", 200, 3000),
        amount("organisation", 10000, 50000),
        amount("any", None, 20000),
        multiple("any", 1, 3, "illegal_income", "违法所得"),
        multiple("any", None, "0.1", "other", "建设工程造价"),
    )
    text = format_ranges_text(ranges)
    assert text == (
        "person:200-3000;organisation:10000-50000;any:-20000;"
        "any:x1-x3@illegal_income(违法所得);any:-x0.1@other(建设工程造价)"
    )
    assert parse_ranges_text(text) == ranges
    assert format_ranges_text([amount("any", 50, 50)]) == "any:50"
    assert parse_ranges_text("个人：200-3000；单位:10000-50000") == ranges[:2]
    assert parse_ranges_text("") == ()
    for bad in ("person:3000-200", "nobody:1-2", "any:x1-x3@salary", "any:abc", "person"):
        with pytest.raises(ValueError):
            parse_ranges_text(bad)


# --- the catalog -----------------------------------------------------------------------------

# Written by hand from the articles (not by the parser): the matters whose article sets
# separate ranges for 个人 and 单位, the fixed amount and two multiples.
EXPECTED = {
    "DQ-005": "person:500-2000;organisation:10000-100000",  # 大气污染防治法 Art. 119 ¶2
    "LY-006": "person:200-3000;organisation:10000-50000",  # 森林防火条例 Art. 50
    "PS-001": "person:20000-100000;organisation:100000-200000",  # 城镇排水与污水处理条例 Art. 49
    "RQ-004": "person:5000-50000;organisation:50000-100000",  # 城镇燃气管理条例 Art. 50
    "WY-001": "person:1000-10000;organisation:50000-200000",  # 物业管理条例 Art. 63 ¶2
    "WY-002": "person:1000-10000;organisation:50000-200000",
    "ZS-003": "person:200-1000;organisation:2000-20000",  # 噪声污染防治法 Art. 82
    "LY-007": "person:200-2000;organisation:2000-5000",  # 森林防火条例 Art. 52
    "RQ-003": "person:-1000;organisation:-100000",  # 城镇燃气管理条例 Art. 49
    "NY-001": "person:-10000;organisation:50000-100000",  # 农药管理条例 Art. 60
    "GF-003": "organisation:50000-500000",  # 对个人依法处以罚款: no amount for a person
    "FJ-001": "any:50",  # 风景名胜区条例 Art. 44: 处50元的罚款
    "ZD-001": "any:-20000",
    "LY-002": "any:x3-x5@other(滥伐林木价值)",  # 森林法 Art. 76 ¶2
    "GH-001": "any:-x0.1@other(建设工程造价)",  # 城乡规划法 Art. 64
    "SR-001": "",  # 可以并处警告、罚款: no amount
}


def test_the_split_fixed_and_multiple_matters_have_the_ranges_of_their_articles():
    rows = committed_rows()
    for code, ranges in EXPECTED.items():
        assert rows[code]["ranges"] == ranges, code
    # fine_min / fine_max stay the widest, as before
    assert (rows["DQ-005"]["fine_min"], rows["DQ-005"]["fine_max"]) == ("500", "100000")
    assert (rows["FJ-001"]["fine_min"], rows["FJ-001"]["fine_max"]) == ("50", "50")
    assert rows["LY-002"]["fine_max"] == ""


def test_every_catalog_range_is_what_its_article_text_says():
    """Re-read each row's ranges from the article text stored in the catalog itself (not the
    statute files), with the entry's paragraph and anchors."""
    rows = committed_rows()
    assert {e.code for e in CATALOG} == set(rows)
    for entry in CATALOG:
        row = rows[entry.code]
        ranges = entry_ranges(entry, article_from_text(row["article_text"]))
        assert parse_ranges_text(row["ranges"]) == ranges, entry.code
        assert format_ranges_text(ranges) == row["ranges"], entry.code
        low, high = widest(ranges)
        assert (row["fine_min"], row["fine_max"]) == (
            "" if low is None else str(low),
            "" if high is None else str(high),
        ), entry.code


@pytest.fixture
def catalog(db):
    load_haiyan_organisation()
    load_categories()
    load_starter_catalog()


def test_every_stored_version_has_the_ranges_its_article_text_says(
    catalog, django_assert_num_queries
):
    entries = {e.code: e for e in CATALOG}
    with django_assert_num_queries(2):
        versions = list(
            MatterVersion.objects.select_related("matter").prefetch_related("statutory_ranges")
        )
    assert len(versions) == len(entries)
    with django_assert_num_queries(0):
        for version in versions:
            entry = entries[version.matter.code]
            expected = list(entry_ranges(entry, article_from_text(version.article_text)))
            assert ranges_of(version) == expected, entry.code
            assert (version.fine_min, version.fine_max) == widest(expected)


def test_range_for_a_party_type_falls_back_to_any_and_prefers_an_amount(catalog):
    def version(code):
        return Matter.objects.get(code=code).latest_version()

    dq = version("DQ-005")
    assert range_for(dq, "person") == amount("person", 500, 2000)
    assert range_for(dq, "organisation") == amount("organisation", 10000, 100000)
    assert range_for(version("ZD-001"), "person") == amount("any", None, 20000)
    assert range_for(version("GF-003"), "person") is None  # 对个人依法处以罚款
    assert range_for(version("LY-002"), "person").base_kind == "other"
    assert range_for(version("SR-001"), "organisation") is None


def test_the_labels_read_by_party_with_multiples_as_the_law_words_them():
    # New msgids (party words, multiples) get their Chinese at merge (NEW_MESSAGES_ranges.po),
    # so the words are asserted in English and the amounts in both languages.
    split = [amount("person", 200, 3000), amount("organisation", 10000, 50000)]
    with translation.override("en"):
        assert format_ranges(split) == (
            "individual 200 – 3,000 yuan；organisation 10,000 – 50,000 yuan"
        )
        assert format_ranges([amount("any", 50, 50)]) == "50 yuan"
        assert format_ranges([amount("any", None, 20000)]) == "up to 20,000 yuan"
        assert format_ranges([multiple("any", 1, 3, "illegal_income", "违法所得")]) == (
            "违法所得 1 – 3 times"
        )
        assert format_ranges([multiple("any", "0.05", "0.1", "other", "建设工程造价")]) == (
            "建设工程造价 5% – 10%"
        )
        assert format_ranges([multiple("any", None, 5, "other", "毁坏林木价值")]) == (
            "毁坏林木价值 up to 5 times"
        )
        assert format_ranges([]) == "no amount stated"
    with translation.override("zh-hans"):
        assert format_ranges(split).endswith(" 10,000 元以上 50,000 元以下")
        assert format_ranges([amount("any", 50, 50)]) == "50 元"
        assert format_ranges([]) == "未规定罚款数额"


def test_the_matter_page_and_the_api_show_the_ranges_by_party(world, client):
    from rest_framework.test import APIClient

    from civicloop.testing.matters import make_matter

    make_matter(
        world,
        "LY-006",
        name="对森林防火期内未经批准擅自在森林防火区内野外用火的行政处罚",
        law="森林防火条例",
        article="第五十条",
        fine_max=None,
        ranges="person:200-3000;organisation:10000-50000",
        article_text="第五十条　……对个人并处200元以上3000元以下罚款，对单位并处1万元以上5万元以下罚款。",
    )
    client.force_login(world.centre)
    page = client.get(reverse("matters:matter", args=["LY-006"])).content.decode()
    expected = format_ranges([amount("person", 200, 3000), amount("organisation", 10000, 50000)])
    assert "200 元以上 3,000 元以下；" in expected and expected in page
    api = APIClient()
    api.force_authenticate(world.grid_worker)
    (version,) = api.get("/api/matters/LY-006/").json()["versions"]
    assert (version["fine_min"], version["fine_max"]) == ("200.00", "50000.00")
    assert [(r["party_type"], r["minimum"], r["maximum"]) for r in version["ranges"]] == [
        ("person", "200.00", "3000.00"),
        ("organisation", "10000.00", "50000.00"),
    ]


# --- import and export -----------------------------------------------------------------------

HEADER = [
    "code",
    "name",
    "department",
    "law",
    "article",
    "fine_min",
    "fine_max",
    "ranges",
    "category",
    "effective_from",
    "article_text",
]
ARTICLE = (
    "第一百一十九条　违反本法规定，在人口集中地区对树木、花草喷洒剧毒、高毒农药，或者露天焚烧秸秆、落叶等"
    "产生烟尘污染的物质的，由县级以上地方人民政府确定的监督管理部门责令改正，并可以处五百元以上二千元以下"
    "的罚款。"
)


def row(ranges, *, fine_min="", fine_max="", effective_from="2020-01-01", code="DQ-905"):
    return [
        code,
        "对焚烧有毒有害物质的行政处罚",
        "dept-zhzf",
        "大气污染防治法",
        "第一百一十九条",
        fine_min,
        fine_max,
        ranges,
        "air-pollution",
        effective_from,
        ARTICLE,
    ]


def workbook(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return read_catalog(path)


def test_the_importer_stores_the_ranges_and_a_changed_range_is_a_new_version(catalog, tmp_path):
    first = workbook(tmp_path / "a.xlsx", [row("person:500-2000;organisation:10000-100000")])
    result = import_catalog(first, by=None, system=True)
    assert result.stored and result.count(Action.CREATE) == 1
    old = Matter.objects.get(code="DQ-905").latest_version()
    assert format_ranges_text(ranges_of(old)) == "person:500-2000;organisation:10000-100000"
    assert (old.fine_min, old.fine_max) == (D(500), D(100000))  # the widest, worked out

    same = import_catalog(
        workbook(tmp_path / "b.xlsx", [row("单位:10000-100000;个人:500-2000")]),
        by=None,
        system=True,
    )
    assert same.count(Action.UNCHANGED) == 1

    changed = import_catalog(
        workbook(
            tmp_path / "c.xlsx",
            [row("person:500-3000;organisation:10000-100000", effective_from="2026-01-01")],
        ),
        by=None,
        system=True,
    )
    assert changed.count(Action.NEW_VERSION) == 1
    old.refresh_from_db()
    new = Matter.objects.get(code="DQ-905").latest_version()
    assert new.pk != old.pk and range_for(new, "person").maximum == D(3000)
    # the version cases were decided under keeps its ranges
    assert range_for(old, "person").maximum == D(2000)


def test_bad_ranges_are_refused_by_row_and_column_and_nothing_is_stored(catalog, tmp_path):
    table = workbook(
        tmp_path / "bad.xlsx",
        [
            row("person:2000-500", code="DQ-906"),
            row("person:500-2000", fine_min="500", fine_max="9999", code="DQ-907"),
            row("", fine_max="2000", code="DQ-908"),
        ],
    )
    result = import_catalog(table, by=None, system=True)
    assert not result.stored
    assert [(e.row, e.column) for e in result.errors] == [(2, "ranges"), (3, "fine_max")]
    assert not Matter.objects.filter(code__in=["DQ-906", "DQ-907", "DQ-908"]).exists()


def test_an_exported_catalog_imports_back_with_its_ranges_unchanged(catalog, tmp_path):
    from civicloop.matters.exporting import write_catalog_workbook

    path = tmp_path / "export.xlsx"
    write_catalog_workbook(Matter.objects.all(), str(path))
    result = import_catalog(read_catalog(path), by=None, system=True, dry_run=True)
    assert not result.errors
    assert result.count(Action.UNCHANGED) == Matter.objects.count()
    dq = next(r for r in result.rows if r.code == "DQ-005")
    assert format_ranges_text(dq.content.ranges) == "person:500-2000;organisation:10000-100000"


def test_the_migration_gives_existing_versions_their_catalog_ranges(catalog):
    """Versions stored before ranges existed: the catalog's wording gets the catalog's ranges
    (split by party), any other version one range for any party from fine_min / fine_max."""
    migration = importlib.import_module("civicloop.matters.migrations.0004_statutory_ranges")
    other = Matter.objects.get(code="DQ-001")
    edited = MatterVersion.objects.create(
        matter=other,
        effective_from=other.latest_version().effective_from.replace(year=2030),
        name="改过的表述",
        law="大气污染防治法",
        article="第一百一十八条",
        article_text="第一百一十八条　……处五千元以上五万元以下的罚款……",
        fine_min=D(5000),
        fine_max=D(50000),
    )
    StatutoryRangeRow.objects.all().delete()
    migration.store_ranges(django_apps, None)
    dq = Matter.objects.get(code="DQ-005").latest_version()
    assert format_ranges_text(ranges_of(dq)) == "person:500-2000;organisation:10000-100000"
    assert ranges_of(edited) == [amount("any", 5000, 50000)]
    assert StatutoryRangeRow.objects.filter(version=edited).count() == 1
