"""Template helpers of penalty cases for other apps' pages."""

from __future__ import annotations

from django import template

from civicloop.cases.models import Case
from civicloop.cases.permissions import officer_units

register = template.Library()


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
