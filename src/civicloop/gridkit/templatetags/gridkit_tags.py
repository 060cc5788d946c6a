"""Template helpers of the grid toolkit: the navigation link and Chinese dates."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from civicloop.core.formatting import format_date, format_datetime
from civicloop.gridkit.permissions import grid_prefixes, is_grid_staff

register = template.Library()


@register.simple_tag(takes_context=True)
def gridkit_nav_link(context) -> str:
    """ "My grid" for grid teams and liaison stations, "Grid toolkits" for others who see
    grids, nothing for those who see none."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    everything, prefixes = grid_prefixes(user)
    if not everything and not prefixes:
        return ""
    label = _("My grid") if is_grid_staff(user) else _("Grid toolkits")
    return format_html(
        '<li><a href="{}" id="nav-gridkit">{}</a></li>', reverse("gridkit:mine"), label
    )


@register.filter
def cn_date(value) -> str:
    return format_date(value)


@register.filter
def cn_datetime(value) -> str:
    return format_datetime(value)
