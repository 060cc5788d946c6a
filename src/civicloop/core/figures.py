"""Figures (KPIs): one registry of named figures, each computed from records for a period and a
place — what ``civicloop kpi``, docs/kpis.md and the leaders' cockpit read.

An app declares its figures in ``<app>/kpis.py`` (``FIGURES``) and registers them from its
``AppConfig.ready()`` with :func:`register_figures`; nothing else changes anywhere.

A figure is either

* a :class:`Measure` — an *additive* count, share, mean or sum over one model's rows, where one
  date field decides the period and one field gives the place. Because it is additive it can be
  pre-aggregated by day and town (the cockpit's rollups) and summed again for any period and
  region, so the same declaration gives the exact value from records and the fast one; or
* a ``compute(period, region)`` function — for stock figures (how many stations exist at the
  end of the period), distinct counts (enterprises, not repairs) and anything not additive.
  These read small tables and are always computed from records.

Values are JSON-ready: a number, ``None`` when the figure has no base (a share of nothing), or
an object of numbers keyed by a breakdown (``part``), e.g. days to close by procedure.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Substr, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise

from .registry import Registry, resolve

# --- periods ---------------------------------------------------------------------------------


def _shift_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier or later; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    """Local dates, both ends inclusive; either end may be open (the whole database)."""

    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(
            dt.date(year, first, 1),
            dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1]),
        )

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(
            dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        )

    @property
    def bounded(self) -> bool:
        return self.start is not None and self.end is not None

    def as_dict(self) -> dict:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }

    def _is_whole_months(self) -> bool:
        return (
            self.bounded
            and self.start.day == 1
            and self.end.day == calendar.monthrange(self.end.year, self.end.month)[1]
        )

    def previous(self) -> Period | None:
        """The period just before, of the same length — or, for whole months (a month, a
        quarter, a year), the same number of months before. ``None`` for an open period."""
        if not self.bounded:
            return None
        if self._is_whole_months():
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            index = self.start.year * 12 + self.start.month - 1 - months
            start = dt.date(index // 12, index % 12 + 1, 1)
            return Period(start, self.start - dt.timedelta(days=1))
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period(end - length, end)

    def last_year(self) -> Period | None:
        """The same dates one year earlier (``None`` for an open period)."""
        if not self.bounded:
            return None
        end = self.end
        if (end.month, end.day) == (2, 29) or (self._is_whole_months() and end.month == 2):
            end = dt.date(end.year - 1, 2, calendar.monthrange(end.year - 1, 2)[1])
        else:
            end = _shift_years(end, -1)
        return Period(_shift_years(self.start, -1), end)

    def moments(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The period as aware datetimes: [start of the first day, start of the day after)."""
        zone = timezone.get_current_timezone()

        def midnight(day: dt.date | None) -> dt.datetime | None:
            if day is None:
                return None
            return dt.datetime.combine(day, dt.time.min, tzinfo=zone)

        return midnight(self.start), midnight(self.end + dt.timedelta(days=1) if self.end else None)

    def days(self) -> Iterator[dt.date]:
        day = self.start
        while day <= self.end:
            yield day
            day += dt.timedelta(days=1)


# --- measures ---------------------------------------------------------------------------------

COUNT, SHARE, MEAN, SUM = "count", "share", "mean", "sum"

# Rollups group places by the leading digits of the division code (org.RegionLevel): a town's
# nine digits; the county's six are a prefix of them.
TOWN_DIGITS = 9


def final_field(model: type[models.Model], path: str) -> models.Field:
    """The field a lookup path (``event__region__code``) ends on."""
    field_ = None
    for name in path.split("__"):
        field_ = model._meta.get_field(name)
        if field_.is_relation:
            model = field_.related_model
    return field_


@dataclass(frozen=True)
class Bucket:
    """The additive parts of a measure for one day, town and breakdown."""

    day: dt.date
    town: str
    part: str
    numerator: float
    denominator: int


@dataclass(frozen=True)
class Measure:
    """An additive figure over the rows of ``rows()``.

    ``date`` is the field (a path) whose local date puts a row in a period; ``place`` the path
    to the row's division code (``region__code``). ``kind``:

    * ``count`` — how many rows;
    * ``share`` — of the rows, the share meeting ``numerator`` (a ``Q`` over the rows), 0–1;
    * ``mean`` — the mean of ``value`` (an expression) over the rows;
    * ``sum`` — the total of ``value``.

    ``scale`` multiplies sums and means (a duration is counted in seconds: ``1 / 86400`` gives
    days); ``digits`` rounds the value. ``part`` breaks the value down by a field (the keys are
    that field's values; ``parts`` lists the keys always shown, zero or ``None`` when absent).
    """

    rows: Callable[[], models.QuerySet] | str
    date: str
    kind: str = COUNT
    place: str = "region__code"
    numerator: Q | None = None
    value: Any = None
    part: str | None = None
    parts: tuple[str, ...] = ()
    scale: float = 1.0
    digits: int = 4

    def queryset(self) -> models.QuerySet:
        return resolve(self.rows)()

    def _filtered(self, period: Period, region_prefix: str | None) -> models.QuerySet:
        queryset = self.queryset()
        field_ = final_field(queryset.model, self.date)
        if isinstance(field_, models.DateTimeField):
            start, end = period.moments()
        else:
            start, end = period.start, period.end + dt.timedelta(days=1) if period.end else None
        if start is not None:
            queryset = queryset.filter(**{f"{self.date}__gte": start})
        if end is not None:
            queryset = queryset.filter(**{f"{self.date}__lt": end})
        if region_prefix:
            queryset = queryset.filter(self._within(queryset.model, region_prefix))
        return queryset

    def _within(self, model: type[models.Model], prefix: str) -> Q:
        """Rows whose place starts with ``prefix``. When the code is a field of a related row
        (``region__code``), the rows are matched by that row's key among the places under the
        prefix — a handful of keys the database finds by index, where a prefix match on the
        joined code would read every row of the period."""
        relation, _sep, field_name = self.place.rpartition("__")
        related = None
        if relation:
            try:
                related = final_field(model, relation).related_model
            except FieldDoesNotExist:  # an annotation (e.g. a coalesced place): match the code
                related = None
        if related is None:
            return Q(**{f"{self.place}__startswith": prefix})
        places = related._default_manager.filter(**{f"{field_name}__startswith": prefix})
        return Q(**{f"{relation}__in": places.values("pk")})

    def _aggregates(self) -> dict[str, Any]:
        if self.kind == COUNT:
            return {"numerator": Count("pk"), "denominator": Count("pk")}
        if self.kind == SHARE:
            return {
                "numerator": Count("pk", filter=self.numerator),
                "denominator": Count("pk"),
            }
        return {"numerator": Sum(self.value), "denominator": Count("pk")}

    def _grouped(
        self, period: Period, within: str | None, **keys
    ) -> Iterator[tuple[dict[str, Any], str, float, int]]:
        """One grouped query: for each combination of ``keys`` (expressions) and the breakdown,
        the key values, the part, the numerator and the denominator."""
        queryset = self._filtered(period, within)
        if self.part:
            keys["bucket_part"] = F(self.part)
        if not keys:
            row = queryset.aggregate(**self._aggregates())
            yield {}, "", _number(row["numerator"]), row["denominator"] or 0
            return
        for row in queryset.values(**keys).order_by().annotate(**self._aggregates()):
            part = str(row.pop("bucket_part", "") or "")
            numerator, denominator = _number(row.pop("numerator")), row.pop("denominator") or 0
            yield row, part, numerator, denominator

    def _truncated(self, truncate, model: type[models.Model]):
        """The date field truncated to a day or month (local time for a date and time)."""
        if isinstance(final_field(model, self.date), models.DateTimeField):
            return truncate(self.date, tzinfo=timezone.get_current_timezone())
        if truncate is TruncDate:
            # A date is its own day; TruncDate expects a date and time (SQLite's cast fails).
            return F(self.date)
        return truncate(self.date)

    def totals(
        self, period: Period, region_prefix: str | None = None
    ) -> dict[str, tuple[float, int]]:
        """``{part: (numerator, denominator)}`` straight from the records."""
        return {
            part: (numerator, denominator)
            for _keys, part, numerator, denominator in self._grouped(period, region_prefix)
        }

    def totals_by_place(
        self, period: Period, within: str | None, digits: int
    ) -> dict[str, dict[str, tuple[float, int]]]:
        """``{place: {part: (numerator, denominator)}}`` straight from the records, the places
        being the first ``digits`` digits of the division code (the villages of a town: 12) —
        one query for a ranking or a map."""
        result: dict[str, dict[str, tuple[float, int]]] = {}
        rows = self._grouped(period, within, bucket_place=Substr(self.place, 1, digits))
        for keys, part, numerator, denominator in rows:
            result.setdefault(keys["bucket_place"] or "", {})[part] = (numerator, denominator)
        return result

    def totals_by_month(
        self, period: Period, within: str | None
    ) -> dict[dt.date, dict[str, tuple[float, int]]]:
        """``{first day of month: {part: (numerator, denominator)}}`` straight from the records
        — one query for a trend."""
        month = self._truncated(TruncMonth, self.queryset().model)
        result: dict[dt.date, dict[str, tuple[float, int]]] = {}
        for keys, part, numerator, denominator in self._grouped(period, within, bucket_month=month):
            result.setdefault(_as_date(keys["bucket_month"]), {})[part] = (numerator, denominator)
        return result

    def buckets(self, period: Period) -> Iterator[Bucket]:
        """The measure's parts by local day, town (nine-digit prefix, '' without a place) and
        breakdown, over the bounded ``period`` — what the cockpit's rollups store."""
        rows = self._grouped(
            period,
            None,
            bucket_day=self._truncated(TruncDate, self.queryset().model),
            bucket_town=Coalesce(Substr(self.place, 1, TOWN_DIGITS), Value("")),
        )
        for keys, part, numerator, denominator in rows:
            yield Bucket(
                day=_as_date(keys["bucket_day"]),
                town=keys["bucket_town"] or "",
                part=part,
                numerator=numerator,
                denominator=denominator,
            )

    def finish(self, totals: dict[str, tuple[float, int]]) -> object:
        """The figure's value from ``{part: (numerator, denominator)}``."""
        if self.part:
            keys = list(self.parts) + sorted(k for k in totals if k not in self.parts)
            return {key: self._one(*totals.get(key, (0, 0))) for key in keys}
        return self._one(*totals.get("", (0, 0)))

    def _one(self, numerator: float, denominator: int) -> object:
        if self.kind == COUNT:
            return int(numerator)
        if self.kind == SUM:
            return round(numerator * self.scale, self.digits)
        if not denominator:
            return None
        if self.kind == SHARE:
            return round(numerator / denominator, self.digits)
        return round(numerator * self.scale / denominator, self.digits)


def _number(value: Any) -> float:
    if value is None:
        return 0
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value) if not isinstance(value, int) else value


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


# --- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A named figure of a subject.

    ``label`` is its short Chinese-first name on the cockpit; ``definition`` says what is
    counted — numerator, denominator, which date decides the period (docs/kpis.md prints it).
    Give ``measure`` (additive, see :class:`Measure`) or ``compute(period, region)`` where
    ``region`` is an ``org.Region`` or ``None`` for everywhere. ``better`` is ``"up"`` or
    ``"down"`` when a rise is good or bad news (arrows are coloured by it). ``records(period,
    region)`` returns the URL of the list of records behind the number (the drill-down).
    ``cockpit`` says whether the leaders' page shows it as a card.
    """

    subject: str
    name: str
    definition: str | Promise
    unit: str | Promise
    compute: Callable[..., object] | str | None = None
    order: int = 0
    regional: bool = True
    label: str | Promise = ""
    measure: Measure | None = None
    better: str | None = None
    records: Callable[..., str | None] | str | None = None
    cockpit: bool = True
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        if (self.compute is None) == (self.measure is None):
            raise ValueError(f"The figure {self.key} needs either a measure or compute.")

    @property
    def key(self) -> str:
        return f"{self.subject}.{self.name}"

    @property
    def title(self) -> str:
        return str(self.label or self.name)

    def value(self, period: Period, region: Any = None) -> object:
        """The value straight from the records."""
        if self.measure is not None:
            prefix = region.prefix if region is not None else None
            return self.measure.finish(self.measure.totals(period, prefix))
        if region is not None and not self.regional:
            return None
        if self.regional:
            return resolve(self.compute)(period, region)
        return resolve(self.compute)(period)

    def records_url(self, period: Period, region: Any = None) -> str | None:
        if self.records is None:
            return None
        return resolve(self.records)(period, region)


@dataclass(frozen=True)
class Subject:
    """What a group of figures is about (``events``, ``cases``): its name on the cockpit and
    in reports, and where it stands among the others."""

    name: str
    label: str | Promise
    order: int = 0


subjects: Registry[Subject] = Registry("figure subject")


def register_subjects(*items: Subject) -> None:
    for item in items:
        subjects.add(item)


class FigureRegistry(Registry[Figure]):
    """Figures keyed ``subject.name``: two subjects may each have a figure called ``total``."""

    def __init__(self, kind: str = "figure"):
        super().__init__(kind, key=lambda figure: figure.key)

    def subjects(self) -> list[str]:
        """The subjects that have figures, in their registered order (unregistered last)."""
        named = {figure.subject for figure in self._entries.values()}
        ordered = [subject.name for subject in subjects if subject.name in named]
        return ordered + sorted(named - set(ordered))

    @staticmethod
    def subject_label(name: str) -> str:
        subject = subjects.find(name)
        return str(subject.label) if subject is not None else name

    def of(self, subject: str | None) -> list[Figure]:
        """A subject's figures in their order, or every figure subject by subject."""
        if subject is not None:
            return [figure for figure in self if figure.subject == subject]
        return [figure for name in self.subjects() for figure in self.of(name)]

    def measured(self) -> list[Figure]:
        return [figure for figure in self if figure.measure is not None]

    def report(self, subject: str, period: Period | None = None, region: Any = None) -> dict:
        """Every figure of the subject for the period, by name, with the period itself."""
        period = period or Period()
        return {
            "period": period.as_dict(),
            **{figure.name: figure.value(period, region) for figure in self.of(subject)},
        }


figures = FigureRegistry()


def register_figures(*items: Figure | Iterable[Figure]) -> None:
    """Register figures declared as :class:`Figure` objects (an app's ``kpis.FIGURES``)."""
    for item in items:
        figures.add(item)
