"""Figures counted from events and their ratings (the Haiyan report's 问题收集, 办结率, 满意率,
信访投诉, the liaison stations' clues and the grids' problems) and the digital city-management
indicators of GB/T 30428 / CJ/T 292 (结案率, 按期结案率, 返工率, 监督举报率).

Every figure here is a :class:`~civicloop.core.figures.Measure`: a count or share of rows where
one date decides the period, so the cockpit can keep them by day and town. ``EventsConfig.ready()``
registers :data:`FIGURES`. Each figure's ``records`` gives the event list filtered to the rows
counted (for a share: the rows of its base, the denominator).

What "counted events" means is decided once, in :func:`counted_events`: merged duplicates
(which close with their original) and voided reports are not problems of their own.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from civicloop.core.figures import COUNT, SHARE, Figure, Measure, Period, Subject

from .choices import AssignmentKind, AssignmentState, EventState, Outcome, Rating, Source
from .models import Assignment, Check, Event, EventRating, Feedback

# Channels through which people complain (信访投诉): the 12345 hotline, the public page and
# Open311 clients. There is no separate petitions (信访) intake yet; these are its channels.
PETITION_SOURCES = (Source.HOTLINE, Source.PUBLIC_PORTAL, Source.OPEN311)
# 公众举报 in CJ/T 292's 监督举报率: reports from outside the supervisors' patrols — the
# complaint channels and enterprises' own reports. The supervisors (监督员) are the grid
# patrols and the liaison stations.
PUBLIC_REPORT_SOURCES = (*PETITION_SOURCES, Source.ENTERPRISE)
SUPERVISOR_SOURCES = (Source.GRID_PATROL, Source.LIAISON_STATION)
SATISFIED_RATINGS = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
# States an event counted as a problem of its own can be in (a merged duplicate may also be
# closed with its original: see counted_events).
COUNTED_STATES = tuple(
    s for s in EventState.values if s not in (EventState.VOIDED, EventState.MERGED)
)


# --- the rows and their conditions ----------------------------------------------------------


def latest_outcome() -> Subquery:
    """The outcome of the event's latest feedback form (``None`` before any feedback)."""
    return Subquery(
        Feedback.objects.filter(event=OuterRef("pk"))
        .order_by("-submitted_at", "-id")
        .values("outcome")[:1]
    )


def dispatched() -> Exists:
    """A lead unit was ever given the event (派遣): it entered handling and should close."""
    return Exists(Assignment.objects.filter(event=OuterRef("pk"), kind=AssignmentKind.LEAD))


def check_failed() -> Exists:
    return Exists(Check.objects.filter(event=OuterRef("pk"), passed=False))


def returned() -> Exists:
    """The lead unit sent the event back to the dispatcher (回退) at least once."""
    return Exists(
        Assignment.objects.filter(
            event=OuterRef("pk"), kind=AssignmentKind.LEAD, state=AssignmentState.RETURNED
        )
    )


def handled_late() -> Exists:
    """A lead or coordination sub-task was completed after its feedback deadline."""
    return Exists(
        Assignment.objects.filter(
            event=OuterRef("pk"),
            kind__in=(AssignmentKind.LEAD, AssignmentKind.SUBTASK),
            done_at__gt=F("due_at"),
        )
    )


def counted_events() -> QuerySet:
    """Events that are problems of their own: neither voided nor a merged duplicate."""
    return Event.objects.filter(state__in=COUNTED_STATES, merged_into__isnull=True).annotate(
        last_outcome=latest_outcome()
    )


def dispatched_events() -> QuerySet:
    """应结案数 of CJ/T 292, as a cohort: counted events that were dispatched to a unit, with
    what the indicators ask of each."""
    return (
        counted_events()
        .filter(dispatched())
        .annotate(late=handled_late(), check_failed=check_failed(), returned=returned())
    )


def ratings() -> QuerySet:
    return EventRating.objects.all()


RESOLVED = Q(state=EventState.CLOSED, last_outcome=Outcome.RESOLVED)
CLOSED = Q(state=EventState.CLOSED)
CLOSED_ON_TIME = Q(state=EventState.CLOSED, late=False)
REWORKED = Q(check_failed=True) | Q(returned=True)
SATISFIED = Q(rating__in=SATISFIED_RATINGS)


# --- drill-downs ------------------------------------------------------------------------------


def _dates(prefix: str, period: Period) -> dict[str, str]:
    dates = {}
    if period.start:
        dates[f"{prefix}_after"] = period.start.isoformat()
    if period.end:
        dates[f"{prefix}_before"] = period.end.isoformat()
    return dates


def event_list_url(period: Period, region, *, by: str = "reported", **filters) -> str:
    """The staff event list filtered to ``by``'s dates in the period, the region's subtree
    and ``filters`` (names of ``EventFilterSet``)."""
    query = {**_dates(by, period), **filters}
    if region is not None:
        query["code_prefix"] = region.prefix
    return f"{reverse('events:list')}?{urlencode(query, doseq=True)}"


def counted_list_url(period: Period, region, **filters) -> str:
    """The counted events reported in the period (no voided report, no merged duplicate)."""
    return event_list_url(period, region, state=list(COUNTED_STATES), duplicate="false", **filters)


def _counted(**filters):
    return lambda period, region: counted_list_url(period, region, **filters)


def _dispatched(period: Period, region) -> str:
    return counted_list_url(period, region, dispatched="true")


def _rated(**filters):
    return lambda period, region: event_list_url(period, region, by="rated", **filters)


def _of_source(*sources: str) -> QuerySet:
    return counted_events().filter(source__in=sources)


# --- figures ----------------------------------------------------------------------------------


def _measure(rows, kind=COUNT, **kwargs) -> Measure:
    return Measure(rows=rows, date="reported_at", kind=kind, **kwargs)


def _rating_measure(rows) -> Measure:
    return Measure(
        rows=rows, date="rated_at", kind=SHARE, place="event__region__code", numerator=SATISFIED
    )


def petitions() -> QuerySet:
    return _of_source(*PETITION_SOURCES)


def station_clues() -> QuerySet:
    return _of_source(Source.LIAISON_STATION)


def grid_problems() -> QuerySet:
    return _of_source(Source.GRID_PATROL)


def station_ratings() -> QuerySet:
    return ratings().filter(event__source=Source.LIAISON_STATION)


def grid_ratings() -> QuerySet:
    return ratings().filter(event__source=Source.GRID_PATROL)


COUNTED = _(
    "Counted are the events reported in the period (their reported time, local date), "
    "in the region and below; voided reports and merged duplicates (which close with their "
    "original) are not counted."
)
RATED = _(
    "Each rating counts once, on the local date it was given (rated_at), in the region of its "
    "event, whatever the event's state: an event rated dissatisfied, reworked and rated again "
    "counts twice. The list shows the events rated in the period."
)
COHORT = _(
    "应结案数 (cases due to close) is taken as a cohort: the counted events reported in the "
    "period (reported time decides) that were dispatched to a lead unit at least once. Events "
    "still open stay in the base, so the value of a recent period rises as they close."
)


def _defined(text, note):
    return format_lazy("{} {}", text, note)


EVENTS = "events"
STATIONS = "stations"
GRID = "grid"

FIGURES = (
    Figure(
        EVENTS,
        "collected",
        label=_("Problems collected"),
        definition=_defined(_("How many problems (events) were collected."), COUNTED),
        unit=_("events"),
        measure=_measure(counted_events),
        better=None,
        records=_counted(),
        order=10,
    ),
    Figure(
        EVENTS,
        "collected_by_source",
        label=_("Problems collected by source"),
        definition=_defined(
            _("How many problems (events) were collected, by the channel they came in by."), COUNTED
        ),
        unit=_("events, by source"),
        measure=_measure(counted_events, part="source", parts=tuple(Source.values)),
        records=_counted(),
        order=11,
        cockpit=False,
    ),
    Figure(
        EVENTS,
        "resolved_share",
        label=_("Resolved share"),
        definition=_defined(
            _(
                "Of the counted events reported in the period, the share that are closed and whose "
                "latest feedback form says the problem was resolved (partly resolved and cannot be "
                "resolved now do not count). Open events stay in the base, so the value of a "
                "recent period rises as they close."
            ),
            COUNTED,
        ),
        unit=_("share (0–1)"),
        measure=_measure(counted_events, SHARE, numerator=RESOLVED),
        better="up",
        records=_counted(),
        order=20,
    ),
    Figure(
        EVENTS,
        "satisfaction",
        label=_("Satisfaction"),
        definition=_defined(
            _(
                "Of the satisfaction ratings given in the period, the share “satisfied” or "
                "“basically satisfied”; the base is every rating given."
            ),
            RATED,
        ),
        unit=_("share (0–1)"),
        measure=_rating_measure(ratings),
        better="up",
        records=_rated(),
        order=30,
    ),
    Figure(
        EVENTS,
        "petitions",
        label=_("Petitions and complaints received"),
        definition=_defined(
            _(
                "How many counted events came in through the complaint channels — the 12345 hotline, "
                "the public page and Open311 clients — and were reported in the period. There is no "
                "separate petitions (信访) intake yet: these channels stand for it."
            ),
            COUNTED,
        ),
        unit=_("events"),
        measure=_measure(petitions),
        better="down",
        records=_counted(source=list(PETITION_SOURCES)),
        order=40,
    ),
    Figure(
        EVENTS,
        "closing_rate",
        label=_("Closing rate"),
        definition=_defined(
            _(
                "结案率 (GB/T 30428, CJ/T 292) = 结案数 / 应结案数: of the dispatched events reported "
                "in the period, the share closed (whatever the outcome)."
            ),
            COHORT,
        ),
        unit=_("share (0–1)"),
        measure=_measure(dispatched_events, SHARE, numerator=CLOSED),
        better="up",
        records=_dispatched,
        order=50,
    ),
    Figure(
        EVENTS,
        "on_time_closing_rate",
        label=_("On-time closing rate"),
        definition=_defined(
            _(
                "按期结案率 = 按期结案数 / 应结案数: of the dispatched events reported in the period, "
                "the share closed with every handling task (the lead unit's, or each coordination "
                "sub-task) completed by its feedback deadline; a task redone after rework is "
                "measured against its new deadline."
            ),
            COHORT,
        ),
        unit=_("share (0–1)"),
        measure=_measure(dispatched_events, SHARE, numerator=CLOSED_ON_TIME),
        better="up",
        records=_dispatched,
        order=51,
    ),
    Figure(
        EVENTS,
        "rework_rate",
        label=_("Rework rate"),
        definition=_defined(
            _(
                "返工率 = 返工数 / 应结案数: of the dispatched events reported in the period, the "
                "share reworked — a handling check failed at least once, or the lead unit returned "
                "the event to the dispatcher (回退). Rework after a dissatisfied rating is not "
                "counted here (it shows in satisfaction)."
            ),
            COHORT,
        ),
        unit=_("share (0–1)"),
        measure=_measure(dispatched_events, SHARE, numerator=REWORKED),
        better="down",
        records=_dispatched,
        order=52,
    ),
    Figure(
        EVENTS,
        "public_report_rate",
        label=_("Public report rate"),
        definition=_defined(
            _(
                "监督举报率 = 公众举报数 / (监督员上报数 + 公众举报数): of the counted events reported "
                "in the period, the share reported by the public (hotline, public page, Open311, "
                "enterprises) rather than found by the supervisors (grid patrols, liaison "
                "stations)."
            ),
            COUNTED,
        ),
        unit=_("share (0–1)"),
        measure=_measure(counted_events, SHARE, numerator=Q(source__in=PUBLIC_REPORT_SOURCES)),
        better="down",
        records=_counted(),
        order=53,
    ),
    Figure(
        STATIONS,
        "clues",
        label=_("Clues collected at liaison stations"),
        definition=_defined(
            _(
                "How many counted events were collected at a village or enterprise liaison station "
                "(source “liaison station”) and reported in the period."
            ),
            COUNTED,
        ),
        unit=_("events"),
        measure=_measure(station_clues),
        records=_counted(source=Source.LIAISON_STATION),
        order=10,
    ),
    Figure(
        STATIONS,
        "satisfaction",
        label=_("Liaison station satisfaction"),
        definition=_defined(
            _(
                "Of the satisfaction ratings given in the period on events collected at liaison "
                "stations, the share “satisfied” or “basically satisfied”."
            ),
            RATED,
        ),
        unit=_("share (0–1)"),
        measure=_rating_measure(station_ratings),
        better="up",
        records=_rated(source=Source.LIAISON_STATION),
        order=20,
    ),
    Figure(
        GRID,
        "problems",
        label=_("Grid problems collected"),
        definition=_defined(
            _("How many counted events grid patrols found and reported in the period."), COUNTED
        ),
        unit=_("events"),
        measure=_measure(grid_problems),
        records=_counted(source=Source.GRID_PATROL),
        order=20,
    ),
    Figure(
        GRID,
        "resolved_share",
        label=_("Grid problems resolved"),
        definition=_defined(
            _(
                "Of the events grid patrols reported in the period (counted events), the share "
                "closed with a latest feedback outcome “resolved”."
            ),
            COUNTED,
        ),
        unit=_("share (0–1)"),
        measure=_measure(grid_problems, SHARE, numerator=RESOLVED),
        better="up",
        records=_counted(source=Source.GRID_PATROL),
        order=30,
    ),
    Figure(
        GRID,
        "satisfaction",
        label=_("Grid problems satisfaction"),
        definition=_defined(
            _(
                "Of the satisfaction ratings given in the period on events grid patrols reported, "
                "the share “satisfied” or “basically satisfied”."
            ),
            RATED,
        ),
        unit=_("share (0–1)"),
        measure=_rating_measure(grid_ratings),
        better="up",
        records=_rated(source=Source.GRID_PATROL),
        order=40,
    ),
)

SUBJECTS = (Subject("events", _("Problems and events"), order=10),)
