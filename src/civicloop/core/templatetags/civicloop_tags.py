"""Small template helpers shared by every page."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """Unread notifications of the signed-in user (shown in the navigation)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return user.notifications.unread().count()


@register.filter
def minutes(value) -> int:
    """A timedelta (or hours as a number) in whole minutes, rounded up."""
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float):
        seconds = float(value) * 3600
    else:
        return 0
    return int(-(-seconds // 60))
