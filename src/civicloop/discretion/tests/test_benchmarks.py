"""Benchmark versions: history, supersession, adoption, the law's and the superior's limits
(both sides of each bound), the workbook round trip and its row-by-row errors, the starter rule."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.discretion import services, starter
from civicloop.discretion.exporting import write_workbook
from civicloop.discretion.importing import import_workbook, read_workbook
from civicloop.discretion.models import Benchmark, BenchmarkHistory, Tier
from civicloop.discretion.services import BenchmarkSpec, FactorSpec, ItemSpec, TierSpec
from civicloop.testing.matters import make_matter
from civicloop.testing.world import build_world

pytestmark = pytest.mark.django_db
D = Decimal
START = dt.date(2026, 1, 1)


@pytest.fixture(autouse=True)
def english():
    # The Chinese of these messages is in NEW_MESSAGES_bench.po until the catalogue is merged.
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return build_world()


RANGE = (D(1000), D(10000))


def item(code="X-1", *, party="any", stat=RANGE, tiers=None, **kwargs):
    return ItemSpec(
        code=code,
        violation="违法行为",
        party_type=party,
        stat_min=stat[0],
        stat_max=stat[1],
        tiers=tiers
        if tiers is not None
        else [
            TierSpec(1, "从轻处罚", band_min=D(1000), band_max=D(3000)),
            TierSpec(2, "一般处罚", band_min=D(3000), band_max=D(6000)),
            TierSpec(3, "从重处罚", band_min=D(6000), band_max=D(10000)),
        ],
        **kwargs,
    )


def spec(items, *, code="city", start=START, superior=None, level="city", **kwargs):
    return BenchmarkSpec(
        code=code,
        title=f"{code} 裁量基准",
        issuer="市局",
        issuer_level=level,
        effective_from=start,
        superior=superior,
        items=items,
        **kwargs,
    )


def test_a_new_version_supersedes_the_old_with_history(world):
    first = services.create_version(spec([item()]), by=world.centre)
    second = services.create_version(spec([item()], start=dt.date(2026, 7, 1)), by=world.centre)
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.effective_until == dt.date(2026, 6, 30)
    assert second.effective_until is None
    assert list(Benchmark.objects.in_force(dt.date(2026, 6, 30))) == [first]
    assert list(Benchmark.objects.in_force(dt.date(2026, 7, 1))) == [second]
    assert [(h.action, h.actor) for h in first.history.all()] == [
        ("imported", world.centre),
        ("superseded", world.centre),
    ]
    with pytest.raises(InvalidInput, match="2026-07-01"):
        services.create_version(spec([item()], start=dt.date(2026, 7, 1)))


def test_only_the_county_or_its_legal_office_changes_benchmarks(world):
    with pytest.raises(NotPermitted):
        services.create_version(spec([item()]), by=world.wuyuan_officer)
    assert Benchmark.objects.count() == 0
    assert services.may_maintain_benchmarks(world.legal_reviewer)  # in a county department
    assert services.may_maintain_benchmarks(world.admin)
    assert not services.may_maintain_benchmarks(world.wuyuan_dispatcher)


def test_bands_stay_inside_the_statutory_range():
    inside = item(tiers=[TierSpec(1, "一般处罚", band_min=D(1000), band_max=D(10000))])
    assert services.validate(spec([inside])) == []
    above = item(tiers=[TierSpec(1, "一般处罚", band_min=D(1000), band_max=D("10000.01"))])
    below = item(tiers=[TierSpec(1, "从轻处罚", band_min=D("999.99"), band_max=D(2000))])
    with pytest.raises(InvalidInput) as exc:
        services.create_version(spec([above]))
    assert str(exc.value) == (
        "item X-1 (any party), tier 1 “一般处罚”: the band maximum 10000.01 yuan is above the "
        "statutory maximum 10000."
    )
    assert services.validate(spec([below])) == [
        "item X-1 (any party), tier 1 “从轻处罚”: the band minimum 999.99 yuan is below the "
        "statutory minimum 1000."
    ]
    # 减轻处罚 may go below the minimum, never above the maximum.
    reduced = item(tiers=[TierSpec(1, "减轻处罚", band_min=D(0), band_max=D(999))])
    assert services.validate(spec([reduced])) == []
    assert Benchmark.objects.count() == 0


def test_share_of_range_is_converted_to_yuan():
    shares = item(
        tiers=[TierSpec(1, "一般处罚", band_kind="share", band_min=D(40), band_max=D(60))]
    )
    assert services.validate(spec([shares])) == []
    too_much = item(
        tiers=[TierSpec(1, "一般处罚", band_kind="share", band_min=D(40), band_max=D(101))]
    )
    assert services.validate(spec([too_much])) == [
        "item X-1 (any party), tier 1 “一般处罚”: 101 is not a percentage of the statutory "
        "range (0–100)."
    ]


def test_a_lower_body_may_narrow_never_widen(world):
    city = services.create_version(spec([item()]))
    narrower = item(
        tiers=[
            TierSpec(1, "从轻处罚", band_min=D(1000), band_max=D(2000)),
            TierSpec(2, "一般处罚", band_min=D(3000), band_max=D(6000)),
        ]
    )
    town = services.create_version(spec([narrower], code="town", superior=city, level="county"))
    assert town.superior == city
    wider = item(
        tiers=[
            TierSpec(1, "从轻处罚", band_min=D(1000), band_max=D(2000)),
            TierSpec(2, "一般处罚", band_min=D(2999), band_max=D(6001)),
        ]
    )
    problems = services.validate(spec([wider], code="town2", superior=city, level="county"))
    assert problems == [
        "item X-1 (any party), tier 2 “一般处罚”: the band minimum 2999 yuan is below the "
        "superior's tier 2 “一般处罚” (minimum 3000); a lower body may narrow the superior "
        "benchmark, never widen it.",
        "item X-1 (any party), tier 2 “一般处罚”: the band maximum 6001 yuan is above the "
        "superior's tier 2 “一般处罚” (maximum 6000); a lower body may narrow the superior "
        "benchmark, never widen it.",
    ]
    # A tier the superior lacks is held to the superior item's whole range.
    extra = item(tiers=[TierSpec(4, "特别严重", band_min=D(9000), band_max=D(10000))])
    assert services.validate(spec([extra], code="t3", superior=city)) == []
    # An item the superior does not cover is limited only by its own statutory range.
    other = item(
        "Y-9",
        stat=(D(0), D(50000)),
        tiers=[TierSpec(1, "一般处罚", band_min=D(0), band_max=D(50000))],
    )
    assert services.validate(spec([other], code="t4", superior=city)) == []


def test_superior_in_percent_of_the_same_range(world):
    city = services.create_version(
        spec(
            [
                item(
                    tiers=[
                        TierSpec(1, "一般处罚", band_kind="share", band_min=D(40), band_max=D(60))
                    ]
                )
            ]
        )
    )
    inside = item(tiers=[TierSpec(1, "一般处罚", band_min=D(4600), band_max=D(6400))])
    outside = item(tiers=[TierSpec(1, "一般处罚", band_min=D(4600), band_max=D(6500))])
    assert services.validate(spec([inside], code="t", superior=city)) == []
    assert (
        "band maximum 6500 yuan is above the superior's tier 1 “一般处罚” (maximum 6400)"
        in (services.validate(spec([outside], code="t", superior=city))[0])
    )


def test_share_bands_need_a_statutory_maximum_and_compare_with_the_superior_in_yuan():
    share = [TierSpec(1, "一般处罚", band_kind="share", band_min=D(40), band_max=D(60))]
    assert services.validate(spec([item(stat=(None, None), tiers=share)])) == [
        "item X-1 (any party), tier 1 “一般处罚”: the band is a percentage of the statutory "
        "range, but the item states no statutory maximum."
    ]
    city = services.create_version(spec([item(stat=(D(0), D(100)), tiers=share)], code="city"))
    wider = [TierSpec(1, "一般处罚", band_kind="share", band_min=D(30), band_max=D(60))]
    lower = spec([item(stat=(D(0), D(100)), tiers=wider)], code="t", superior=city)
    assert services.validate(lower) == [
        "item X-1 (any party), tier 1 “一般处罚”: the band minimum 30 yuan is below the "
        "superior's tier 1 “一般处罚” (minimum 40); a lower body may narrow the superior "
        "benchmark, never widen it."
    ]


def test_the_superior_is_in_force_and_above(world):
    county = services.create_version(spec([item()], code="county", level="county"))
    assert services.validate(spec([item()], code="town", level="town", superior=county)) == []
    assert services.validate(spec([item()], code="prov", level="province", superior=county)) == [
        "The superior benchmark county 裁量基准（v1） is issued at county level, below "
        "this one's (province)."
    ]
    services.repeal(county, reason="废止")
    county.refresh_from_db()
    assert services.validate(spec([item()], code="town", level="town", superior=county)) == [
        "The superior benchmark county 裁量基准（v1） is repealed."
    ]


def test_adopt_and_repeal(world):
    benchmark = services.create_version(spec([item()], status="starter"))
    assert benchmark.is_starter
    services.adopt(benchmark, by=world.centre)
    benchmark.refresh_from_db()
    assert benchmark.status == "adopted"
    with pytest.raises(InvalidTransition):
        services.adopt(benchmark, by=world.centre)
    with pytest.raises(InvalidInput):
        services.repeal(benchmark, by=world.centre, reason=" ")
    services.repeal(benchmark, by=world.centre, reason="新基准", on=dt.date(2026, 3, 1))
    benchmark.refresh_from_db()
    assert (benchmark.status, benchmark.effective_until) == ("repealed", dt.date(2026, 3, 1))
    assert list(benchmark.history.values_list("action", flat=True)) == [
        "imported",
        "adopted",
        "repealed",
    ]


def weighted():
    return ItemSpec(
        code="GD-1.1",
        violation="未批先建",
        method="factors",
        base_kind="total_investment",
        base_multiple_min=D("0.01"),
        base_multiple_max=D("0.05"),
        start_percent=D(20),
        formula_note="罚款金额＝裁量百分值总和×建设项目总投资额×5%",
        factors=[
            FactorSpec(
                "建设项目地点", [("一般区域", D(0)), ("限批区", D(6)), ("饮用水水源保护区", D(15))]
            ),
            FactorSpec("配合执法调查情况", [("配合调查", D(0)), ("不配合调查", D(5))]),
        ],
    )


def repeat_item():
    return item(
        "X-2",
        party="organisation",
        tiers=[
            TierSpec(
                1,
                "从轻处罚",
                "首次且及时改正",
                band_min=D(1000),
                band_max=D(2000),
                first_offence=True,
                corrected=True,
            ),
            TierSpec(
                2,
                "一般处罚",
                band_kind="share",
                band_min=D(40),
                band_max=D(60),
                max_prior_offences=0,
            ),
            TierSpec(
                3,
                "从重处罚",
                "两年内第2次",
                band_min=D(6000),
                band_max=D(10000),
                min_prior_offences=1,
                standard="处六千元以上一万元以下罚款",
            ),
            TierSpec(4, "不予处罚", band_kind="none"),
        ],
    )


def _export(benchmark) -> bytes:
    out = io.BytesIO()
    write_workbook(benchmark, out)
    return out.getvalue()


def test_export_then_import_round_trips_exactly(world):
    city = services.create_version(spec([item()], code="city"))
    original = services.create_version(
        spec(
            [item(), repeat_item(), weighted()],
            code="county",
            superior=city,
            level="county",
            region=world.county,
            document_number="盐法〔2026〕1号",
            source="来源说明",
            effective_until=dt.date(2027, 12, 31),
        ),
        by=world.centre,
    )
    data = _export(original)
    copy = read_workbook(data).spec
    assert copy is not None
    assert copy == services.spec_of(original)
    # Importing it again makes version 2 with the same content.
    copy.effective_from = dt.date(2026, 2, 1)
    again = services.create_version(copy)
    assert again.version == 2
    assert services.spec_of(again).items == services.spec_of(original).items


def _workbook(items_rows, factor_rows=(), header=None) -> bytes:
    from civicloop.discretion.sources.columns import FACTOR_FIELDS, ITEM_FIELDS

    book = Workbook()
    head = book.active
    head.title = "基准"
    for row in header or [
        ("代码", "t"),
        ("名称", "测试"),
        ("制定机关", "县局"),
        ("施行日期", "2026-01-01"),
    ]:
        head.append(row)
    sheet = book.create_sheet("事项与档次")
    sheet.append([h for _f, h in ITEM_FIELDS])
    fields = [f for f, _h in ITEM_FIELDS]
    for row in items_rows:
        sheet.append([row.get(f) for f in fields])
    factors = book.create_sheet("裁量因素")
    factors.append([h for _f, h in FACTOR_FIELDS])
    for row in factor_rows:
        factors.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_bad_rows_are_reported_by_sheet_row_and_column_and_nothing_is_written():
    rows = [
        {
            "code": "A-1",
            "violation": "甲",
            "stat_min": 0,
            "stat_max": 1000,
            "tier_rank": 1,
            "tier_label": "一般",
            "band_min": 0,
            "band_max": "一千",
        },
        {
            "code": "A-1",
            "tier_rank": 2,
            "tier_label": "从重",
            "band_min": 500,
            "band_max": 1000,
            "party_type": "单位",
        },
        {
            "code": "A-2",
            "violation": "乙",
            "party_type": "机关",
            "tier_rank": 1,
            "tier_label": "一般",
            "band_kind": "金额",
        },
    ]
    result = import_workbook(_workbook(rows, [("A-9", "", "地点", "一般", "5%")]))
    assert result.benchmark is None
    messages = [str(p) for p in result.problems]
    assert messages == [
        "Sheet “事项与档次”, row 2, column “幅度上限”: “一千” is not a number.",
        "Sheet “事项与档次”, row 3, column “违法行为”: Write the violation on the item's first row.",
        "Sheet “事项与档次”, row 4, column “当事人类型”: Unknown value “机关”; write one of: "
        "person/个人、organisation/单位、any/不分.",
        "Sheet “裁量因素”, row 2, column “事项编码”: No item A-9 for this party type on sheet "
        "“事项与档次”.",
    ]
    assert Benchmark.objects.count() == 0


def test_a_band_outside_the_law_in_a_workbook_stores_nothing():
    rows = [
        {
            "code": "A-1",
            "violation": "甲",
            "stat_min": 100,
            "stat_max": 1000,
            "tier_rank": 1,
            "tier_label": "一般",
            "band_min": 100,
            "band_max": 1200,
        },
    ]
    result = import_workbook(_workbook(rows))
    assert [str(p) for p in result.problems] == [
        "item A-1 (any party), tier 1 “一般”: the band maximum 1200 yuan is above the statutory "
        "maximum 1000."
    ]
    assert Benchmark.objects.count() == 0 and Tier.objects.count() == 0


def test_weighted_factors_and_chinese_choice_words():
    rows = [
        {
            "code": "G-1",
            "violation": "甲",
            "method": "因素",
            "base_kind": "违法所得",
            "start_percent": 20,
            "cap_percent": 100,
        },
    ]
    result = import_workbook(
        _workbook(
            rows, [("G-1", "不分", "地点", "一般区域", 0), ("G-1", "", "地点", "敏感区", "6%")]
        )
    )
    assert result.problems == []
    got = result.benchmark.items.get()
    assert (got.method, got.base_kind, got.start_percent) == ("factors", "illegal_income", 20)
    assert [(lv.label, lv.weight_percent) for lv in got.factors.get().levels.all()] == [
        ("一般区域", 0),
        ("敏感区", 6),
    ]
    assert BenchmarkHistory.objects.get().action == "imported"


def test_starter_rule(world):
    ranged = make_matter(world, "ZD-001", fine_min=200, fine_max=3000)
    upper = make_matter(world, "ZD-002", fine_max=20000)
    fixed = make_matter(world, "FJ-001", fine_min=50, fine_max=50)
    make_matter(world, "ZD-003", fine_max=None)  # no fine: no item
    benchmark, created = starter.load_starter(region=world.county, on=START)
    assert created and benchmark.is_starter and benchmark.region == world.county
    assert "从轻处罚为法定幅度的20%以下" in benchmark.source
    by_code = {i.code: i for i in benchmark.items.all()}
    assert set(by_code) == {"ZD-001", "ZD-002", "FJ-001"}
    assert by_code["ZD-001"].matter == ranged
    assert [(t.label, t.band_min, t.band_max) for t in by_code["ZD-001"].tiers.all()] == [
        ("减轻处罚", 0, 200),
        ("从轻处罚", 200, 760),
        ("一般处罚", 1320, 1880),
        ("从重处罚", 1880, 3000),
    ]
    assert by_code["ZD-002"].matter == upper
    assert [(t.label, t.band_min, t.band_max) for t in by_code["ZD-002"].tiers.all()] == [
        ("从轻处罚", 0, 4000),
        ("一般处罚", 8000, 12000),
        ("从重处罚", 12000, 20000),
    ]
    assert by_code["FJ-001"].matter == fixed
    assert [(t.label, t.band_min, t.band_max) for t in by_code["FJ-001"].tiers.all()] == [
        ("一般处罚", 50, 50)
    ]
    # Loading again keeps the one there; a refresh makes a new version only on a change.
    later = dt.date(2026, 3, 1)
    assert starter.load_starter(region=world.county, on=START) == (benchmark, False)
    assert starter.load_starter(on=later, refresh=True) == (benchmark, False)
    make_matter(world, "ZD-004", fine_max=500)
    second, created = starter.load_starter(on=later, refresh=True)
    assert created and second.version == 2 and second.is_starter
    assert second.items.filter(code="ZD-004").exists()
    benchmark.refresh_from_db()
    assert benchmark.effective_until == dt.date(2026, 2, 28)
    # Once adopted it is the county's: a refresh leaves it alone.
    services.adopt(second, by=world.centre)
    assert second.history.last().action == "adopted"
    make_matter(world, "ZD-005", fine_max=800)
    assert starter.load_starter(on=dt.date(2026, 4, 1), refresh=True) == (second, False)


def test_commands_export_and_import(world, tmp_path):
    services.create_version(spec([item(), weighted()], code="city"))
    out = tmp_path / "city.xlsx"
    call_command("export_benchmarks", "city", "--out", str(out))
    sheet = load_workbook(out)["事项与档次"]
    assert sheet["A2"].value == "X-1"
    book = load_workbook(out)
    book["基准"]["B11"].value = "2026-09-01"  # 施行日期
    book.save(out)
    call_command("import_benchmarks", str(out))
    assert list(Benchmark.objects.filter(code="city").values_list("version", flat=True)) == [2, 1]


def test_header_problems_name_the_field_row():
    rows = [
        {"code": "A-1", "violation": "甲", "tier_rank": 1, "tier_label": "一般", "band_kind": "无"}
    ]
    header = [
        ("字段", "值"),
        ("代码", "t 1"),
        ("名称", "测试"),
        ("制定机关", "县局"),
        ("施行日期", "明年"),
        ("上级基准", "nowhere v3"),
        ("层级", "村"),
    ]
    result = import_workbook(_workbook(rows, header=header))
    assert [str(p) for p in result.problems] == [
        "Sheet “基准”, row 2, column “代码”: Use letters, digits and hyphens only (e.g. "
        "haiyan-starter).",
        "Sheet “基准”, row 5, column “施行日期”: “明年” is not a date (write e.g. 2026-07-01).",
        "Sheet “基准”, row 7, column “层级”: Unknown value “村”; write one of: "
        "province/city/county/town（省/市/县/乡镇）.",
        "Sheet “基准”, row 6, column “上级基准”: No benchmark “nowhere v3” (write its code, or "
        "code v2 for a version).",
    ]


def test_tier_rows_without_a_party_type_continue_the_item_above():
    rows = [
        {
            "code": "A-1",
            "party_type": "个人",
            "violation": "甲",
            "stat_max": 1000,
            "tier_rank": 1,
            "tier_label": "从轻",
            "band_max": 200,
        },
        {"code": "A-1", "tier_rank": 2, "tier_label": "一般", "band_min": 400, "band_max": 600},
    ]
    result = import_workbook(_workbook(rows))
    assert result.problems == []
    got = result.benchmark.items.get()
    assert got.party_type == "person"
    assert [t.label for t in got.tiers.all()] == ["从轻", "一般"]
