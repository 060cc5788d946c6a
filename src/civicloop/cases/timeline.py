"""Reading a case's history as a timeline (pages and API show the same)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import CaseState
from .models import Case
from .workflow import CASE_WORKFLOW

# History actions that are not transitions of the workflow table.
OTHER_ACTIONS = {"file": _("filed")}


def action_label(action: str):
    if action in OTHER_ACTIONS:
        return OTHER_ACTIONS[action]
    try:
        return CASE_WORKFLOW[action].label
    except KeyError:
        return action


def state_label(value: str):
    if not value:
        return ""
    try:
        return CaseState(value).label
    except ValueError:
        return value


def entry(row) -> dict:
    return {
        "at": row.at,
        "action": row.action,
        "label": action_label(row.action),
        "actor": str(row.actor) if row.actor is not None else gettext("the system"),
        "from_state": row.from_state,
        "to_state": row.to_state,
        "from_label": state_label(row.from_state),
        "to_label": state_label(row.to_state),
        "changed": row.from_state != row.to_state,
        "reason": row.reason,
    }


def case_timeline(case: Case) -> list[dict]:
    """Who did what, from which stage to which, when and why."""
    return [entry(row) for row in case.history.select_related("actor").order_by("at", "id")]
