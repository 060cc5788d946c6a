from django import template

from civicloop.core.labels import register_label_filters

from ..choices import PlanState
from ..workflow import HISTORY_ACTIONS

register = template.Library()


@register.filter
def has_key(mapping, key) -> bool:
    return key in (mapping or {})


# History rows of plans and visits in words (``{{ h.action|action_label:"plan" }}``).
register_label_filters(
    register, {"plan": HISTORY_ACTIONS, "visit": HISTORY_ACTIONS}, {"plan": PlanState}
)
