"""Template helpers of the matters app."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from ..choices import AssessmentState, Dimension, RequestState
from ..workflow import ASSESSMENT_WORKFLOW, REQUEST_WORKFLOW

register = template.Library()

ACTION_LABELS = {
    "matter": {"create": _("created"), "new_version": _("new version"), "change": _("changed")},
    "request": {"submit": _("requested"), **{t.name: t.label for t in REQUEST_WORKFLOW}},
    "assessment": {
        "open": _("round opened"),
        "prefill": _("indicators computed from records"),
        "score": _("scored"),
        "override": _("computed score overridden"),
        **{t.name: t.label for t in ASSESSMENT_WORKFLOW},
    },
}
STATES = {"request": RequestState, "assessment": AssessmentState, "dimension": Dimension}


@register.filter
def action_label(action: str, kind: str):
    """A history row's action in words, e.g. ``{{ row.action|action_label:"request" }}``."""
    return ACTION_LABELS.get(kind, {}).get(action, action)


@register.filter
def state_label(value: str, kind: str):
    states = STATES.get(kind)
    if not value or states is None:
        return value or "—"
    try:
        return states(value).label
    except ValueError:
        return value
