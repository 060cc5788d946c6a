"""The real published tables import as their own catalogues, tiers and factors intact:
江门 (tier table), 广东 (weighted factors, tier tables, no-penalty list)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from civicloop.discretion import services
from civicloop.discretion.exporting import write_workbook
from civicloop.discretion.importing import read_workbook
from civicloop.discretion.models import Benchmark, BenchmarkItem, FactorLevel, Tier
from civicloop.discretion.sources import guangdong, jiangmen

pytestmark = pytest.mark.django_db
START = dt.date(2021, 3, 1)


@pytest.fixture
def jm():
    return services.create_version(jiangmen.benchmark_spec(START))


def test_jiangmen_counts(jm):
    assert jm.items.count() == 165
    assert Tier.objects.filter(item__benchmark=jm).count() == 872
    # Another issuer's catalogue: no Haiyan matter, no area of application.
    assert not jm.items.filter(matter__isnull=False).exists()
    assert jm.region is None
    assert jm.history.get().action == "imported"


def test_jiangmen_item_tier_by_tier(jm):
    # 环境影响评价法 1-2: 未依法备案建设项目环境影响登记表 (statute: 五万元以下).
    item = jm.items.get(code="JM-1-2")
    assert item.group == "环境影响评价法"
    assert (item.stat_min, item.stat_max) == (None, Decimal("50000"))
    tiers = [(t.rank, t.label, t.conditions, t.band_min, t.band_max) for t in item.tiers.all()]
    assert tiers == [
        (1, "第1档", "无生产、经营污染物排放", None, Decimal("10000")),
        (2, "第2档", "有生产、经营污染物排放", Decimal("10000"), Decimal("20000")),
        (3, "第3档", "发现有超标排放污染物的", Decimal("20000"), Decimal("40000")),
        (
            4,
            "第4档",
            "造成较大以上突发环境事件或其他严重后果的",
            Decimal("40000"),
            Decimal("50000"),
        ),
    ]


def test_jiangmen_multiples_and_merged_cells(jm):
    # 1-1: 总投资额百分之一…五; the second circumstance of tier 2 had a merged (blank) standard.
    item = jm.items.get(code="JM-1-1")
    assert item.base_kind == "total_investment"
    assert (item.base_multiple_min, item.base_multiple_max) == (Decimal("0.01"), Decimal("0.05"))
    tiers = list(item.tiers.all())
    assert [t.rank for t in tiers] == [1, 2, 2, 3, 3, 4]
    assert {t.band_kind for t in tiers} == {"multiple"}
    assert [(t.band_min, t.band_max) for t in tiers] == [
        (Decimal("0.01"), Decimal("0.02")),
        (Decimal("0.02"), Decimal("0.03")),
        (Decimal("0.02"), Decimal("0.03")),
        (Decimal("0.03"), Decimal("0.04")),
        (Decimal("0.03"), Decimal("0.04")),
        (Decimal("0.04"), Decimal("0.05")),
    ]
    assert tiers[2].conditions == "报告书项目，主体工程未建设完成的"


def test_jiangmen_repeat_offences_against_the_file(jm):
    rows = list(csv.DictReader(open(jiangmen.DATA, encoding="utf-8-sig")))
    repeat = [r for r in rows if "两年内第" in r["circumstance"]]
    assert repeat
    row = next(
        r for r in repeat if "两年内第3次" in r["circumstance"] and "以上" not in r["circumstance"]
    )
    tier = Tier.objects.get(
        item__benchmark=jm,
        item__code=f"JM-{row['item_no']}",
        conditions=row["circumstance"].strip(),
    )
    assert (tier.min_prior_offences, tier.max_prior_offences) == (2, 2)
    assert jiangmen.prior_offences("两年内第3次以上") == (2, None)
    assert jiangmen.prior_offences("两年内超过3次的") == (3, None)
    assert jiangmen.prior_offences("两年内3次以上的") == (2, None)
    assert jiangmen.prior_offences("两年内第1次") == (0, 0)
    assert jiangmen.prior_offences("主体工程已建设完成的") == (None, None)


def test_band_parsing():
    assert jiangmen.parse_band("责令改正，处十二万以上十五万元以下罚款") == (
        "amount",
        "",
        Decimal("120000"),
        Decimal("150000"),
    )
    assert jiangmen.parse_band("处所收费用三倍的罚款") == ("multiple", "other", 3, 3)
    assert jiangmen.parse_band("并处违法所得三倍以上五倍以下罚款") == (
        "multiple",
        "illegal_income",
        3,
        5,
    )
    assert jiangmen.parse_band("每个因子超标每0.5倍增加一万元")[0] == "none"


@pytest.fixture(scope="module")
def gd_items():
    return guangdong.table_items()


def test_guangdong_counts(gd_items):
    # 275 numbered violations. Six (§2.5, 2.7, 2.8, 3.2, 3.4, 3.5) have two sub-standards
    # (§x.y.1 / §x.y.2) and §8.17 is printed twice; weighted tables with one start percentage
    # per scenario (限期内改正 / 逾期未改正, 对单位 / 对个人) give one item per scenario.
    assert len(gd_items) == 296
    assert len({i.code for i in gd_items}) == 294
    assert sum(1 for i in gd_items if i.method == "factors") == 58
    assert sum(len(f.levels) for i in gd_items for f in i.factors) == 1082
    assert sum(len(i.tiers) for i in gd_items) == 1510


def test_guangdong_scenarios_by_party_type(gd_items):
    # §4.27: 对单位 start 25 %, ×200万; 对个人 start 10 %, ×50万; the same factor levels.
    found = {(i.code, i.party_type): i for i in gd_items}
    unit, person = found["GD-4.27", "organisation"], found["GD-4.27", "person"]
    assert (unit.start_percent, unit.stat_max) == (25, Decimal("2000000"))
    assert unit.formula_note == "罚款金额＝对单位的裁量百分值总和×200万"
    assert (person.start_percent, person.stat_max) == (10, Decimal("500000"))
    assert person.formula_note == "罚款金额＝对个人的裁量百分值总和×50万"
    assert [f.name for f in person.factors][:2] == [
        "涉及量",
        "涉案危险废物收集、贮存、利用、处置情况",
    ]
    assert person.factors[1].levels == [
        ("暂未处置", 0),
        ("资源化综合利用", 6),
        ("通过焚烧等方式处理处置", 11),
        ("非法倾倒、填埋", 32),
    ]
    # §1.6: 限期内改正 25 % ×20万, 逾期未改正 20 % ×100万 (both for any party).
    within, late = found["GD-1.6-1", "any"], found["GD-1.6-2", "any"]
    assert within.violation.endswith("（限期内改正）") and within.start_percent == 25
    assert within.stat_max == Decimal("200000")
    assert late.violation.endswith("（逾期未改正）") and late.start_percent == 20
    assert late.stat_max == Decimal("1000000")


def test_guangdong_weighted_item_factor_by_factor(gd_items):
    item = next(i for i in gd_items if i.code == "GD-1.1")
    assert item.violation.startswith("建设单位未依法报批建设项目环境影响报告书、报告表")
    assert item.group == "环评类"
    assert item.start_percent == 20 and item.cap_percent == 100
    assert item.formula_note == "罚款金额＝裁量百分值总和×建设项目总投资额×5%"
    assert (item.base_kind, item.base_multiple_max) == ("total_investment", Decimal("0.05"))
    factors = {f.name: [(label, w) for label, w in f.levels] for f in item.factors}
    assert list(factors) == [
        "项目应报批的环评文件类别",
        "建设项目地点",
        "建设情况",
        "违法行为持续时间",
        "近二年同类违法行为情况（含本次）",
        "配合执法调查情况",
    ]
    assert [w for _l, w in factors["项目应报批的环评文件类别"]] == [0, 5, 10]
    assert factors["建设项目地点"] == [
        ("一般区域", 0),
        ("限批区或环境敏感区（除饮用水水源保护区、生态保护红线区域内）", 6),
        ("饮用水水源保护区、生态保护红线区域内", 15),
    ]
    assert [w for _l, w in factors["建设情况"]] == [0, 5, 15]
    assert [w for _l, w in factors["违法行为持续时间"]] == [0, 3, 8, 16]
    assert [w for _l, w in factors["近二年同类违法行为情况（含本次）"]] == [0, 3, 8, 19]
    assert factors["配合执法调查情况"] == [("配合调查", 0), ("不配合调查", 5)]


def test_guangdong_amount_based_weighted_item(gd_items):
    item = next(i for i in gd_items if i.code == "GD-2.5.1")
    assert item.violation == "未依法取得排污许可证排放水污染物"
    assert item.formula_note == "罚款金额＝裁量百分值总和×100万"
    assert (item.base_kind, item.stat_max) == ("statutory_maximum", Decimal("1000000"))


def test_guangdong_tier_table_item(gd_items):
    # §1.3 未依法备案建设项目环境影响登记表: area × correction → four bands.
    item = next(i for i in gd_items if i.code == "GD-1.3")
    assert item.method == "tiers"
    assert [(t.conditions, t.band_min, t.band_max) for t in item.tiers] == [
        ("一般区域；限期内完成备案手续", None, Decimal("10000")),
        ("一般区域；逾期未完成备案手续", Decimal("10000"), Decimal("30000")),
        ("限批区或环境敏感区；限期内完成备案手续", Decimal("30000"), Decimal("50000")),
        ("限批区或环境敏感区；逾期未完成备案手续", Decimal("50000"), Decimal("50000")),
    ]


def test_guangdong_imports(gd_items):
    table = services.create_version(guangdong.table_spec(START))
    assert table.items.count() == 296
    assert FactorLevel.objects.filter(factor__item__benchmark=table).count() == 1082
    assert not BenchmarkItem.objects.filter(benchmark=table, matter__isnull=False).exists()
    listed = services.create_version(guangdong.no_penalty_spec(START))
    assert listed.items.count() == 20
    first = listed.items.get(code="GD-NP-01").tiers.get()
    assert first.label == "不予处罚" and first.band_kind == "none"
    assert first.first_offence is True and first.corrected is True
    assert "（1）属于首次违法；" in first.conditions
    assert Benchmark.objects.count() == 2


def test_the_jiangmen_table_round_trips_through_our_workbook(jm):
    out = io.BytesIO()
    write_workbook(jm, out)
    result = read_workbook(out.getvalue())
    assert result.problems == []
    assert result.spec == services.spec_of(jm)


def test_the_command_loads_the_shipped_tables():
    out = io.StringIO()
    call_command(
        "import_benchmarks",
        "--jiangmen",
        "--guangdong",
        "--effective-from",
        "2021-03-01",
        stdout=out,
    )
    assert sorted(Benchmark.objects.values_list("code", "version")) == [
        ("guangdong-eco-2021", 1),
        ("guangdong-no-penalty-2021", 1),
        ("jiangmen-eco-2020", 1),
    ]
    assert Benchmark.objects.get(code="jiangmen-eco-2020").effective_from == START
    with pytest.raises(CommandError):
        # The same start again: a new version must start later; nothing more is stored.
        call_command("import_benchmarks", "--jiangmen", "--effective-from", "2021-03-01")
    assert Benchmark.objects.count() == 3
