"""Reading the history rows of flexible enforcement as timelines (pages and API show the same)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .workflow import COMMITMENT_WORKFLOW, REPAIR_WORKFLOW

# History actions that are not transitions of a workflow table.
OTHER_ACTIONS = {
    "serve_notice": _("notice served"),
    "notify": _("found repairable, handling unit notified"),
    "create": _("added to the list"),
    "new_version": _("new version"),
    "withdraw": _("taken off the list"),
    "record": _("recorded"),
}


def action_label(machine, action: str):
    if action in OTHER_ACTIONS:
        return OTHER_ACTIONS[action]
    try:
        return machine[action].label
    except KeyError:
        return action


def _state_label(machine, value: str):
    if not value:
        return ""
    try:
        return machine.states(value).label
    except ValueError:
        return value


def timeline(rows, machine=None) -> list[dict]:
    result = []
    for row in rows:
        result.append(
            {
                "at": row.at,
                "action": row.action,
                "label": action_label(machine, row.action)
                if machine
                else OTHER_ACTIONS.get(row.action, row.action),
                "actor": str(row.actor) if row.actor is not None else gettext("the system"),
                "from_state": row.from_state,
                "to_state": row.to_state,
                "from_label": _state_label(machine, row.from_state) if machine else "",
                "to_label": _state_label(machine, row.to_state) if machine else "",
                "changed": row.from_state != row.to_state,
                "reason": row.reason,
                "details": row.details,
            }
        )
    return result


def commitment_timeline(commitment) -> list[dict]:
    return timeline(
        commitment.history.select_related("actor").order_by("at", "id"), COMMITMENT_WORKFLOW
    )


def repair_timeline(repair) -> list[dict]:
    return timeline(repair.history.select_related("actor").order_by("at", "id"), REPAIR_WORKFLOW)
