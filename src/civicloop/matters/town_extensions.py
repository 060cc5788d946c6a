"""What other apps add to a town's empowerment page and API — the town's latest assessment
and the adjustments suggested from it (一镇一评估, assessment app) — without matters
importing them (core/registry.py explains the mechanism; events/panels.py does the same for
event pages).

Both are shown only to those who see the town's records (``permissions.sees_town_records``):

* a **suggestion source** is a callable ``(town, on) -> list`` of suggestions, each with
  ``kind`` ("grant" or "withdraw"), ``kind_label``, ``matter``, ``evidence`` (lines of text)
  and ``facts`` (a dict); the page groups them and the API lists them;
* a **town section** is a template included on the page after the town's requests, with the
  data its ``context(request, town, on)`` returns (None for nothing to show).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from civicloop.core.registry import Registry
from civicloop.org.models import Region

suggestion_sources: Registry[Callable[..., list]] = Registry("sources of suggested adjustments")


def register_suggestion_source(name: str, source: Callable[..., list]) -> None:
    suggestion_sources.register(name, source)


def suggestions_for_town(town: Region, *, on: dt.date | None = None) -> list:
    """Every registered source's suggestions for ``town`` on ``on``, in registration order."""
    return [suggestion for source in suggestion_sources for suggestion in source(town, on=on)]


@dataclass(frozen=True)
class TownSection:
    name: str
    # (request, town, on) -> the template's context, or None for nothing to show.
    context: Callable[..., dict | None]
    # A template name (anything `{% include %}` takes).
    template: str


town_sections: Registry[TownSection] = Registry("sections on a town's page")


def register_town_section(name: str, *, context: Callable[..., dict | None], template: str) -> None:
    town_sections.register(name, TownSection(name, context, template))


def town_sections_context(request, town: Region, on: dt.date) -> list[dict]:
    """The sections to include, each as ``{"template": …, "context": …}``, in order."""
    shown = []
    for section in town_sections:
        data = section.context(request, town, on)
        if data is not None:
            shown.append({"template": section.template, "context": data})
    return shown
