"""Template tags of the hotspots app."""

from django import template

from ..choices import WarningState
from ..models import Warning
from ..permissions import has_area

register = template.Library()


@register.inclusion_tag("hotspots/_nav_link.html", takes_context=True)
def hotspots_nav_link(context):
    """The navigation entry, for staff with an area (command rooms, the county, grid teams),
    with the number of open warnings they may see."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_area(user):
        return {"show": False}

    return {
        "show": True,
        "open": Warning.objects.visible_to(user).filter(state=WarningState.OPEN).count(),
    }
