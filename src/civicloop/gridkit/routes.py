"""Who handles a matter class in a grid, asked of the routing rules the loop executes.

A *matter class* is an enforcement matter (执法事项), an event category without a
matter, or nothing at all. For each of the three gradings that route differently
(general single-unit, urgent, multi-span) we build the event the class describes —
unsaved, placed in the grid, dated today — and ask ``events.routing.route`` where it
would go. The card and the flowchart therefore say exactly what dispatch would do
today, empowerment included (``routing.town_may_handle``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from civicloop.core.errors import DomainError
from civicloop.events import routing
from civicloop.events.choices import Span, Urgency
from civicloop.events.models import Event
from civicloop.matters.models import Category
from civicloop.org.choices import UnitKind
from civicloop.org.models import Region

from .choices import HandlerRule, ItemKind, Scenario
from .directory import grid_places, unit_data

SCENARIOS = {
    Scenario.GENERAL: (Urgency.GENERAL, Span.SINGLE),
    Scenario.URGENT: (Urgency.URGENT, Span.SINGLE),
    Scenario.MULTI: (Urgency.GENERAL, Span.MULTI),
}

RULE_BY_KIND = {
    UnitKind.SQUAD: HandlerRule.TOWN_HOLDS,
    UnitKind.DEPARTMENT: HandlerRule.COUNTY_DEPARTMENT,
    UnitKind.VILLAGE_STATION: HandlerRule.VILLAGE_STATION,
}


def class_key(kind: str, code: str = "") -> str:
    """``matter:ZD-001``, ``category:street-vending`` or ``none``: how pages name a class."""
    return f"{kind}:{code}" if kind != ItemKind.NONE else ItemKind.NONE


def hypothetical_event(
    grid: Region, *, category: Category | None, matter, urgency: str, span: str, on: dt.date
) -> Event:
    noon = timezone.make_aware(dt.datetime.combine(on, dt.time(12, 0)))
    return Event(
        region=grid,
        category=category,
        matter=matter,
        urgency=urgency,
        span=span,
        reported_at=noon,
        occurred_at=noon,
    )


def class_routes(
    grid: Region, *, category: Category | None = None, matter=None, on: dt.date
) -> dict:
    """Where an event of this class in ``grid`` goes on ``on``, for each grading."""
    if matter is not None:
        category = matter.category
    result: dict[str, dict] = {}
    for scenario, (urgency, span) in SCENARIOS.items():
        event = hypothetical_event(
            grid, category=category, matter=matter, urgency=urgency, span=span, on=on
        )
        try:
            route = routing.route(event)
        except DomainError:
            result[scenario] = {
                "lead": None,
                "assist": [],
                "subtasks": [],
                "by_county": span == Span.MULTI,
            }
            continue
        result[scenario] = {
            "lead": unit_data(route.lead),
            "assist": [unit_data(u) for u in route.assist],
            "subtasks": [unit_data(u) for u in route.subtasks],
            "by_county": route.dispatched_by_county,
        }
    _village, town = grid_places(grid)
    general = result[Scenario.GENERAL]["lead"]
    result["rule"] = (
        RULE_BY_KIND.get(general["kind"], HandlerRule.UNRESOLVED)
        if general
        else HandlerRule.UNRESOLVED
    )
    result["held_by_town"] = bool(town) and routing.town_may_handle(
        town=town, category=category, on=on, matter=matter
    )
    return result
