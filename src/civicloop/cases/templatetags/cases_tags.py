"""Template helpers of penalty cases for other apps' pages."""

from __future__ import annotations

import logging

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from civicloop.cases.hooks import DETAIL
from civicloop.cases.hooks import case_panels as registered_panels
from civicloop.cases.models import Case
from civicloop.cases.permissions import officer_units
from civicloop.core.registry import resolve

register = template.Library()
logger = logging.getLogger(__name__)


@register.inclusion_tag("cases/_event_cases.html", takes_context=True)
def event_cases(context, event):
    """On an event's page: the cases opened from it, and "open a case" for an officer of a
    squad or department the event was given to."""

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"cases": [], "may_open": False, "event": event}
    cases = list(Case.objects.visible_to(user).filter(event=event).order_by("filed_at"))
    units = {u.pk for u in officer_units(user)}
    may_open = bool(units) and event.assignments.live().filter(unit_id__in=units).exists()
    return {"cases": cases, "may_open": may_open, "event": event}


@register.simple_tag(takes_context=True)
def case_panels(context, case, page: str = DETAIL):
    """On the case page (or an action's form, ``page`` = its name): the sections other apps
    registered for it (cases/hooks.py ``case_panels``)."""
    request = context.get("request")
    parts = []
    for panel in registered_panels:
        if page not in panel.pages:
            continue
        try:
            data = resolve(panel.context)(request, case)
            if data is None:
                continue
            parts.append(render_to_string(panel.template, {"case": case, **data}, request))
        except Exception:
            # Another app's section must never stop anyone from seeing or handling the case.
            logger.exception("the %s panel failed for case %s", panel.name, case.pk)
    return mark_safe("".join(parts))  # noqa: S308 - each part is a rendered (escaped) template
