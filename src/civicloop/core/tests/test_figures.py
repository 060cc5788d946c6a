"""The figures layer: periods and their comparisons, and additive measures over records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import translation

from civicloop.core.figures import SHARE, Figure, Measure, Period, figures
from civicloop.events.choices import Source
from civicloop.events.models import Event
from civicloop.testing.events import local, report_at

D = dt.date


@pytest.mark.parametrize(
    ("period", "previous", "last_year"),
    [
        (Period.year(2026), Period.year(2025), Period.year(2025)),
        (Period.quarter(2026, 1), Period.quarter(2025, 4), Period.quarter(2025, 1)),
        (Period.month(2026, 3), Period.month(2026, 2), Period.month(2025, 3)),
        # A leap February compares with a 28-day one.
        (Period.month(2024, 2), Period.month(2024, 1), Period(D(2023, 2, 1), D(2023, 2, 28))),
        (Period.month(2025, 3), Period.month(2025, 2), Period.month(2024, 3)),
        # Ten days: the ten before, and the same dates a year ago.
        (
            Period(D(2026, 3, 5), D(2026, 3, 14)),
            Period(D(2026, 2, 23), D(2026, 3, 4)),
            Period(D(2025, 3, 5), D(2025, 3, 14)),
        ),
        # The first half of a year: the half before.
        (
            Period(D(2026, 1, 1), D(2026, 6, 30)),
            Period(D(2025, 7, 1), D(2025, 12, 31)),
            Period(D(2025, 1, 1), D(2025, 6, 30)),
        ),
    ],
)
def test_a_period_knows_the_one_before_and_the_same_one_last_year(period, previous, last_year):
    assert period.previous() == previous
    assert period.last_year() == last_year


def test_an_open_period_has_nothing_to_compare_with():
    assert Period().previous() is None and Period(D(2026, 1, 1)).last_year() is None


def test_a_period_runs_from_local_midnight_to_the_next_days_midnight(settings):
    start, end = Period(D(2026, 3, 1), D(2026, 3, 31)).moments()
    assert start == local(D(2026, 3, 1), 0) and end == local(D(2026, 4, 1), 0)
    assert str(start.tzinfo) == settings.TIME_ZONE


def test_a_figure_needs_exactly_one_way_to_compute():
    with pytest.raises(ValueError, match="needs either a measure or compute"):
        Figure("x", "y", definition="d", unit="u")


def _events(**kwargs) -> Measure:
    return Measure(rows=lambda: Event.objects.all(), date="reported_at", **kwargs)


@pytest.fixture
def march(world):
    """武原 grid: 31 March 23:59 and 1 March 00:00 (in), 1 April 00:00 (out); 澉浦: one on
    15 March; one hotline report in 武原 on 10 March."""
    report_at(world, local(D(2026, 3, 31), 23, 59))
    report_at(world, local(D(2026, 3, 1), 0, 0))
    report_at(world, local(D(2026, 4, 1), 0, 0))
    report_at(world, local(D(2026, 3, 15)), region=world.ganpu_grid, by=world.ganpu_grid_worker)
    report_at(world, local(D(2026, 3, 10)), source=Source.HOTLINE, by=world.centre)
    return Period.month(2026, 3)


def test_a_count_takes_the_local_days_of_the_period_and_the_region_subtree(world, march):
    figure = Figure("t", "events", definition="d", unit="u", measure=_events())
    assert figure.value(march) == 4
    assert figure.value(march, world.wuyuan) == 3
    assert figure.value(march, world.ganpu) == 1
    assert figure.value(march, world.county) == 4
    assert figure.value(Period.month(2026, 4)) == 1


def test_a_share_and_a_breakdown_by_part(world, march):
    share = Figure(
        "t",
        "public",
        definition="d",
        unit="u",
        measure=_events(kind=SHARE, numerator=Q(source=Source.HOTLINE)),
    )
    by_source = Figure(
        "t",
        "by_source",
        definition="d",
        unit="u",
        measure=_events(part="source", parts=(Source.GRID_PATROL, Source.OPEN311)),
    )
    assert share.value(march) == 0.25
    assert share.value(Period.month(2026, 5)) is None
    assert by_source.value(march) == {"grid_patrol": 3, "open311": 0, "hotline": 1}


def test_the_buckets_by_day_and_town_add_up_to_the_value(world, march):
    """What the cockpit's rollups store must sum back to the figure counted directly."""
    measure = _events(kind=SHARE, numerator=Q(source=Source.HOTLINE))
    buckets = list(measure.buckets(march))
    assert {b.day for b in buckets} == {
        D(2026, 3, 31),
        D(2026, 3, 1),
        D(2026, 3, 15),
        D(2026, 3, 10),
    }
    assert {b.town for b in buckets} == {world.wuyuan.prefix, world.ganpu.prefix}
    totals = (sum(b.numerator for b in buckets), sum(b.denominator for b in buckets))
    assert measure.finish({"": totals}) == measure.finish(measure.totals(march)) == 0.25


def test_each_subject_is_registered_by_its_app_with_a_name_and_a_place_in_the_order():
    assert figures.subjects()[:5] == ["events", "grid", "stations", "cases", "leniency"]
    with translation.override("zh-hans"):
        assert figures.subject_label("cases") != "cases"
    assert figures.subject_label("nothing.registered") == "nothing.registered"
