"""Panels other apps add to an event's pages — the routing model's suggestion above the judge
form (智能分拨, router app), likely earlier reports of the same problem (查重, hotspots app) —
without events importing them (core/registry.py explains the mechanism).

An app registers an :class:`EventPanel` from its ``AppConfig.ready()``. Each page puts every
panel registered for it into its context: the panel's data under ``panel.name`` (computed only if
the template shows it, and never in the way of the page: a failing panel is logged and left out)
and the panels' templates, in order, as ``event_panels`` for the page to include.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

from civicloop.core.registry import Registry

logger = logging.getLogger(__name__)

# The pages that show panels: the event's detail page and the forms of these actions.
DETAIL = "detail"


@dataclass(frozen=True)
class EventPanel:
    # The context variable the template reads its data from.
    name: str
    # (request, event) -> the template's data, or None for nothing to show.
    context: Callable[..., dict | None]
    # A template name, or a template object (anything `{% include %}` takes).
    template: object
    # DETAIL and/or names of event actions ("judge", "merge") whose form shows the panel.
    pages: frozenset[str]


event_panels: Registry[EventPanel] = Registry("panels on event pages")


def register_event_panel(
    name: str, *, context: Callable[..., dict | None], template: object, pages: Iterable[str]
) -> None:
    event_panels.register(name, EventPanel(name, context, template, frozenset(pages)))


def _panel_data(panel: EventPanel, request, event) -> dict | None:
    try:
        return panel.context(request, event)
    except Exception:
        # Suggestions help; they must never stop anyone from seeing or handling the event.
        logger.exception("the %s panel failed for event %s", panel.name, event.pk)
        return None


def panels_context(request, event, page: str) -> dict:
    """The context the page's template needs to show the panels registered for it."""
    shown = [panel for panel in event_panels if page in panel.pages]
    context: dict = {"event_panels": shown}
    for panel in shown:
        context[panel.name] = SimpleLazyObject(
            lambda panel=panel: _panel_data(panel, request, event)
        )
    return context
