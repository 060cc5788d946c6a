"""Reading figures for the cockpit and ``civicloop kpi``: a value with the previous period and
the same period last year, from a baseline, the rollups or the records — and which.

Order of sources for one figure, period and place:

1. a **baseline** imported for exactly that period and place (历史基线: the years before the
   system, or an official figure) — shown as such;
2. the **rollups**, for a measured figure whose rollups cover the period and a place they hold
   (everywhere, a county, a town) — unless ``exact`` asks for the records;
3. the **records**, counted directly (``Figure.value``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from civicloop.core.figures import COUNT, SHARE, SUM, Figure, Period, figures, final_field
from civicloop.org.models import Region

from . import rollups
from .models import Baseline, Level

BASELINE, ROLLUP, RECORDS = "baseline", "rollup", "records"
BASELINE_PRORATED = "baseline_prorated"
BASELINES = frozenset({BASELINE, BASELINE_PRORATED})

SOURCE_LABELS = {
    BASELINE: _("historical baseline"),
    BASELINE_PRORATED: _("historical baseline, prorated by days"),
    ROLLUP: _("records (pre-aggregated)"),
    RECORDS: _("records"),
}


def is_share(figure: Figure) -> bool:
    return bool(figure.measure is not None and figure.measure.kind == SHARE) or bool(
        figure.extra.get("share")
    )


SHARE_KIND, DAYS_KIND, NUMBER_KIND = "share", "days", "number"


def value_kind(figure: Figure) -> str:
    """How the figure's numbers read: a share (shown as a percentage), days (one decimal) or
    a plain number. Days are recognised by the unit's English wording ("days, by procedure"),
    which every figure counted in days uses; ``extra={"kind": ...}`` overrides."""
    if figure.extra.get("kind"):
        return figure.extra["kind"]
    if is_share(figure):
        return SHARE_KIND
    with translation.override("en"):
        unit = str(figure.unit).lower()
    return DAYS_KIND if unit.startswith("day") or " days" in unit else NUMBER_KIND


@dataclass(frozen=True)
class Change:
    """How a value moved against another: a relative change for counts and means, a
    difference in percentage points for shares. ``good`` follows the figure's ``better``."""

    amount: float
    points: bool
    good: bool | None

    @property
    def direction(self) -> str:
        return "up" if self.amount > 0 else "down" if self.amount < 0 else "flat"

    def __str__(self) -> str:
        sign = "+" if self.amount > 0 else "−" if self.amount < 0 else "±"
        if self.points:
            return f"{sign}{abs(self.amount) * 100:.1f} " + str(_("pts"))
        return f"{sign}{abs(self.amount) * 100:.1f}%"


def part_names(figure: Figure) -> dict:
    """The names of a breakdown's parts: ``extra["part_labels"]``, else the labels of the
    choices of the field a measure breaks down by (a procedure, a source); a part without a
    name keeps its key."""
    names = dict(figure.extra.get("part_labels", {}))
    measure = figure.measure
    if names or measure is None or not measure.part:
        return names
    field_ = final_field(measure.queryset().model, measure.part)
    return {str(value): label for value, label in (getattr(field_, "choices", None) or ())}


def change(figure: Figure, value, other) -> Change | None:
    if not isinstance(value, int | float) or not isinstance(other, int | float):
        return None
    if is_share(figure):
        amount, points = value - other, True
    elif other == 0:
        return None
    else:
        amount, points = (value - other) / other, False
    good = None
    if figure.better and amount:
        good = (amount > 0) == (figure.better == "up")
    return Change(amount=round(amount, 4), points=points, good=good)


@dataclass
class Reading:
    """One figure for one period and place."""

    figure: Figure
    period: Period
    region: Region | None
    value: object
    source: str
    previous: object = None
    previous_source: str = ""
    last_year: object = None
    last_year_source: str = ""
    parts: list[tuple[str, object, Change | None]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.figure.key

    @property
    def against_previous(self) -> Change | None:
        return change(self.figure, self.value, self.previous)

    @property
    def against_last_year(self) -> Change | None:
        return change(self.figure, self.value, self.last_year)

    def records_url(self) -> str | None:
        return self.figure.records_url(self.period, self.region)

    def as_json(self) -> dict:
        return {
            "value": self.value,
            "previous": self.previous,
            "last_year": self.last_year,
            "definition": str(self.figure.definition),
        }


def _baselines(
    selected: list[Figure], period: Period, region: Region | None
) -> dict[str, tuple[dict[str, float], bool]]:
    """``{key: ({part: value}, prorated)}`` for the figures with baselines for ``period``.

    A baseline imported for exactly the period is used as it is. Otherwise, for a count or a
    sum, baselines that together cover every day of the period without overlapping are spread
    evenly over their days and summed (2025's yearly figure gives January–6 December 2025 as
    340/365 of it) — marked as prorated; for a share or a mean, one baseline covering the whole
    period gives its rate. Otherwise there is no baseline and the records count."""
    if not period.bounded:
        return {}
    # Everywhere: baselines filed for no place, else those of the installation's one county.
    codes = [region.code] if region is not None else ["", *_everywhere_codes()]
    by_code: dict[str, dict[str, dict[str, list[tuple[dt.date, dt.date, float]]]]] = {}
    rows = Baseline.objects.filter(
        figure__in=[f.key for f in selected],
        region_code__in=codes,
        start__lte=period.end,
        end__gte=period.start,
    ).values_list("region_code", "figure", "part", "start", "end", "value")
    for code, key, part, start, end, value in rows:
        spans = by_code.setdefault(key, {}).setdefault(code, {}).setdefault(part, [])
        spans.append((start, end, _plain(value)))
    by_figure = {
        key: next(places[code] for code in codes if code in places)
        for key, places in by_code.items()
    }
    found: dict[str, tuple[dict[str, float], bool]] = {}
    for figure in selected:
        parts = by_figure.get(figure.key)
        if not parts:
            continue
        values: dict[str, float] = {}
        prorated = False
        for part, spans in parts.items():
            value, estimated = _baseline_for(figure, spans, period)
            if value is None:
                break
            values[part] = value
            prorated = prorated or estimated
        else:
            found[figure.key] = (values, prorated)
    return found


def _everywhere_codes() -> list[str]:
    """The one top region (the county) of an installation that has one: ``civicloop kpi``
    without ``--region`` then reads the county's baselines."""
    roots = list(Region.objects.filter(parent=None).values_list("code", flat=True)[:2])
    return roots if len(roots) == 1 else []


def _additive(figure: Figure) -> bool:
    return figure.measure is not None and figure.measure.kind in {COUNT, SUM}


def _baseline_for(figure: Figure, spans, period: Period) -> tuple[float | None, bool]:
    for start, end, value in spans:
        if (start, end) == (period.start, period.end):
            return value, False
    if not _additive(figure):
        covering = [v for s, e, v in spans if s <= period.start and period.end <= e]
        return (covering[0], True) if covering else (None, False)
    # Each day takes its share of the shortest baseline that holds it, so monthly baselines
    # win over a yearly one that overlaps them.
    shortest = sorted(spans, key=lambda span: (span[1] - span[0], span[0]))
    total = 0.0
    for day in period.days():
        span = next(((s, e, v) for s, e, v in shortest if s <= day <= e), None)
        if span is None:
            return None, False
        start, end, value = span
        total += value / ((end - start).days + 1)
    if figure.measure.kind == COUNT:
        total = round(total)
    return total, True


def _plain(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _baseline_value(figure: Figure, parts: dict[str, float]):
    if "" in parts and len(parts) == 1:
        return parts[""]
    return {part: value for part, value in parts.items() if part}


def _values(
    selected: list[Figure], period: Period | None, region: Region | None, *, exact: bool
) -> dict[str, tuple[object, str]]:
    """``{key: (value, source)}`` for one period (``None``: no such period, e.g. the period
    before an open one)."""
    if period is None:
        return {figure.key: (None, "") for figure in selected}
    values: dict[str, tuple[object, str]] = {}
    baselines = _baselines(selected, period, region)
    prefix = region.prefix if region is not None else None
    rolled = [
        f
        for f in selected
        if not exact
        and f.measure is not None
        and rollups.place_of(prefix) is not None
        and rollups.covered(f.key, period)
        and f.key not in baselines
    ]
    sums = rollups.totals([f.key for f in rolled], period, prefix) if rolled else {}
    for figure in selected:
        if figure.key in baselines:
            parts, prorated = baselines[figure.key]
            source = BASELINE_PRORATED if prorated else BASELINE
            values[figure.key] = (_baseline_value(figure, parts), source)
        elif figure in rolled:
            values[figure.key] = (figure.measure.finish(sums.get(figure.key, {})), ROLLUP)
        else:
            values[figure.key] = (figure.value(period, region), RECORDS)
    return values


def select(subject: str | None = None, keys: list[str] | None = None) -> list[Figure]:
    if keys is not None:
        return [figures.get(key) for key in keys]
    return figures.of(subject)


def read(
    period: Period,
    region: Region | None = None,
    *,
    subject: str | None = None,
    keys: list[str] | None = None,
    exact: bool = False,
) -> list[Reading]:
    """Every selected figure for the period and place, with the previous period and the same
    period last year."""
    selected = select(subject, keys)
    now = _values(selected, period, region, exact=exact)
    before = _values(selected, period.previous(), region, exact=exact)
    year_ago = _values(selected, period.last_year(), region, exact=exact)
    readings = []
    for figure in selected:
        value, source = now[figure.key]
        reading = Reading(
            figure=figure,
            period=period,
            region=region,
            value=value,
            source=source,
            previous=before[figure.key][0],
            previous_source=before[figure.key][1],
            last_year=year_ago[figure.key][0],
            last_year_source=year_ago[figure.key][1],
        )
        if isinstance(value, dict):
            last = reading.last_year if isinstance(reading.last_year, dict) else {}
            reading.parts = [
                (part, part_value, change(figure, part_value, last.get(part)))
                for part, part_value in value.items()
            ]
        readings.append(reading)
    return readings


def pinned(readings: list[Reading], period: Period, region: Region | None) -> dict:
    """The pinned JSON of ``civicloop kpi``: the period, the place and every figure."""
    return {
        "period": period.as_dict(),
        "region": region.code if region is not None else None,
        "figures": {reading.key: reading.as_json() for reading in readings},
    }


# --- the ranking of towns, the map and the trend -------------------------------------------


def places_below(region: Region | None) -> list[Region]:
    """The places one level down: the towns of a county, the counties of everywhere, the
    villages of a town."""
    if region is None:
        return list(Region.objects.filter(parent__isnull=True).order_by("code"))
    return list(region.children.order_by("code"))


def by_place(figure: Figure, period: Period, region: Region | None) -> list[tuple[Region, object]]:
    """The figure for each place one level below ``region`` (ranking and map)."""
    places = places_below(region)
    if not places:
        return []
    level = {6: Level.COUNTY, 9: Level.TOWN}.get(len(places[0].prefix))
    if figure.measure is not None and level is not None and rollups.covered(figure.key, period):
        sums = rollups.totals_by_place(
            figure.key, period, level, region.prefix if region is not None else ""
        )
        return [(place, figure.measure.finish(sums.get(place.prefix, {}))) for place in places]
    if figure.measure is not None:
        sums = figure.measure.totals_by_place(
            period, region.prefix if region is not None else None, len(places[0].prefix)
        )
        return [(place, figure.measure.finish(sums.get(place.prefix, {}))) for place in places]
    return [(place, figure.value(period, place)) for place in places]


def ranking(
    figure: Figure, period: Period, region: Region | None
) -> list[tuple[int, Region, object]]:
    """Places ranked best first by the figure's ``better`` (largest first when it has none);
    places without a value come last."""
    rows = [(place, value) for place, value in by_place(figure, period, region)]
    numeric = [(p, v) for p, v in rows if isinstance(v, int | float)]
    empty = [(p, v) for p, v in rows if not isinstance(v, int | float)]
    numeric.sort(key=lambda row: row[1], reverse=figure.better != "down")
    return [(index + 1, place, value) for index, (place, value) in enumerate(numeric)] + [
        (None, place, value) for place, value in empty
    ]


def trend(
    figure: Figure, region: Region | None, *, end: dt.date, months: int = 24
) -> list[tuple[dt.date, object]]:
    """The figure month by month for the ``months`` months up to ``end``'s: from the rollups
    for the months they cover, the records (one grouped query) for the others."""
    last = rollups.month_start(end)
    first = last
    for _i in range(months - 1):
        first = rollups.month_start(first - dt.timedelta(days=1))
    every = rollups.months_between(first, last)
    prefix = region.prefix if region is not None else None
    if figure.measure is None:
        return [(month, figure.value(_month(month), region)) for month in every]
    covered = [
        month
        for month in every
        if rollups.place_of(prefix) is not None and rollups.covered(figure.key, _month(month))
    ]
    sums = rollups.monthly(figure.key, covered[0], covered[-1], prefix) if covered else {}
    missing = [month for month in every if month not in set(covered)]
    if missing:
        span = Period(missing[0], _month(missing[-1]).end)
        from_records = figure.measure.totals_by_month(span, prefix)
        sums.update({month: from_records.get(month, {}) for month in missing})
    return [(month, figure.measure.finish(sums.get(month, {}))) for month in every]


def _month(month: dt.date) -> Period:
    return Period(month, rollups.next_month(month) - dt.timedelta(days=1))
