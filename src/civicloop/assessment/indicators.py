"""Indicators of the assessment computed from Civicloop's own records.

Each indicator is a rate between 0 and 1 with its numerator and denominator and a
stated definition; its pre-filled score is the rate × 100. The definitions (also
in docs/matters.md):

* **实施效果 (implementation effect)** — on-time handling: of the events located
  in the town and reported in the period (voided and merged reports left out),
  the share that never missed a deadline, i.e. that the deadline sweep never
  escalated (no automatic 督办 row in the event's history).
* **群众满意度 (public satisfaction)** — of the satisfaction ratings given in the
  period on the town's events, the share "satisfied" or "basically satisfied".
* **组织运行 (organisation and operation)** — of the work given to the town's units
  (command room, squad, stations, grid teams) in the period with an acceptance
  deadline, the share accepted by that deadline; work still waiting within its
  deadline, and work handed back or cancelled before acceptance, is left out.
* **监管检查, 处罚办案, 法制审核** — computed by the app that keeps the records when it
  registers an :class:`IndicatorSource` in :data:`indicator_sources` (the inspections app
  registers 监管检查); without one, no indicator and the assessor scores from the town's files.
* **制度建设 (system building)** — judged from documents; no indicator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civicloop.core.registry import Registry
from civicloop.events.choices import AssignmentState, EventState, Rating
from civicloop.events.models import Assignment, Event, EventHistory, EventRating
from civicloop.org.models import Region

from .choices import Dimension
from .scoring import rate_score

FOUR_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Indicator:
    dimension: str
    rate: Decimal | None
    numerator: int | None
    denominator: int | None
    note: str

    @property
    def score(self) -> Decimal | None:
        return rate_score(self.rate)

    @property
    def recorded(self) -> bool:
        return self.rate is not None


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in local time."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time()), tz),
        timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), tz),
    )


def town_events(town: Region, start: dt.date, end: dt.date):
    since, until = period_bounds(start, end)
    return Event.objects.filter(
        region__code__startswith=town.prefix, reported_at__gte=since, reported_at__lt=until
    ).exclude(state__in=[EventState.VOIDED, EventState.MERGED])


def on_time(town: Region, start: dt.date, end: dt.date) -> Indicator:
    events = town_events(town, start, end)
    total = events.count()
    late = events.filter(
        pk__in=EventHistory.objects.filter(action="escalate", details__automatic=True).values(
            "event"
        )
    ).count()
    note = (
        _(
            "On-time handling: of the %(total)d events in the town reported in the period (voided and "
            "merged reports left out), %(ok)d never missed a deadline (never escalated by the deadline "
            "sweep)."
        )
        % {"total": total, "ok": total - late}
        if total
        else _("On-time handling: no events were reported in the town in the period.")
    )
    return Indicator(Dimension.EFFECT, _rate(total - late, total), total - late, total, note)


def satisfaction(town: Region, start: dt.date, end: dt.date) -> Indicator:
    since, until = period_bounds(start, end)
    ratings = EventRating.objects.filter(
        event__region__code__startswith=town.prefix, rated_at__gte=since, rated_at__lt=until
    )
    total = ratings.count()
    good = ratings.filter(rating__in=[Rating.SATISFIED, Rating.BASICALLY_SATISFIED]).count()
    note = (
        _(
            "Satisfaction: %(good)d of the %(total)d ratings given in the period on the town's events were "
            "“satisfied” or “basically satisfied”."
        )
        % {"good": good, "total": total}
        if total
        else _("Satisfaction: no ratings were given on the town's events in the period.")
    )
    return Indicator(Dimension.SATISFACTION, _rate(good, total), good, total, note)


def prompt_acceptance(town: Region, start: dt.date, end: dt.date) -> Indicator:
    since, until = period_bounds(start, end)
    now = timezone.now()
    work = (
        Assignment.objects.filter(
            unit__region__code__startswith=town.prefix,
            issued_at__gte=since,
            issued_at__lt=until,
            accept_due_at__isnull=False,
        )
        .exclude(
            Q(state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED])
            & Q(accepted_at__isnull=True)
        )
        .filter(Q(accepted_at__isnull=False) | Q(accept_due_at__lt=now))
    )
    total = work.count()
    prompt = work.filter(accepted_at__lte=F("accept_due_at")).count()
    note = (
        _(
            "Prompt acceptance: of %(total)d pieces of work given to the town's units in the period, "
            "%(ok)d were accepted by their acceptance deadline."
        )
        % {"total": total, "ok": prompt}
        if total
        else _(
            "Prompt acceptance: no work with an acceptance deadline was given to the town's units in "
            "the period."
        )
    )
    return Indicator(Dimension.ORGANISATION, _rate(prompt, total), prompt, total, note)


def not_recorded(dimension: str) -> Indicator:
    notes = {
        Dimension.SUPERVISION: _(
            "Not yet recorded: inspections are not kept in Civicloop yet; score from "
            "the town's inspection files."
        ),
        Dimension.CASES: _(
            "Not yet recorded: penalty cases are not kept in Civicloop yet; score from the "
            "town's case files."
        ),
        Dimension.LEGAL_REVIEW: _(
            "Not yet recorded: legal reviews are not kept in Civicloop yet; score "
            "from the town's review records."
        ),
        Dimension.SYSTEMS: _(
            "Judged from documents (rules, duty rosters, training); there is no "
            "indicator from records."
        ),
    }
    return Indicator(dimension, None, None, None, notes[dimension])


@dataclass(frozen=True)
class IndicatorSource:
    """An indicator of a dimension computed by an app above assessment (its records):
    ``compute(town, start, end)`` returns an :class:`Indicator`."""

    dimension: str
    compute: Callable[[Region, dt.date, dt.date], Indicator]


# Keyed by dimension: one source per dimension (core/registry.py explains the mechanism).
indicator_sources: Registry[IndicatorSource] = Registry(
    "assessment indicator source", key=lambda source: source.dimension
)


def _registered_or(dimension: str, town: Region, start: dt.date, end: dt.date) -> Indicator:
    source = indicator_sources.find(dimension)
    return source.compute(town, start, end) if source else not_recorded(dimension)


def compute_indicators(town: Region, start: dt.date, end: dt.date) -> dict[str, Indicator]:
    """Every dimension's indicator, its note written in the deployment's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            Dimension.SYSTEMS: not_recorded(Dimension.SYSTEMS),
            Dimension.ORGANISATION: prompt_acceptance(town, start, end),
            Dimension.SUPERVISION: _registered_or(Dimension.SUPERVISION, town, start, end),
            Dimension.CASES: _registered_or(Dimension.CASES, town, start, end),
            Dimension.LEGAL_REVIEW: _registered_or(Dimension.LEGAL_REVIEW, town, start, end),
            Dimension.EFFECT: on_time(town, start, end),
            Dimension.SATISFACTION: satisfaction(town, start, end),
        }
