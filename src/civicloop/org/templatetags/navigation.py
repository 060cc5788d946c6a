"""``{% main_navigation %}``: the registered navigation entries (``core/navigation.py``) the
signed-in person may see, as the top menu and the phone's bottom tab bar (``base.html``).
Here in ``org`` because who is field staff depends on the posts (``org/scope.py``)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from civicloop.core.navigation import entries_for

from ..scope import is_field_staff

register = template.Library()

# A phone's tab bar holds five entries at most; the rest stay in the menu.
MAX_TABS = 5


@register.simple_tag(takes_context=True)
def main_navigation(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"entries": [], "tabs": [], "field_staff": False}
    field_staff = is_field_staff(user)
    path = request.path
    entries = []
    for entry in entries_for(user, field_staff=field_staff):
        url = reverse(entry.url_name)
        entries.append(
            {
                "name": entry.name,
                "label": entry.label,
                "url": url,
                "icon": entry.icon,
                "tab": entry.tab,
                "current": False,
            }
        )
    # The entry whose address is the longest start of this page's is "current" (the list
    # for its detail pages, "new report" rather than the list for /events/new/).
    matching = [
        e for e in entries if path == e["url"] or (e["url"] != "/" and path.startswith(e["url"]))
    ]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["current"] = True
    tabs = [e for e in entries if e["tab"]][:MAX_TABS]
    return {"entries": entries, "tabs": tabs, "field_staff": field_staff}
