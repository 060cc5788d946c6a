"""The site's navigation as data (导航): each app registers its entries from ``ready()``;
``base.html`` draws them as the top menu on wide screens and as the bottom tab bar on
phones (``{% main_navigation %}`` in ``org/templatetags/navigation.py``, which knows the
posts and so who is field staff).

One line adds an entry::

    register_nav_entry("queue", label=_("My queue"), url_name="events:queue", order=10, tab=True)

``applies(user)`` (a callable or dotted path) says who sees it; ``office_only`` entries are
hidden from field staff (grid workers, red butlers, liaison-station staff), whose phones
show only what they work with; ``tab`` puts the entry in the phone's bottom tab bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from .registry import Registry, resolve


@dataclass(frozen=True)
class NavEntry:
    name: str
    label: str | Promise
    url_name: str
    order: int = 50
    applies: Callable[[Any], bool] | str | None = None
    tab: bool = False
    office_only: bool = False
    # A short glyph shown above the label in the tab bar.
    icon: str = "•"

    def shown_to(self, user, *, field_staff: bool) -> bool:
        if self.office_only and field_staff:
            return False
        return self.applies is None or bool(resolve(self.applies)(user))


nav_entries: Registry[NavEntry] = Registry("navigation entry")


def register_nav_entry(name: str, **kwargs) -> NavEntry:
    return nav_entries.add(NavEntry(name=name, **kwargs))


def entries_for(user, *, field_staff: bool) -> list[NavEntry]:
    return [e for e in nav_entries if e.shown_to(user, field_staff=field_staff)]
