from django import template

from ..choices import PlanState
from ..workflow import action_label

register = template.Library()


@register.filter
def has_key(mapping, key) -> bool:
    return key in (mapping or {})


@register.filter
def history_action(action: str) -> str:
    """A history row's action in words (``inspections.workflow.HISTORY_ACTIONS``)."""
    return action_label(action)


@register.filter
def plan_state(state: str) -> str:
    return str(PlanState(state).label) if state in PlanState.values else state
