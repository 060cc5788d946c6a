"""The leader's duties of the month as a panel on the page leaders land on (the cockpit),
through ``core.registry.home_panels``; the full page is ``/supervision/``."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import access, duties


def applies(user) -> bool:
    return access.is_leader(user)


def render(request) -> str:
    return render_to_string(
        "supervision/_duties_panel.html",
        {"duties": duties.duties_of(request.user)},
        request=request,
    )
