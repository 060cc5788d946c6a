"""History rows of decisions and summonses in words: the workflows' transition labels, the
recorded steps that are not transitions, and the states' labels."""

from django import template
from django.utils.translation import gettext_lazy as _

from ..choices import ActionItemState, SummonsState
from ..workflow import ACTION_ITEM_WORKFLOW, SUMMONS_WORKFLOW

register = template.Library()

ACTIONS = {
    **{t.name: t.label for t in ACTION_ITEM_WORKFLOW.transitions},
    **{t.name: t.label for t in SUMMONS_WORKFLOW.transitions},
    "create": _("decision recorded"),
    "suggest": _("suggested from the ranking"),
    "record": _("step recorded"),
}
STATES = {**dict(ActionItemState.choices), **dict(SummonsState.choices)}


@register.filter
def history_action(action: str) -> str:
    return str(ACTIONS.get(action, action))


@register.filter
def supervision_state(state: str) -> str:
    return str(STATES.get(state, state))
