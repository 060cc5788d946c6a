"""History rows in words on pages: the ``action_label`` and ``state_label`` template filters over
an app's own tables (a history row stores the action's name and the states' values; a page shows
the workflow's labels). Each app's template-tag library registers the two filters with
:func:`register_label_filters`."""

from __future__ import annotations

from django import template


def register_label_filters(library: template.Library, action_labels: dict, states: dict) -> None:
    """Add ``action_label`` and ``state_label`` to ``library``, reading these tables:
    ``action_labels`` maps a kind of row to {action: label}, ``states`` a kind to its
    TextChoices."""

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
