"""Reading figures: rollups agree with the records, baselines take precedence, comparisons."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import translation
from openpyxl import Workbook, load_workbook

from civicloop.cockpit import baselines, rollups, services
from civicloop.cockpit.baselines import SPEC, import_baselines, read_baselines_file
from civicloop.cockpit.models import Baseline, BaselineHistory, Rollup, RollupCoverage
from civicloop.core.figures import SHARE, Figure, FigureRegistry, Measure, Period
from civicloop.events.choices import Source
from civicloop.events.models import Event
from civicloop.testing.events import local, report_at

D = dt.date


def _events(**kwargs) -> Measure:
    return Measure(rows=lambda: Event.objects.all(), date="reported_at", **kwargs)


@pytest.fixture
def registry(monkeypatch):
    """Three figures over events: a count (more is worse), a share of hotline reports and a
    computed one (how many towns there are — not additive)."""
    registry = FigureRegistry()
    registry.add(
        Figure("t", "events", definition="events", unit="u", measure=_events(), better="down")
    )
    registry.add(
        Figure(
            "t",
            "hotline",
            definition="share",
            unit="u",
            measure=_events(kind=SHARE, numerator=Q(source=Source.HOTLINE)),
            better="up",
        )
    )
    registry.add(
        Figure(
            "t",
            "towns",
            definition="towns",
            unit="u",
            compute=lambda period, region: 2 if region is None else 1,
        )
    )
    for module in (services, rollups, baselines):
        monkeypatch.setattr(module, "figures", registry)
    return registry


@pytest.fixture
def two_years(world):
    """2025: 武原 4 events (one by hotline), 澉浦 1. 2026: 武原 2, 澉浦 2 (one by hotline).
    One event on 1 January 2026 at 00:00 sits in 2026, one at 23:59 on 31 December in 2025."""
    for day in (D(2025, 3, 2), D(2025, 7, 9), D(2025, 12, 31)):
        report_at(world, local(day, 23, 59) if day.month == 12 else local(day))
    report_at(world, local(D(2025, 5, 5)), source=Source.HOTLINE, by=world.centre)
    report_at(world, local(D(2025, 8, 1)), region=world.ganpu_grid, by=world.ganpu_grid_worker)
    report_at(world, local(D(2026, 1, 1), 0, 0))
    report_at(world, local(D(2026, 2, 14)))
    report_at(world, local(D(2026, 3, 3)), region=world.ganpu_grid, by=world.ganpu_grid_worker)
    report_at(
        world,
        local(D(2026, 6, 30)),
        region=world.ganpu_grid,
        source=Source.HOTLINE,
        by=world.centre,
    )


def _by_key(readings):
    return {reading.key: reading for reading in readings}


@pytest.mark.parametrize("rolled_up", [False, True])
def test_a_year_against_the_year_before_everywhere_and_in_a_town(
    world, registry, two_years, rolled_up
):
    if rolled_up:
        rollups.refresh(D(2025, 1, 1), D(2026, 12, 31))
    source = services.ROLLUP if rolled_up else services.RECORDS
    county = _by_key(services.read(Period.year(2026), world.county))
    events = county["t.events"]
    assert (events.value, events.previous, events.last_year, events.source) == (4, 5, 5, source)
    assert str(events.against_last_year) == "−20.0%" and events.against_last_year.good is True
    hotline = county["t.hotline"]
    assert (hotline.value, hotline.last_year) == (0.25, 0.2)
    assert hotline.against_last_year.points and str(hotline.against_last_year) == "+5.0 个百分点"
    assert county["t.towns"].value == 1 and county["t.towns"].source == services.RECORDS

    wuyuan = _by_key(services.read(Period.year(2026), world.wuyuan))
    assert (wuyuan["t.events"].value, wuyuan["t.events"].last_year) == (2, 4)
    everywhere = _by_key(services.read(Period.year(2026)))
    assert everywhere["t.events"].value == 4 and everywhere["t.towns"].value == 2
    # A quarter and a month inside it, and a period with partial months at both edges.
    assert _by_key(services.read(Period.quarter(2026, 1)))["t.events"].value == 3
    assert _by_key(services.read(Period(D(2025, 12, 31), D(2026, 2, 14))))["t.events"].value == 3


def test_a_village_is_counted_from_the_records_even_with_rollups(world, registry, two_years):
    rollups.refresh(D(2025, 1, 1), D(2026, 12, 31))
    village = _by_key(services.read(Period.year(2025), world.wuyuan_village))["t.events"]
    assert (village.value, village.source) == (4, services.RECORDS)


def test_outside_the_rollups_coverage_the_records_are_counted(world, registry, two_years):
    rollups.refresh(D(2026, 1, 1), D(2026, 12, 31))
    reading = _by_key(services.read(Period.year(2026)))["t.events"]
    assert reading.source == services.ROLLUP and reading.last_year_source == services.RECORDS
    assert reading.last_year == 5


def test_a_refresh_rebuilds_a_month_without_doubling_it(world, registry, two_years):
    rollups.refresh(D(2026, 1, 1), D(2026, 6, 30))
    report_at(world, local(D(2026, 2, 20)))
    rollups.refresh(D(2026, 2, 1), D(2026, 2, 28))
    assert _by_key(services.read(Period.month(2026, 2)))["t.events"].value == 2
    months = Rollup.objects.filter(figure="t.events", level="all", grain="month")
    assert sorted(months.values_list("bucket", "numerator")) == [
        (D(2026, 1, 1), 1.0),
        (D(2026, 2, 1), 2.0),
        (D(2026, 3, 1), 1.0),
        (D(2026, 6, 1), 1.0),
    ]


def test_ranking_and_trend_read_the_same_numbers(world, registry, two_years):
    rollups.refresh(D(2025, 1, 1), D(2026, 12, 31))
    figure = registry.get("t.events")
    ranked = services.ranking(figure, Period.year(2025), world.county)
    # Fewer events is better for this figure: 澉浦 (1) ranks above 武原 (4).
    assert [(rank, place.name, value) for rank, place, value in ranked] == [
        (1, world.ganpu.name, 1),
        (2, world.wuyuan.name, 4),
    ]
    trend = dict(services.trend(figure, world.county, end=D(2026, 3, 31), months=4))
    assert trend == {D(2025, 12, 1): 1, D(2026, 1, 1): 1, D(2026, 2, 1): 1, D(2026, 3, 1): 1}
    # Without rollups the same trend is counted from the records.
    RollupCoverage.objects.all().delete()
    rollups.forget_coverage()
    assert dict(services.trend(figure, world.county, end=D(2026, 3, 31), months=4)) == trend


def test_a_baseline_for_last_year_replaces_the_records_and_is_marked(world, registry, two_years):
    Baseline.objects.create(
        figure="t.events",
        region_code=world.county.code,
        start=D(2025, 1, 1),
        end=D(2025, 12, 31),
        value=10,
        imported_at=local(D(2026, 1, 5)),
    )
    reading = _by_key(services.read(Period.year(2026), world.county))["t.events"]
    assert (reading.last_year, reading.last_year_source) == (10, services.BASELINE)
    assert str(reading.against_last_year) == "−60.0%"
    # "Everywhere" (``civicloop kpi`` without --region) is the county of a one-county installation.
    everywhere = _by_key(services.read(Period.year(2026), None))["t.events"]
    assert (everywhere.last_year, everywhere.last_year_source) == (10, services.BASELINE)
    # Another place, or another period, is still counted from the records.
    assert _by_key(services.read(Period.year(2026), world.wuyuan))["t.events"].last_year == 4
    assert _by_key(services.read(Period.month(2026, 2), world.county))["t.events"].value == 1


def _workbook(tmp_path, rows, name="baselines.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(["指标", "区划代码", "年份", "开始日期", "结束日期", "数值", "来源"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def test_baselines_import_from_excel_by_key_or_name_and_replace_with_history(
    world, registry, tmp_path
):
    path = _workbook(
        tmp_path,
        [
            ["t.events", world.county.code, 2025, None, None, 120, "2025年统计年报"],
            ["t.hotline", "", None, "2025-01-01", "2025-06-30", "12.5%", None],
        ],
    )
    result = import_baselines(read_baselines_file(path), by=world.leader, source="file.xlsx")
    assert (result.created, result.errors) == (2, [])
    share = Baseline.objects.get(figure="t.hotline")
    assert float(share.value) == 0.125 and share.region_code == "" and share.source == "file.xlsx"

    again = _workbook(
        tmp_path, [["t.events", world.county.code, 2025, None, None, 118, ""]], "b.xlsx"
    )
    result = import_baselines(read_baselines_file(again), by=world.leader)
    assert result.replaced == 1
    baseline = Baseline.objects.get(figure="t.events")
    assert int(baseline.value) == 118 and baseline.imported_by == world.leader
    history = list(BaselineHistory.objects.filter(baseline=baseline).order_by("at", "id"))
    assert [h.action for h in history] == ["import", "replace"]
    assert history[1].details == {"old": "120.0000", "value": "118"}
    assert history[1].actor == world.leader


def test_a_baseline_file_with_a_bad_row_stores_nothing_and_says_why(world, registry, tmp_path):
    Baseline.objects.create(
        figure="t.events",
        start=D(2024, 1, 1),
        end=D(2024, 12, 31),
        value=7,
        imported_at=local(D(2025, 1, 1)),
    )
    path = _workbook(
        tmp_path,
        [
            ["t.events", "", 2024, None, None, 99, ""],
            ["没有这个指标", "", 2024, None, None, 1, ""],
            ["t.events", "999999999999", 2024, None, None, 1, ""],
            ["t.events", "", None, "2025-03-01", "2025-01-01", 1, ""],
            ["t.events", "", 2023, None, None, "很多", ""],
        ],
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="5 行中有 4 行"), translation.override("zh-hans"):
        call_command("import_baselines", str(path), stdout=out, stderr=err)
    messages = err.getvalue()
    assert "没有这个指标" in messages
    assert "999999999999" in messages
    assert Baseline.objects.get(figure="t.events", start=D(2024, 1, 1)).value == 7
    assert Baseline.objects.count() == 1
    assert "指标" in SPEC.accepted_headers()


def test_kpi_prints_the_pinned_json_with_comparisons_for_a_region(world, registry, two_years):
    out = io.StringIO()
    call_command(
        "kpi",
        "--json",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--region",
        world.wuyuan.code,
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    assert data["region"] == world.wuyuan.code
    assert set(data["figures"]) == {"t.events", "t.hotline", "t.towns"}
    assert data["figures"]["t.events"] == {
        "value": 2,
        "previous": 4,
        "last_year": 4,
        "definition": "events",
    }


def test_kpi_writes_the_figures_to_excel(world, registry, two_years, tmp_path):
    path = tmp_path / "figures.xlsx"
    call_command(
        "kpi",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--xlsx",
        str(path),
        stdout=io.StringIO(),
    )
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    by_key = {row[1]: row for row in rows[1:]}
    assert by_key["t.events"][4:6] == (4, 5)
    assert by_key["t.hotline"][4] == 0.25


def test_kpi_refuses_an_unknown_region(world, registry):
    with pytest.raises(Exception, match="999999"):
        call_command("kpi", "--region", "999999", stdout=io.StringIO())


@pytest.mark.parametrize("option, day", [("--to", "9999-12-31"), ("--from", "0001-01-01")])
def test_kpi_refuses_a_day_out_of_range_with_a_message(world, registry, option, day):
    # Year 9999 overflowed in the period's bounds: a traceback instead of a message.
    with pytest.raises(CommandError, match=f"{option}: 请填写1900-01-01至2999-12-31之间的日期"):
        with translation.override("zh-hans"):
            call_command("kpi", option, day, stdout=io.StringIO())


def test_kpi_refresh_rebuilds_the_rollups_the_cockpit_reads(world, registry, two_years):
    out = io.StringIO()
    call_command("kpi", "--refresh", "--from", "2025-01-01", "--to", "2026-12-31", stdout=out)
    assert "2" in out.getvalue()
    assert _by_key(services.read(Period.year(2026)))["t.events"].source == services.ROLLUP


def test_a_yearly_baseline_is_prorated_for_part_of_the_year_and_monthly_ones_win(
    world, registry, two_years
):
    Baseline.objects.create(
        figure="t.events",
        start=D(2025, 1, 1),
        end=D(2025, 12, 31),
        value=365,
        imported_at=local(D(2026, 1, 5)),
    )
    # The first 40 days of 2026 compare with the first 40 days of 2025: 40/365 of the year.
    reading = _by_key(services.read(Period(D(2026, 1, 1), D(2026, 2, 9))))["t.events"]
    assert (reading.last_year, reading.last_year_source) == (40, services.BASELINE_PRORATED)
    # A monthly baseline for January is used for January, the year's days for the rest.
    Baseline.objects.create(
        figure="t.events",
        start=D(2025, 1, 1),
        end=D(2025, 1, 31),
        value=100,
        imported_at=local(D(2026, 1, 5)),
    )
    reading = _by_key(services.read(Period(D(2026, 1, 1), D(2026, 2, 9))))["t.events"]
    assert reading.last_year == 100 + 9
    # A share is not spread over days: only a baseline covering the whole period gives it.
    Baseline.objects.create(
        figure="t.hotline",
        start=D(2025, 1, 1),
        end=D(2025, 12, 31),
        value="0.3",
        imported_at=local(D(2026, 1, 5)),
    )
    hotline = _by_key(services.read(Period(D(2026, 1, 1), D(2026, 2, 9))))["t.hotline"]
    assert (hotline.last_year, hotline.last_year_source) == (0.3, services.BASELINE_PRORATED)
    # Before 2025 there is no baseline: the records count.
    earlier = _by_key(services.read(Period(D(2025, 1, 1), D(2025, 2, 9))))["t.events"]
    assert earlier.last_year_source == services.RECORDS


def test_the_villages_of_a_town_are_ranked_from_the_records_in_one_query(
    world, registry, two_years, django_assert_num_queries
):
    figure = registry.get("t.events")
    with django_assert_num_queries(2):  # the villages, then one grouped count
        ranked = services.ranking(figure, Period.year(2025), world.wuyuan)
    assert [(place.name, value) for _rank, place, value in ranked] == [
        (world.wuyuan_village2.name, 0),
        (world.wuyuan_village.name, 4),
    ]


def test_a_trend_reaching_before_the_rollups_counts_those_months_from_the_records(
    world, registry, two_years
):
    rollups.refresh(D(2026, 1, 1), D(2026, 12, 31))
    figure = registry.get("t.events")
    trend = dict(services.trend(figure, world.county, end=D(2026, 3, 31), months=5))
    assert trend == {
        D(2025, 11, 1): 0,
        D(2025, 12, 1): 1,
        D(2026, 1, 1): 1,
        D(2026, 2, 1): 1,
        D(2026, 3, 1): 1,
    }
