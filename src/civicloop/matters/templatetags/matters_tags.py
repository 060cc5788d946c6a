"""Template helpers of the matters app."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from ..choices import RequestState
from ..workflow import REQUEST_WORKFLOW

register = template.Library()

ACTION_LABELS = {
    "matter": {"create": _("created"), "new_version": _("new version"), "change": _("changed")},
    "request": {"submit": _("requested"), **{t.name: t.label for t in REQUEST_WORKFLOW}},
}
STATES = {"request": RequestState}


def register_label_filters(library: template.Library, action_labels: dict, states: dict) -> None:
    """Add ``action_label`` and ``state_label`` to ``library``, reading these tables (the
    assessment's template tags register the same two filters over its own tables)."""

    @library.filter
    def action_label(action: str, kind: str):
        """A history row's action in words, e.g. ``{{ row.action|action_label:"request" }}``."""
        return action_labels.get(kind, {}).get(action, action)

    @library.filter
    def state_label(value: str, kind: str):
        choices = states.get(kind)
        if not value or choices is None:
            return value or "—"
        try:
            return choices(value).label
        except ValueError:
            return value


register_label_filters(register, ACTION_LABELS, STATES)
