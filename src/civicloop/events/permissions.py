"""What a person may do to a given event: their *capacities* towards it.

Capacities are computed from active posts and the event's place and assignments.
The state machine table names which capacities may take each transition, so
this module and ``workflow.py`` together are the whole permission model of the
loop (pages, API and command line all ask here).
"""

from __future__ import annotations

from civicloop.org.choices import GRID_ROLES, Role, UnitKind

from . import workflow  # the table is read when asked, so a changed table is what counts
from .choices import AssignmentKind, AssignmentState, EventState, Span

COLLECTOR_ROLES = GRID_ROLES | {Role.STATION_STAFF}
CONTACT_CAPACITIES = frozenset({"command_room", "county_centre", "handler"})


def capacities(user, event) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    caps: set[str] = set()
    code = event.region.code
    posts = user.cached_posts()
    unit_ids = {p.unit_id for p in posts}
    for post in posts:
        unit = post.unit
        if post.role == Role.CENTRE_OPERATOR and unit.kind == UnitKind.COUNTY_CENTRE:
            caps.add("county_centre")
        elif post.role == Role.LEADER:
            caps.add("leader")
        elif (
            post.role == Role.DISPATCHER
            and unit.kind == UnitKind.COMMAND_ROOM
            and code.startswith(unit.region.prefix)
        ):
            caps.add("command_room")
        elif post.role in COLLECTOR_ROLES and code.startswith(unit.region.prefix):
            caps.add("collector")
    if unit_ids:
        lead_units = _open_lead_unit_ids(event)
        if lead_units & unit_ids:
            caps.add("handler")
    if event.reported_by_id is not None and event.reported_by_id == user.pk:
        caps.add("reporter")
    return frozenset(caps)


def _open_lead_unit_ids(event) -> set[int]:
    return set(
        event.assignments.filter(
            kind=AssignmentKind.LEAD,
            state__in=[AssignmentState.ISSUED, AssignmentState.ACCEPTED, AssignmentState.DONE],
        ).values_list("unit_id", flat=True)
    )


def assignment_capacities(user, assignment) -> frozenset[str]:
    """Capacities towards one sub-task: its unit's members, and the county centre."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    caps: set[str] = set()
    for post in user.cached_posts():
        if post.unit_id == assignment.unit_id:
            caps.add("assignee")
        if post.role == Role.CENTRE_OPERATOR and post.unit.kind == UnitKind.COUNTY_CENTRE:
            caps.add("county_centre")
    return frozenset(caps)


def may_see_contact(user, event) -> bool:
    """Whether ``user`` may unmask the reporter's personal data (each view is logged)."""
    return bool(capacities(user, event) & CONTACT_CAPACITIES)


def event_actions(user, event, caps: frozenset[str] | None = None):
    """The manual transitions ``user`` may take on ``event`` now (the buttons shown).

    The workflow table, narrowed by the one rule it cannot express: a coordination
    order (multi-span) is dispatched by the county centre and changed through its
    sub-tasks, never re-dispatched as a whole.
    """

    caps = capacities(user, event) if caps is None else caps
    allowed = workflow.EVENT_WORKFLOW.allowed(state=event.state, capacities=caps)
    if event.span == Span.MULTI:
        allowed = [
            t
            for t in allowed
            if t.name != "redispatch" and (t.name != "dispatch" or "county_centre" in caps)
        ]
    return allowed


def may_add_subtask(user, event, caps: frozenset[str] | None = None) -> bool:
    """Whether ``user`` may add a unit to the event's running coordination order."""

    caps = capacities(user, event) if caps is None else caps
    return (
        "county_centre" in caps
        and event.span == Span.MULTI
        and event.state in (EventState.DISPATCHED, EventState.HANDLING)
    )
