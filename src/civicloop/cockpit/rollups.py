"""Pre-aggregated figures: each measured figure's additive parts by day and by month, for every
town, every county and everywhere, so a cockpit view sums a few hundred rows instead of
scanning millions of records.

A refresh rebuilds whole months from the records (``Measure.buckets``) in one transaction per
figure, so readers never see a half-built month. The worker refreshes the current and the
previous month every few minutes and, once a day, every month of this year and last (a figure
counted by the date an event was reported changes when that event closes weeks later). The
cockpit reads rollups only for months inside a figure's coverage and otherwise counts the
records directly; it shows when the rollups were last rebuilt.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from civicloop.core.figures import Figure, Period, figures

from .baselines import import_baselines, read_baselines_file
from .models import Grain, Level, Rollup, RollupCoverage

logger = logging.getLogger(__name__)

COUNTY_DIGITS = 6
DEMO_BASELINES = Path(__file__).parent / "data" / "demo_baselines.csv"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def _rows(figure: Figure, month: dt.date) -> list[Rollup]:
    """The rollup rows of one figure for one month, built from the records."""
    period = Period(month, next_month(month) - dt.timedelta(days=1))
    daily: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0])
    for bucket in figure.measure.buckets(period):
        for level, place in (
            (Level.TOWN, bucket.town),
            (Level.COUNTY, bucket.town[:COUNTY_DIGITS]),
            (Level.ALL, ""),
        ):
            if level != Level.ALL and not place:
                continue
            for grain, day in ((Grain.DAY, bucket.day), (Grain.MONTH, month)):
                parts = daily[(level, place, grain, day, bucket.part)]
                parts[0] += bucket.numerator
                parts[1] += bucket.denominator
    return [
        Rollup(
            figure=figure.key,
            part=part,
            level=level,
            place=place,
            grain=grain,
            bucket=day,
            numerator=numerator,
            denominator=denominator,
        )
        for (level, place, grain, day, part), (numerator, denominator) in daily.items()
    ]


def refresh(start: dt.date, end: dt.date, keys: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the rollups of every measured figure (or of ``keys``) for the whole months from
    ``start``'s to ``end``'s; returns the rows written per figure."""
    months = months_between(start, end)
    wanted = set(keys) if keys is not None else None
    written: dict[str, int] = {}
    for figure in figures.measured():
        if wanted is not None and figure.key not in wanted:
            continue
        rows = [row for month in months for row in _rows(figure, month)]
        with transaction.atomic():
            Rollup.objects.filter(
                figure=figure.key, bucket__gte=months[0], bucket__lt=next_month(months[-1])
            ).delete()
            Rollup.objects.bulk_create(rows, batch_size=2000)
            coverage = RollupCoverage.objects.select_for_update().filter(figure=figure.key).first()
            now = timezone.now()
            if coverage is None:
                RollupCoverage.objects.create(
                    figure=figure.key,
                    first_month=months[0],
                    last_month=months[-1],
                    refreshed_at=now,
                )
            else:
                # Coverage is one unbroken span: a refresh beyond it rebuilds the gap too.
                coverage.first_month = min(coverage.first_month, months[0])
                coverage.last_month = max(coverage.last_month, months[-1])
                coverage.refreshed_at = now
                coverage.save()
        written[figure.key] = len(rows)
    forget_coverage()
    return written


def refresh_recent(today: dt.date | None = None, *, full: bool = False) -> dict[str, int]:
    """The worker's refresh: the current and previous month, or (``full``) this year and last.
    A figure never rolled up before gets both years, and a gap since its last month is filled."""
    today = today or timezone.localdate()
    first_full = dt.date(today.year - 1, 1, 1)
    recent = month_start(month_start(today) - dt.timedelta(days=1))
    written: dict[str, int] = {}
    coverage = dict(RollupCoverage.objects.values_list("figure", "last_month"))
    for figure in figures.measured():
        last = coverage.get(figure.key)
        if full or last is None:
            start = first_full if last is None or full else min(recent, next_month(last))
        else:
            start = min(recent, next_month(last))
        written.update(refresh(start, today, keys=[figure.key]))
    return written


def demo_step(context) -> str:
    """The demo's illustrative baselines for last year (marked as such in their source), then
    the rollups of this year and last."""
    table = read_baselines_file(DEMO_BASELINES)
    imported = import_baselines(table, source=DEMO_BASELINES.name)
    if imported.errors:
        raise RuntimeError("; ".join(str(error) for error in imported.errors))
    written = refresh_recent(full=True)
    return f"{sum(written.values())} rollup rows for {len(written)} figures"


def covered(key: str, period: Period) -> bool:
    """Whether the rollups of ``key`` cover every day of ``period``."""
    if not period.bounded:
        return False
    coverage = _coverage().get(key)
    if coverage is None:
        return False
    first, last = coverage
    return first <= period.start and period.end < next_month(last)


# One page asks about the coverage of every figure for three periods: read it once and keep
# it a few seconds (a refresh in this process forgets it at once; another process's refresh is
# seen within COVERAGE_SECONDS, while the rows it rebuilt are already there).
COVERAGE_SECONDS = 5.0
_coverage_cache: tuple[float, dict[str, tuple[dt.date, dt.date]]] | None = None


def forget_coverage() -> None:
    global _coverage_cache
    _coverage_cache = None


def _coverage() -> dict[str, tuple[dt.date, dt.date]]:
    global _coverage_cache
    now = time.monotonic()
    if _coverage_cache is None or now - _coverage_cache[0] > COVERAGE_SECONDS:
        spans = {
            figure: (first, last)
            for figure, first, last in RollupCoverage.objects.values_list(
                "figure", "first_month", "last_month"
            )
        }
        _coverage_cache = (now, spans)
    return _coverage_cache[1]


def refreshed_at() -> dt.datetime | None:
    """When the oldest of the figures' rollups was last rebuilt (数据截至)."""
    times = list(RollupCoverage.objects.values_list("refreshed_at", flat=True))
    return min(times) if times else None


def _period_filter(period: Period) -> Q:
    """Whole months from the month rows, the days at either edge from the day rows."""
    start, end = period.start, period.end
    first_whole = start if start.day == 1 else next_month(start)
    after_last_whole = month_start(end + dt.timedelta(days=1))
    if first_whole >= after_last_whole:
        return Q(grain=Grain.DAY, bucket__gte=start, bucket__lte=end)
    q = Q(grain=Grain.MONTH, bucket__gte=first_whole, bucket__lt=after_last_whole)
    if start < first_whole:
        q |= Q(grain=Grain.DAY, bucket__gte=start, bucket__lt=first_whole)
    if after_last_whole <= end:
        q |= Q(grain=Grain.DAY, bucket__gte=after_last_whole, bucket__lte=end)
    return q


def place_of(prefix: str | None) -> tuple[str, str] | None:
    """The rollup level and place for a region prefix, or ``None`` when rollups do not hold
    that place (a village or a grid: counted from the records)."""
    if not prefix:
        return Level.ALL, ""
    if len(prefix) == COUNTY_DIGITS:
        return Level.COUNTY, prefix
    if len(prefix) == 9:
        return Level.TOWN, prefix
    return None


def totals(
    keys: Iterable[str], period: Period, prefix: str | None
) -> dict[str, dict[str, tuple[float, int]]]:
    """``{figure: {part: (numerator, denominator)}}`` from the rollups, one query."""
    level, place = place_of(prefix)
    rows = (
        Rollup.objects.filter(level=level, place=place, figure__in=list(keys))
        .filter(_period_filter(period))
        .values("figure", "part")
        .order_by()
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
    )
    result: dict[str, dict[str, tuple[float, int]]] = defaultdict(dict)
    for row in rows:
        result[row["figure"]][row["part"]] = (row["numerator"], row["denominator"])
    return result


def totals_by_place(
    key: str, period: Period, level: str, within: str
) -> dict[str, dict[str, tuple[float, int]]]:
    """``{place: {part: (numerator, denominator)}}`` for every town (or county) under
    ``within`` — the ranking and the map, one query."""
    rows = (
        Rollup.objects.filter(level=level, figure=key, place__startswith=within)
        .filter(_period_filter(period))
        .values("place", "part")
        .order_by()
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
    )
    result: dict[str, dict[str, tuple[float, int]]] = defaultdict(dict)
    for row in rows:
        result[row["place"]][row["part"]] = (row["numerator"], row["denominator"])
    return result


def monthly(
    key: str, first: dt.date, last: dt.date, prefix: str | None
) -> dict[dt.date, dict[str, tuple[float, int]]]:
    """``{month: {part: (numerator, denominator)}}`` — the trend, one query."""
    level, place = place_of(prefix)
    rows = (
        Rollup.objects.filter(
            level=level,
            place=place,
            figure=key,
            grain=Grain.MONTH,
            bucket__gte=month_start(first),
            bucket__lte=last,
        )
        .values("bucket", "part")
        .order_by()
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"))
    )
    result: dict[dt.date, dict[str, tuple[float, int]]] = defaultdict(dict)
    for row in rows:
        result[row["bucket"]][row["part"]] = (row["numerator"], row["denominator"])
    return result
