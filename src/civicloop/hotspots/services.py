"""Every write of the hotspots app: the spike scan, acknowledging and closing
warnings, recording duplicate suggestions as shown, and merging from one.

Like ``events/services.py``: each state change checks the state and the actor's
capacity against ``WARNING_WORKFLOW``, runs in a transaction, appends one history
row, and leaves notifications to be delivered after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.transitions import ModelWorkflow
from civicloop.events import services as event_services
from civicloop.events.choices import EventState
from civicloop.events.models import Event
from civicloop.events.routing import county_unit
from civicloop.matters.models import Category, Matter
from civicloop.notifications.services import notify_units
from civicloop.org.choices import RegionLevel, UnitKind
from civicloop.org.models import Region, Unit

from . import conf
from .choices import Dimension, WarningState
from .duplicates import Candidate, detector_name, find_candidates
from .models import DuplicateSuggestion, Warning, WarningHistory
from .permissions import warning_capacities
from .spikes import SpikeParameters, SpikeTest, evaluate_window
from .workflow import WARNING_WORKFLOW

logger = logging.getLogger(__name__)

WARNING_FLOW = ModelWorkflow(
    Warning,
    history=WarningHistory,
    machine=WARNING_WORKFLOW,
    capacities=warning_capacities,
    related=("region",),
)


def warning_link(warning: Warning) -> str:
    return reverse("hotspots:warning", args=[warning.pk])


# --- the spike scan ----------------------------------------------------------------------------


@dataclass
class Series:
    """Daily counts of one subject at one place over the scan's history, and the events
    of the window."""

    days: np.ndarray
    window_events: list[int] = field(default_factory=list)


@dataclass
class ScanReport:
    at: dt.date
    dimension: str
    tested: int = 0
    raised: list[Warning] = field(default_factory=list)
    extended: list[Warning] = field(default_factory=list)
    unchanged: int = 0  # spikes that are already recorded (closed, or nothing new)


def _place_codes(code: str, levels: tuple[str, ...]) -> dict[str, str]:
    """The prefix of each tested level that an event at ``code`` counts for."""
    found = {}
    for level in levels:
        if level == RegionLevel.GRID and len(code) > 12:
            found[level] = code
        elif level == RegionLevel.VILLAGE and len(code) >= 12 and code[9:12] != "000":
            found[level] = code[:12]
        elif level == RegionLevel.TOWN:
            found[level] = code[:9]
        elif level == RegionLevel.COUNTY:
            found[level] = code[:6]
    return found


def _region_code(prefix: str) -> str:
    return prefix if len(prefix) >= 12 else prefix.ljust(12, "0")


def _subject_key(dimension: str, subject_id: int) -> str:
    return f"{dimension}:{subject_id}"


def scan_spikes(
    *,
    at: dt.date | None = None,
    params: SpikeParameters | None = None,
    dimension: str | None = None,
    levels: tuple[str, ...] | None = None,
) -> ScanReport:
    """Test the window ending on ``at`` (today by default) of every place × subject with
    enough events; raise a warning for each new spike, extend the warning of one that
    goes on. Places are tested from the smallest up; a larger place is tested on what
    the smaller places' warnings (of the same subject, windows meeting this one) do not
    already explain, so one market's spike is not raised again for its town."""
    at = at or timezone.localdate()
    params = params or conf.spike_parameters()
    dimension = dimension or conf.dimension()
    levels = levels or conf.levels()
    report = ScanReport(at=at, dimension=dimension)
    history_start = at - dt.timedelta(days=params.history_days - 1)
    window_start = at - dt.timedelta(days=params.window_days - 1)
    column = "matter_id" if dimension == Dimension.MATTER else "category_id"
    rows = (
        Event.objects.exclude(state=EventState.VOIDED)
        .filter(reported_at__date__gte=history_start, reported_at__date__lte=at)
        .filter(**{f"{column}__isnull": False})
        .values_list("pk", "region__code", column, "reported_at")
    )
    series: dict[tuple[str, str, int], Series] = {}
    tz = timezone.get_current_timezone()
    for pk, code, subject, reported_at in rows.iterator():
        day = timezone.localtime(reported_at, tz).date()
        index = (day - history_start).days
        for level, prefix in _place_codes(code, levels).items():
            item = series.get((level, prefix, subject))
            if item is None:
                item = series[(level, prefix, subject)] = Series(
                    days=np.zeros(params.history_days, dtype=int)
                )
            item.days[index] += 1
            if day >= window_start:
                item.window_events.append(pk)
    explained: dict[int, set[int]] = defaultdict(
        set
    )  # subject → events explained by smaller places
    regions: dict[str, Region] = {}
    for level in levels:
        candidates = sorted((key, s) for key, s in series.items() if key[0] == level)
        if not candidates:
            continue
        codes = {_region_code(prefix) for (_lvl, prefix, _subj), _s in candidates}
        regions.update({r.code: r for r in Region.objects.filter(code__in=codes)})
        for (_level, prefix, subject), item in candidates:
            events = [pk for pk in item.window_events if pk not in explained[subject]]
            observed = len(events)
            if observed < params.min_count:
                continue
            region = regions.get(_region_code(prefix))
            if region is None:
                continue
            report.tested += 1
            test = evaluate_window(item.days[: params.baseline_days], observed, params)
            if not test.raised:
                continue
            warning, outcome = _raise_or_extend(
                region=region,
                level=level,
                dimension=dimension,
                subject=subject,
                window=(window_start, at),
                test=test,
                events=events,
                params=params,
            )
            if outcome == "raised":
                report.raised.append(warning)
            elif outcome == "extended":
                report.extended.append(warning)
            else:
                report.unchanged += 1
            explained[subject].update(warning.evidence.values_list("pk", flat=True))
            explained[subject].update(events)
    return report


def _subject_fields(dimension: str, subject_id: int) -> dict:
    if dimension == Dimension.MATTER:
        matter = Matter.objects.select_related("category").get(pk=subject_id)
        return {"matter": matter, "category": matter.category}
    return {"category": Category.objects.get(pk=subject_id), "matter": None}


def _test_details(test: SpikeTest, window: tuple[dt.date, dt.date], events: list[int]) -> dict:
    return {
        "window": [window[0].isoformat(), window[1].isoformat()],
        "observed": test.observed,
        "expected": round(test.expected, 3),
        "threshold": test.threshold,
        "score": round(test.score, 2),
        "method": test.method,
        "events": sorted(events),
    }


def _raise_or_extend(
    *,
    region: Region,
    level: str,
    dimension: str,
    subject: int,
    window: tuple[dt.date, dt.date],
    test: SpikeTest,
    events: list[int],
    params: SpikeParameters,
) -> tuple[Warning, str]:
    key = _subject_key(dimension, subject)
    with transaction.atomic():
        # Scans serialise on the place: two scans at once cannot both raise the same spike.
        Region.objects.select_for_update().filter(pk=region.pk).first()
        existing = (
            Warning.objects.select_for_update()
            .for_subject(region=region, subject_key=key)
            .touching(window[0])
            .order_by("-window_end", "-pk")
            .first()
        )
        if existing is not None:
            return existing, _extend(existing, window=window, test=test, events=events)
        warning = Warning.objects.create(
            region=region,
            level=level,
            dimension=dimension,
            subject_key=key,
            window_start=window[0],
            window_end=window[1],
            observed=test.observed,
            expected=test.expected,
            threshold=test.threshold,
            score=test.score,
            p_value=test.p_value,
            method=test.method,
            baseline_mean=test.baseline_mean,
            parameters=params.describe(),
            **_subject_fields(dimension, subject),
        )
        warning.evidence.set(events)
        WARNING_FLOW.record(
            warning,
            "raise",
            by=None,
            to_state=WarningState.OPEN,
            details=_test_details(test, window, events),
            at=warning.raised_at,
        )
        _notify_raised(warning)
    return warning, "raised"


def _extend(
    warning: Warning, *, window: tuple[dt.date, dt.date], test: SpikeTest, events: list[int]
) -> str:
    """The spike goes on: a live warning takes the new window's end and events; a closed
    one stays closed (the same spike is not raised again)."""
    if not warning.is_live:
        return "unchanged"
    known = set(warning.evidence.values_list("pk", flat=True))
    new = [pk for pk in events if pk not in known]
    if not new and window[1] <= warning.window_end:
        return "unchanged"
    WARNING_WORKFLOW.check("extend", state=warning.state, capacities={"system"})
    if new:
        warning.evidence.add(*new)
    warning.window_end = max(warning.window_end, window[1])
    warning.last_seen_at = timezone.now()
    warning.save(update_fields=["window_end", "last_seen_at"])
    WARNING_FLOW.record(
        warning,
        "extend",
        by=None,
        from_state=warning.state,
        details={**_test_details(test, window, events), "new_events": sorted(new)},
    )
    return "extended"


def _warned_units(warning: Warning) -> list[Unit]:
    """The town command room; the county centre for county-wide spikes (and when the
    town has no command room)."""
    units: list[Unit] = []
    if warning.level != RegionLevel.COUNTY:
        town_code = warning.region.code[:9] + "000"
        units += list(
            Unit.objects.active().filter(kind=UnitKind.COMMAND_ROOM, region__code=town_code)
        )
    if not units:
        centre = county_unit(UnitKind.COUNTY_CENTRE)
        if centre:
            units.append(centre)
    return units


def _notify_raised(warning: Warning) -> None:
    notify_units(
        _warned_units(warning),
        verb="spike_warning",
        message=_(
            "Spike warning: %(observed)d events of %(subject)s in %(place)s in %(days)d days "
            "(about %(expected).1f expected)"
        ),
        params={
            "observed": warning.observed,
            "subject": warning.subject_name,
            "place": warning.region.name,
            "days": warning.window_days,
            "expected": warning.expected,
        },
        link=warning_link(warning),
    )


# --- acting on a warning ------------------------------------------------------------------------


def _check(warning: Warning, name: str, by, reason: str):
    if by is None or not by.is_active:
        raise NotPermitted(_("Sign in with an active account to act on warnings."))
    transition, reason = WARNING_FLOW.check(warning, name, by, reason=reason)
    if len(reason) > 2000:
        raise InvalidInput(
            _("At most %(n)d characters are allowed (you gave %(m)d).")
            % {"n": 2000, "m": len(reason)},
            field="reason",
        )
    return transition, reason


@transaction.atomic
def acknowledge_warning(warning: Warning, *, by, note: str = "") -> Warning:
    """The command room has seen the warning (and is looking into it)."""
    warning = WARNING_FLOW.lock(warning)
    transition, note = _check(warning, "acknowledge", by, note)
    warning.acknowledged_at, warning.acknowledged_by = timezone.now(), by
    WARNING_FLOW.move(
        warning,
        transition.name,
        WarningState.ACKNOWLEDGED,
        by=by,
        reason=note,
        fields=["acknowledged_at", "acknowledged_by"],
        at=warning.acknowledged_at,
    )
    return warning


@transaction.atomic
def close_warning(warning: Warning, *, by, reason: str) -> Warning:
    """Close the warning with what was found or done."""
    warning = WARNING_FLOW.lock(warning)
    transition, reason = _check(warning, "close", by, reason)
    warning.closed_at, warning.closed_by = timezone.now(), by
    WARNING_FLOW.move(
        warning,
        transition.name,
        WarningState.CLOSED,
        by=by,
        reason=reason,
        fields=["closed_at", "closed_by"],
        at=warning.closed_at,
    )
    return warning


# --- duplicate suggestions ------------------------------------------------------------------------


def suggest_duplicates(event: Event, *, user, record: bool = True) -> list[DuplicateSuggestion]:
    """Likely originals of ``event`` that ``user`` may see, as suggestion rows; with
    ``record`` each is marked as shown to ``user`` now (first and last time, and how often)."""
    config = conf.duplicate_settings()
    candidates = find_candidates(event, among=Event.objects.visible_to(user), config=config)
    if not candidates:
        return []
    return _record_suggestions(
        event, candidates, user=user if record else None, detector=detector_name(config)
    )


def _record_suggestions(
    event: Event, candidates: list[Candidate], *, user, detector: str
) -> list[DuplicateSuggestion]:
    now = timezone.now()
    shown = user is not None and getattr(user, "is_authenticated", False)
    rows = []
    with transaction.atomic():
        existing = {
            s.candidate_id: s
            for s in DuplicateSuggestion.objects.select_for_update().filter(
                event=event, candidate__in=[c.event for c in candidates]
            )
        }
        for candidate in candidates:
            row = existing.get(candidate.event.pk) or DuplicateSuggestion(
                event=event, candidate=candidate.event, created_at=now
            )
            row.similarity = candidate.similarity
            row.place_match = candidate.place_match
            row.distance_m = candidate.distance_m
            row.hours_apart = candidate.hours_apart
            row.detector = detector
            if shown:
                if row.first_shown_at is None:
                    row.first_shown_at, row.first_shown_to = now, user
                row.last_shown_at = now
                row.times_shown += 1
            row.save()
            row.candidate = candidate.event
            rows.append(row)
    return rows


def merge_suggested(suggestion: DuplicateSuggestion, *, by, reason: str = "") -> Event:
    """Merge the suggestion's event into its suggested original (the events app's merge
    decides whether ``by`` may, and records it). The outcome of the suggestion is then
    read from ``event.merged_into``."""
    reason = (reason or "").strip() or default_merge_reason(suggestion)
    return event_services.merge_event(
        suggestion.event, into=suggestion.candidate, by=by, reason=reason
    )


def default_merge_reason(suggestion: DuplicateSuggestion) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(
            _(
                "Same problem at the same place as %(number)s (duplicate suggestion, %(percent)d%% alike)."
            )
            % {"number": suggestion.candidate.number, "percent": suggestion.percent}
        )
