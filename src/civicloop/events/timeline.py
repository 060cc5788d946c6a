"""Reading an event's history as a timeline, for staff and for the public.

One place decides how history rows are labelled and what the public may see, so
the pages and the API show the same thing.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicloop.org.models import Unit

from .choices import PUBLIC_SOURCES, AssignmentState, EventState
from .models import Event
from .workflow import ASSIGNMENT_WORKFLOW, EVENT_WORKFLOW

# History actions that are not transitions of either workflow table.
OTHER_ACTIONS = {
    "collect": _("reported"),
    "duplicate_merged": _("a duplicate was merged in"),
    "merge_followed": _("followed its original"),
    "add_subtask": _("sub-task added"),
}
SUBTASK_ACTIONS = frozenset({"add_subtask", *(t.name for t in ASSIGNMENT_WORKFLOW)})


def action_label(action: str):
    if action in OTHER_ACTIONS:
        return OTHER_ACTIONS[action]
    for machine in (EVENT_WORKFLOW, ASSIGNMENT_WORKFLOW):
        try:
            return machine[action].label
        except KeyError:
            continue
    return action


def state_label(value: str, *, subtask: bool = False):
    if not value:
        return ""
    states = AssignmentState if subtask else EventState
    try:
        return states(value).label
    except ValueError:
        return value


def _unit_names(rows) -> dict[str, str]:
    codes = {r.details.get("unit") for r in rows if isinstance(r.details, dict)} - {None}
    return dict(Unit.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def staff_timeline(event: Event) -> list[dict]:
    """Who did what, from which state to which, when and why."""
    rows = list(event.history.select_related("actor").order_by("at", "id"))
    units = _unit_names(rows)
    entries = []
    for row in rows:
        subtask = row.action in SUBTASK_ACTIONS
        if row.actor is not None:
            actor = str(row.actor)
        elif row.action == "rate" or (row.action == "collect" and event.source in PUBLIC_SOURCES):
            actor = gettext("the reporter")
        else:
            actor = gettext("the system")
        details = row.details if isinstance(row.details, dict) else {}
        entries.append(
            {
                "at": row.at,
                "action": row.action,
                "label": action_label(row.action),
                "actor": actor,
                "from_state": row.from_state,
                "to_state": row.to_state,
                "from_label": state_label(row.from_state, subtask=subtask),
                "to_label": state_label(row.to_state, subtask=subtask),
                "changed": row.from_state != row.to_state,
                "reason": row.reason,
                "unit": units.get(details.get("unit", "")),
                "subtask": subtask,
            }
        )
    return entries


def public_timeline(event: Event) -> list[dict]:
    """What a reporter may see: the intake and the event's own state moves, with unit
    names and times — never staff names, reasons or personal data."""
    rows = [
        r
        for r in event.history.order_by("at", "id")
        if r.action not in SUBTASK_ACTIONS
        and (r.action == "collect" or (r.to_state and r.from_state != r.to_state))
    ]
    units = _unit_names(rows)
    return [
        {
            "at": row.at,
            "action": row.action,
            "label": action_label(row.action),
            "state": row.to_state,
            "state_label": state_label(row.to_state),
            "unit": units.get((row.details or {}).get("unit", ""))
            if isinstance(row.details, dict)
            else None,
        }
        for row in rows
    ]
