"""Our lifecycle seen through Open311: ``open``/``closed`` plus public-safe notes.

:data:`STATUS_TABLE` is the mapping (documented in docs/open311.md). The notes are written
in the deployment language and name only states and units — never staff, staff reasons,
the tracking code or the reporter.

A merged duplicate follows its original: it shows the original's status and notes, and
closes when the original closes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from civicloop.events.choices import AssignmentKind, AssignmentState, EventState, Span
from civicloop.events.models import Assignment, Event
from civicloop.events.routing import county_unit
from civicloop.org.choices import UnitKind
from civicloop.org.geo import gcj02_to_wgs84
from civicloop.org.models import Unit

from .choices import RequestStatus

S = EventState
OPEN, CLOSED = RequestStatus.OPEN, RequestStatus.CLOSED

# state → (Open311 status, status_notes). %(state)s is the state's label, %(unit)s the
# agency responsible at that point (see :func:`agency`).
STATUS_TABLE: dict[str, tuple[str, object]] = {
    S.COLLECTED: (OPEN, _("%(state)s: waiting for %(unit)s to judge it.")),
    S.JUDGED: (OPEN, _("%(state)s: waiting for %(unit)s to dispatch it.")),
    S.DISPATCHED: (OPEN, _("%(state)s: sent to %(unit)s.")),
    S.ACCEPTED: (OPEN, _("%(state)s: %(unit)s has taken it on.")),
    S.HANDLING: (OPEN, _("%(state)s: %(unit)s is handling it.")),
    S.FEEDBACK_SUBMITTED: (
        OPEN,
        _("%(state)s: %(unit)s has reported what was done; the result is being checked."),
    ),
    S.CHECKED: (
        OPEN,
        _("%(state)s: the result has been checked; waiting for the reporter's rating."),
    ),
    S.RATED: (OPEN, _("%(state)s: the reporter has rated the handling; it is about to be closed.")),
    S.PARKED: (
        OPEN,
        _("%(state)s: it cannot be resolved for now and stays on record with %(unit)s."),
    ),
    S.CLOSED: (CLOSED, _("%(state)s: handled by %(unit)s.")),
    S.VOIDED: (CLOSED, _("%(state)s: the report was found not to need handling.")),
    # A merged duplicate's row is not used: it follows its original (see below).
    S.MERGED: (OPEN, _("%(state)s: merged into another report.")),
}
MERGED_NOTE = _("Merged into %(number)s as a duplicate, and follows it. %(notes)s")
CLOSED_WITH_ORIGINAL_NOTE = _("%(state)s together with %(number)s, of which it was a duplicate.")
DEFAULT_SERVICE_NOTICE = _(
    "The town command room judges each report and sends it to the unit that holds the power "
    "to act; the handling is checked on site before the request is closed."
)
CLOSED_STATES = frozenset({S.CLOSED, S.VOIDED})
LIVE = [AssignmentState.ISSUED, AssignmentState.ACCEPTED, AssignmentState.DONE]


def with_status_data(events):
    """Prefetch what the mapping reads, so a list of requests costs a fixed number of queries."""
    live = (
        Assignment.objects.filter(state__in=LIVE).select_related("unit").order_by("issued_at", "id")
    )
    # region__parent… so that the address (the region's full name) needs no query per row.
    return events.select_related(
        "category",
        "region__parent__parent__parent",
        "open311",
        "merged_into__region",
    ).prefetch_related(
        Prefetch("assignments", queryset=live, to_attr="live_assignments"),
        Prefetch("merged_into__assignments", queryset=live, to_attr="live_assignments"),
    )


@dataclass
class Agencies:
    """The units named when no assignment does: each town's command room, the county centre."""

    command_rooms: dict[str, str] = field(default_factory=dict)  # town code → name
    centre: str = ""

    @classmethod
    def load(cls) -> Agencies:
        rooms = {}
        for unit in (
            Unit.objects.active().filter(kind=UnitKind.COMMAND_ROOM).select_related("region")
        ):
            rooms.setdefault(unit.region.code, unit.name)
        centre = county_unit(UnitKind.COUNTY_CENTRE)
        return cls(command_rooms=rooms, centre=centre.name if centre else "")

    def dispatcher(self, event: Event) -> str:
        if event.span != Span.MULTI:
            town_code = event.region.code[:9].ljust(12, "0")
            if town_code in self.command_rooms:
                return self.command_rooms[town_code]
        return self.centre or str(_("the county social governance centre"))


def _assignments(event: Event) -> list[Assignment]:
    cached = getattr(event, "live_assignments", None)
    if cached is not None:
        return cached
    return list(
        event.assignments.filter(state__in=LIVE).select_related("unit").order_by("issued_at", "id")
    )


def agency(event: Event, agencies: Agencies) -> str:
    """Who is responsible now: the lead unit, else the coordination order's units, else the
    command room (or the county centre) that judges and dispatches."""
    assignments = _assignments(event)
    leads = [a for a in assignments if a.kind == AssignmentKind.LEAD]
    if leads:
        return leads[-1].unit.name
    names: list[str] = []
    for a in assignments:
        if a.kind == AssignmentKind.SUBTASK and a.unit.name not in names:
            names.append(a.unit.name)
    if names:
        return "、".join(names)
    return agencies.dispatcher(event)


@dataclass
class Status:
    status: str
    notes: str
    agency: str
    updated: dt.datetime
    expected: dt.datetime | None


def _own_status(event: Event, agencies: Agencies) -> Status:
    status, template = STATUS_TABLE[event.state]
    unit = agency(event, agencies)
    notes = str(template) % {"state": event.get_state_display(), "unit": unit}
    closed = status == CLOSED
    updated = (event.closed_at or event.updated_at) if closed else event.updated_at
    return Status(
        status=status,
        notes=notes,
        agency=unit,
        updated=updated,
        expected=None if closed else event.deadline_at,
    )


def status_of(event: Event, agencies: Agencies) -> Status:
    """The mapping of one event; call inside :func:`public_language`."""
    original = event.merged_into
    if original is None:
        return _own_status(event, agencies)
    if event.state == S.CLOSED:
        own = _own_status(event, agencies)
        own.notes = str(CLOSED_WITH_ORIGINAL_NOTE) % {
            "state": event.get_state_display(),
            "number": original.number,
        }
        own.agency = agency(original, agencies)
        return own
    followed = _own_status(original, agencies)
    followed.notes = str(MERGED_NOTE) % {"number": original.number, "notes": followed.notes}
    followed.updated = max(followed.updated, event.updated_at)
    return followed


class public_language(translation.override):
    """Public texts (notes, notices) are written in the deployment language."""

    def __init__(self) -> None:
        super().__init__(settings.LANGUAGE_CODE)


def wgs84_point(event: Event) -> tuple[float | None, float | None]:
    """The event's point converted back to WGS-84 (lat, long), or (None, None)."""
    if event.latitude is None or event.longitude is None:
        return None, None
    lng, lat = gcj02_to_wgs84(float(event.longitude), float(event.latitude))
    return round(lat, 6), round(lng, 6)
