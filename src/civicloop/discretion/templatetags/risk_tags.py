"""Template helpers of the discretion risk queue for other pages: the navigation link (with the
number of open flags the viewer may see) and a case page's risk flags. Wired by one line in the
page's template (``{% load risk_tags %}{% discretion_nav_link %}`` / ``{% case_risk_flags case %}``)."""

from __future__ import annotations

from django import template

from civicloop.discretion.models import RiskState
from civicloop.discretion.risks import may_see_flags, visible_flags

register = template.Library()


def _user(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register.inclusion_tag("discretion/risk_nav_link.html", takes_context=True)
def discretion_nav_link(context):
    """The 执法裁量 link for signed-in staff, with the open flags the viewer may review."""
    user = _user(context)
    if user is None:
        return {"show": False}
    if not may_see_flags(user):
        return {"show": True, "open": 0}
    return {"show": True, "open": visible_flags(user).filter(state=RiskState.OPEN).count()}


@register.inclusion_tag("discretion/risk_case_panel.html", takes_context=True)
def case_risk_flags(context, case):
    """The case's risk flags the viewer may see (nothing for whoever sees none)."""
    user = _user(context)
    if user is None or not may_see_flags(user):
        return {"flags": []}
    return {"flags": list(visible_flags(user).filter(case=case).order_by("-found_at", "-id"))}
