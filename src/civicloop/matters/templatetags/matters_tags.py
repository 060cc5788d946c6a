"""Template helpers of the matters app."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from civicloop.core.labels import register_label_filters

from ..choices import RequestState
from ..workflow import REQUEST_WORKFLOW

register = template.Library()

ACTION_LABELS = {
    "matter": {"create": _("created"), "new_version": _("new version"), "change": _("changed")},
    "request": {"submit": _("requested"), **{t.name: t.label for t in REQUEST_WORKFLOW}},
}
STATES = {"request": RequestState}


register_label_filters(register, ACTION_LABELS, STATES)
