"""History rows of decisions and summonses in words: the workflows' transition labels, the
recorded steps that are not transitions, and the states' labels."""

from django import template
from django.utils.translation import gettext_lazy as _

from civicloop.core.labels import register_label_filters

from ..choices import ActionItemState, SummonsState
from ..workflow import ACTION_ITEM_WORKFLOW, SUMMONS_WORKFLOW

register = template.Library()

register_label_filters(
    register,
    {
        "item": {
            "create": _("decision recorded"),
            **{t.name: t.label for t in ACTION_ITEM_WORKFLOW.transitions},
        },
        "summons": {
            "suggest": _("suggested from the ranking"),
            "record": _("step recorded"),
            **{t.name: t.label for t in SUMMONS_WORKFLOW.transitions},
        },
    },
    {"item": ActionItemState, "summons": SummonsState},
)
