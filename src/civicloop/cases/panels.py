"""Panels other apps add to a case's pages — the discretion calculator's tier and band on the
decision page — without cases importing them (core/registry.py explains the mechanism; the same
design as ``events/panels.py``).

An app registers a :class:`CasePanel` from its ``AppConfig.ready()``. The case detail page and
the action forms put every panel registered for them into their context: the panel's data under
``panel.name`` (computed only if the template shows it, and never in the way of the page: a
failing panel is logged and left out) and the panels' templates, in order, as ``case_panels``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

from civicloop.core.registry import Registry

logger = logging.getLogger(__name__)

# The case's detail page; action forms are named by their transition ("decide" …).
DETAIL = "detail"


@dataclass(frozen=True)
class CasePanel:
    # The context variable the template reads its data from.
    name: str
    # (request, case, page) -> the template's data, or None for nothing to show.
    context: Callable[..., dict | None]
    # A template name, or a template object (anything `{% include %}` takes).
    template: object
    # DETAIL and/or names of case actions whose form shows the panel.
    pages: frozenset[str]


case_panels: Registry[CasePanel] = Registry("panels on case pages")


def register_case_panel(
    name: str, *, context: Callable[..., dict | None], template: object, pages: Iterable[str]
) -> None:
    case_panels.register(name, CasePanel(name, context, template, frozenset(pages)))


def _panel_data(panel: CasePanel, request, case, page: str) -> dict | None:
    try:
        return panel.context(request, case, page)
    except Exception:
        # Panels inform; they must never stop anyone from seeing or handling the case.
        logger.exception("the %s panel failed for case %s", panel.name, case.pk)
        return None


def panels_context(request, case, page: str) -> dict:
    """The context the page's template needs to show the panels registered for it."""
    shown = [panel for panel in case_panels if page in panel.pages]
    context: dict = {"case_panels": shown}
    for panel in shown:
        context[panel.name] = SimpleLazyObject(
            lambda panel=panel: _panel_data(panel, request, case, page)
        )
    return context
