"""Template helpers of the assessment pages (the history in words)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from civicloop.core.labels import register_label_filters

from ..choices import AssessmentState, Dimension
from ..workflow import ASSESSMENT_WORKFLOW

register = template.Library()

ACTION_LABELS = {
    "assessment": {
        "open": _("round opened"),
        "prefill": _("indicators computed from records"),
        "score": _("scored"),
        "override": _("computed score overridden"),
        **{t.name: t.label for t in ASSESSMENT_WORKFLOW},
    },
}
STATES = {"assessment": AssessmentState, "dimension": Dimension}

register_label_filters(register, ACTION_LABELS, STATES)
