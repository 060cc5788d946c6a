"""High-frequency analysis: counts, shares, the previous period and the change."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.events import services as event_services
from civicloop.events.models import Event
from civicloop.hotspots.analysis import Window, period_window, top_for_user, top_subjects
from civicloop.hotspots.choices import Dimension, Period
from civicloop.testing.events import local, report_at

WEEK = Window(dt.date(2026, 6, 8), dt.date(2026, 6, 14))  # Monday to Sunday


@pytest.fixture
def week(world):
    """In 武原 this week: 占道经营 ×6 (one of them a merged duplicate, plus one void report that
    does not count), 食品安全 ×2, one report without a category; the week before: 占道经营 ×2,
    食品安全 ×3. In 澉浦: one dispute this week."""
    day = WEEK.start
    sv = [report_at(world, local(day + dt.timedelta(days=i), 9)) for i in range(4)]
    report_at(world, local(day, 11), region=world.wuyuan_grid2, by=world.other_grid_worker)
    duplicate = report_at(world, local(day + dt.timedelta(days=1), 15))
    event_services.merge_event(duplicate, into=sv[0], by=world.wuyuan_dispatcher, reason="重复")
    void = report_at(world, local(day + dt.timedelta(days=2), 15))
    event_services.void_event(void, by=world.wuyuan_dispatcher, reason="测试")
    for i in range(2):
        report_at(world, local(day + dt.timedelta(days=5), 9 + i), category=world.food_safety)
    report_at(world, local(WEEK.end, 20), category=None)
    before = WEEK.start - dt.timedelta(days=7)
    for i in range(2):
        report_at(world, local(before + dt.timedelta(days=i), 9))
    for i in range(3):
        report_at(world, local(before + dt.timedelta(days=3), 9 + i), category=world.food_safety)
    report_at(
        world,
        local(day, 10),
        region=world.ganpu_grid,
        category=world.disputes,
        by=world.ganpu_grid_worker,
    )
    return sv


def test_counts_shares_and_change_against_the_previous_week(world, week):
    report = top_subjects(Event.objects.all(), place=world.wuyuan, window=WEEK, period=Period.WEEK)

    assert report.previous == Window(dt.date(2026, 6, 1), dt.date(2026, 6, 7))
    assert (report.total, report.previous_total, report.total_change) == (9, 5, 4)
    rows = [
        (r.rank, r.subject.code, r.count, round(r.share, 4), r.previous, r.change, r.change_percent)
        for r in report.rows
    ]
    assert rows == [
        (1, "street-vending", 6, round(6 / 9, 4), 2, 4, 200.0),
        (2, "food-safety", 2, round(2 / 9, 4), 3, -1, pytest.approx(-100 / 3)),
        (3, "", 1, round(1 / 9, 4), 0, 1, None),
    ]
    assert report.rows[2].subject.key == "none"
    assert sum(r.share for r in report.rows) == pytest.approx(1.0)


def test_the_places_one_level_down_and_the_chart_series(world, week):
    report = top_subjects(Event.objects.all(), place=world.wuyuan, window=WEEK, period=Period.WEEK)

    places = [
        (p.region, p.count, p.previous, p.top_subject.code if p.top_subject else None)
        for p in report.places
    ]
    assert places == [
        (world.wuyuan_village, 8, 5, "street-vending"),
        (world.wuyuan_village2, 1, 0, "street-vending"),
    ]
    assert len(report.buckets) == 12 and report.buckets[-1] == WEEK.start
    subject, counts = report.series[0]
    assert subject.code == "street-vending" and counts[-2:] == [2, 6]


def test_a_grid_a_village_and_the_county_are_places_too(world, week):
    grid = top_subjects(Event.objects.all(), place=world.wuyuan_grid2, window=WEEK)
    county = top_subjects(Event.objects.all(), place=world.county, window=WEEK)

    assert grid.total == 1 and grid.places == []
    assert county.total == 10 and [p.region for p in county.places] == [world.wuyuan, world.ganpu]


def test_counting_by_matter_puts_events_without_one_together(world, week):
    report = top_subjects(
        Event.objects.all(), place=world.wuyuan, window=WEEK, dimension=Dimension.MATTER
    )

    assert [(r.subject.key, r.count) for r in report.rows] == [("none", 9)]


def test_the_analysis_only_counts_what_the_user_may_see(world, week):
    mine = top_for_user(world.wuyuan_dispatcher, place=world.county, window=WEEK)
    theirs = top_for_user(world.ganpu_dispatcher, place=world.county, window=WEEK)

    assert (mine.total, theirs.total) == (9, 1)


def test_periods_and_the_previous_period():
    thursday = dt.date(2026, 6, 11)
    assert period_window(Period.DAY, thursday) == Window(thursday, thursday)
    assert period_window(Period.WEEK, thursday) == WEEK
    march = period_window(Period.MONTH, dt.date(2026, 3, 20))
    assert march == Window(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert march.previous() == Window(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert Window(dt.date(2026, 3, 10), dt.date(2026, 3, 16)).previous() == Window(
        dt.date(2026, 3, 3), dt.date(2026, 3, 9)
    )
    with pytest.raises(ValueError):
        Window(dt.date(2026, 3, 2), dt.date(2026, 3, 1))
