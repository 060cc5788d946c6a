"""The cockpit keeps every measured figure as buckets by local day and town and adds them up
again for any period and region. That is only right if the buckets, summed, give exactly the
figure's value from records — checked here for every registered measured figure."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.core.figures import Measure, Period, figures
from civicloop.testing.figures import march_2026

QUARTER = Period.quarter(2026, 1)
SPRING = Period(dt.date(2026, 3, 1), dt.date(2026, 5, 31))


def rolled_up(measure: Measure, buckets, period: Period, prefix: str | None = None):
    totals: dict[str, tuple[float, int]] = {}
    for bucket in buckets:
        if not period.start <= bucket.day <= period.end:
            continue
        if prefix and not bucket.town.startswith(prefix):
            continue
        numerator, denominator = totals.get(bucket.part, (0, 0))
        totals[bucket.part] = (numerator + bucket.numerator, denominator + bucket.denominator)
    return measure.finish(totals)


@pytest.mark.django_db
def test_buckets_by_day_and_town_add_up_to_every_measured_figure(world, settings):
    settings.CIVICLOOP_MAX_DISSATISFIED_REWORKS = 0
    march_2026(world)
    measured = figures.measured()
    assert len(measured) >= 14
    periods = [
        Period.month(2026, 3),
        Period.month(2026, 4),
        Period.month(2026, 5),
        Period(dt.date(2026, 3, 31), dt.date(2026, 4, 1)),
        QUARTER,
    ]
    for figure in measured:
        # The buckets of a longer span, cut to each period: how the rollups are read.
        kept = {cover: list(figure.measure.buckets(cover)) for cover in (SPRING, QUARTER)}
        assert all(SPRING.start <= b.day <= SPRING.end for b in kept[SPRING]), figure.key
        for period in periods:
            cover = SPRING if period.start >= SPRING.start else QUARTER
            for region in (None, world.wuyuan, world.ganpu):
                prefix = region.prefix if region else None
                assert rolled_up(figure.measure, kept[cover], period, prefix) == figure.value(
                    period, region
                ), (figure.key, period, region)


@pytest.mark.django_db
def test_the_hand_counted_figures_are_not_all_empty(world, settings):
    """So that the equivalence above compares real numbers for the events' figures."""
    settings.CIVICLOOP_MAX_DISSATISFIED_REWORKS = 0
    march_2026(world)
    assert figures.get("events.collected").value(Period.month(2026, 3)) == 5
    assert figures.get("events.satisfaction").value(Period.month(2026, 3)) == 0.5
