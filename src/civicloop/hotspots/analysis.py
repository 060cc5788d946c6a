"""High-frequency analysis (高发、频发): which subjects (categories or enforcement
matters) come up most at a place in a period, their share, and how that compares
with the period before.

Definitions (docs/hotspots.md):

* an event counts for the day it was reported (``reported_at``, local date) and
  for the place it is located at and every place above it; void reports (作废)
  do not count, merged duplicates do (a problem reported five times is a
  hot spot too);
* **share** is the subject's count over all counted events at the place in the
  period, events without a category/matter included;
* the **previous period** is the calendar month before a whole calendar month,
  else the same number of days right before;
* **change** is this period's count minus the previous one's; the percentage is
  relative to the previous count (none when it was zero).

The caller passes the events the user may see (``Event.objects.visible_to``);
nothing here applies scope.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.events.choices import EventState
from civicloop.events.models import Event
from civicloop.matters.models import Category, Matter
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from .choices import Dimension, Period

# Buckets the chart shows, ending with the analysed period.
CHART_BUCKETS = {Period.DAY: 30, Period.WEEK: 12, Period.MONTH: 12}
CHART_SUBJECTS = 5
NONE_KEY = "none"


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a window ends on or after its start")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def is_calendar_month(self) -> bool:
        last = calendar.monthrange(self.start.year, self.start.month)[1]
        return self.start.day == 1 and self.end == self.start.replace(day=last)

    def previous(self) -> Window:
        if self.is_calendar_month():
            end = self.start - dt.timedelta(days=1)
            return Window(end.replace(day=1), end)
        return Window(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))


def period_window(period: str, on: dt.date) -> Window:
    """The whole day, week (Monday–Sunday) or calendar month that holds ``on``."""
    if period == Period.DAY:
        return Window(on, on)
    if period == Period.WEEK:
        start = on - dt.timedelta(days=on.weekday())
        return Window(start, start + dt.timedelta(days=6))
    if period == Period.MONTH:
        return Window(on.replace(day=1), on.replace(day=calendar.monthrange(on.year, on.month)[1]))
    raise ValueError(f"unknown period {period!r}")


def bucket_of(day: dt.date, period: str) -> dt.date:
    if period == Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if period == Period.MONTH:
        return day.replace(day=1)
    return day


def chart_buckets(window: Window, period: str) -> list[dt.date]:
    """``CHART_BUCKETS[period]`` buckets ending with the one that holds the window's end."""
    last = bucket_of(window.end, period)
    buckets = [last]
    for _i in range(CHART_BUCKETS[period] - 1):
        previous = buckets[-1] - dt.timedelta(days=1)
        buckets.append(bucket_of(previous, period))
    return list(reversed(buckets))


@dataclass(frozen=True)
class Subject:
    key: str  # "category:<code>", "matter:<code>" or "none"
    code: str
    name: str


@dataclass
class TopRow:
    subject: Subject
    count: int
    share: float
    previous: int
    rank: int

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def change_percent(self) -> float | None:
        return None if not self.previous else 100.0 * self.change / self.previous

    @property
    def share_percent(self) -> float:
        return 100.0 * self.share


@dataclass
class PlaceRow:
    region: Region
    count: int
    previous: int
    top_subject: Subject | None

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass
class TopReport:
    place: Region
    window: Window
    previous: Window
    period: str
    dimension: str
    total: int
    previous_total: int
    rows: list[TopRow]
    places: list[PlaceRow]
    buckets: list[dt.date]
    series: list[tuple[Subject, list[int]]] = field(default_factory=list)

    @property
    def total_change(self) -> int:
        return self.total - self.previous_total


def _field(dimension: str) -> str:
    return "matter_id" if dimension == Dimension.MATTER else "category_id"


def counted(events: QuerySet, place: Region, window: Window) -> QuerySet:
    """The events that count at ``place`` in ``window`` (see the module's definitions)."""
    return events.filter(
        region__code__startswith=place.prefix,
        reported_at__date__gte=window.start,
        reported_at__date__lte=window.end,
    ).exclude(state=EventState.VOIDED)


def _subjects(dimension: str, ids) -> dict[int | None, Subject]:
    ids = [i for i in ids if i is not None]
    if dimension == Dimension.MATTER:
        found = {
            m.pk: Subject(f"matter:{m.code}", m.code, m.name)
            for m in Matter.objects.filter(pk__in=ids)
        }
        none = Subject(NONE_KEY, "", _("no matter named yet"))
    else:
        found = {
            c.pk: Subject(f"category:{c.code}", c.code, c.name)
            for c in Category.objects.filter(pk__in=ids)
        }
        none = Subject(NONE_KEY, "", _("no category"))
    found[None] = none
    return found


def _counts(events: QuerySet, dimension: str) -> Counter:
    column = _field(dimension)
    return Counter({row[column]: row["n"] for row in events.values(column).annotate(n=Count("pk"))})


def child_level(region: Region) -> str | None:
    return {
        RegionLevel.COUNTY: RegionLevel.TOWN,
        RegionLevel.TOWN: RegionLevel.VILLAGE,
        RegionLevel.VILLAGE: RegionLevel.GRID,
    }.get(region.level)


def top_subjects(
    events: QuerySet,
    *,
    place: Region,
    window: Window,
    period: str = Period.WEEK,
    dimension: str = Dimension.CATEGORY,
    limit: int = 10,
) -> TopReport:
    """The ``limit`` most frequent subjects at ``place`` in ``window``, with the previous period,
    the breakdown by the places one level down, and the chart series."""
    if dimension not in Dimension.values:
        raise ValueError(f"unknown dimension {dimension!r}")
    if period not in Period.values:
        raise ValueError(f"unknown period {period!r}")
    previous = window.previous()
    now_events = counted(events, place, window)
    before_events = counted(events, place, previous)
    now = _counts(now_events, dimension)
    before = _counts(before_events, dimension)
    total, previous_total = sum(now.values()), sum(before.values())
    ranked = sorted(now.items(), key=lambda item: (-item[1], item[0] is None, item[0] or 0))[:limit]
    subjects = _subjects(dimension, [k for k, _n in ranked])
    rows = [
        TopRow(
            subject=subjects[key],
            count=n,
            share=n / total if total else 0.0,
            previous=before.get(key, 0),
            rank=i + 1,
        )
        for i, (key, n) in enumerate(ranked)
    ]
    report = TopReport(
        place=place,
        window=window,
        previous=previous,
        period=period,
        dimension=dimension,
        total=total,
        previous_total=previous_total,
        rows=rows,
        places=_by_place(events, place, window, previous, dimension),
        buckets=[],
    )
    _chart(report, events, [k for k, _n in ranked[:CHART_SUBJECTS]], subjects)
    return report


def _by_place(
    events: QuerySet, place: Region, window: Window, previous: Window, dimension: str
) -> list[PlaceRow]:
    level = child_level(place)
    if level is None:
        return []
    children = list(Region.objects.filter(parent=place, level=level).order_by("code"))
    if not children:
        return []
    column = _field(dimension)
    now: Counter = Counter()
    tops: dict[str, Counter] = defaultdict(Counter)
    for code, subject in counted(events, place, window).values_list("region__code", column):
        child = _child_of(code, level)
        now[child] += 1
        tops[child][subject] += 1
    before: Counter = Counter(
        _child_of(code, level)
        for code in counted(events, place, previous).values_list("region__code", flat=True)
    )
    subject_ids = {
        max(c.items(), key=lambda kv: (kv[1], -(kv[0] or 0)))[0] for c in tops.values() if c
    }
    subjects = _subjects(dimension, subject_ids)
    rows = []
    for child in children:
        key = child.prefix
        counter = tops.get(key)
        top = max(counter.items(), key=lambda kv: (kv[1], -(kv[0] or 0)))[0] if counter else None
        rows.append(
            PlaceRow(
                region=child,
                count=now.get(key, 0),
                previous=before.get(key, 0),
                top_subject=subjects.get(top) if counter else None,
            )
        )
    rows.sort(key=lambda r: (-r.count, r.region.code))
    return rows


def _child_of(code: str, level: str) -> str:
    return {RegionLevel.TOWN: code[:9], RegionLevel.VILLAGE: code[:12], RegionLevel.GRID: code}[
        level
    ]


def _chart(report: TopReport, events: QuerySet, keys: list, subjects: dict) -> None:
    buckets = chart_buckets(report.window, report.period)
    report.buckets = buckets
    if not keys:
        return
    span = Window(buckets[0], report.window.end)
    column = _field(report.dimension)
    rows = counted(events, report.place, span)
    wanted = [k for k in keys if k is not None]
    if None in keys:
        from django.db.models import Q

        rows = rows.filter(Q(**{f"{column}__in": wanted}) | Q(**{f"{column}__isnull": True}))
    else:
        rows = rows.filter(**{f"{column}__in": wanted})
    index = {b: i for i, b in enumerate(buckets)}
    series = {k: [0] * len(buckets) for k in keys}
    tz = timezone.get_current_timezone()
    for reported_at, subject in rows.values_list("reported_at", column):
        bucket = bucket_of(timezone.localtime(reported_at, tz).date(), report.period)
        if bucket in index and subject in series:
            series[subject][index[bucket]] += 1
    report.series = [(subjects[k], series[k]) for k in keys]


def top_for_user(user, **kwargs) -> TopReport:
    """``top_subjects`` over the events ``user`` may see."""
    return top_subjects(Event.objects.visible_to(user), **kwargs)
