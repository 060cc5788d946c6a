"""Routing rules (分类分级): who handles an event, in one place.

* urgent → the county emergency response team, the town command room assisting;
* general → the village liaison station for village-level categories, otherwise the
  town's enforcement squad if the town may handle the category on that date, else
  the category's county department;
* multi-span → the county centre issues a coordination order; the suggested
  sub-tasks are the owning department and the town squad.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput
from civicloop.org.choices import RegionLevel, UnitKind
from civicloop.org.models import Region, Unit

from .choices import HandlingLevel, Span, Urgency
from .models import Category, Event


@dataclass
class Route:
    lead: Unit | None
    assist: list[Unit] = field(default_factory=list)
    subtasks: list[Unit] = field(default_factory=list)
    # The unit whose dispatcher sends it: the town command room, or the county centre.
    dispatched_by_county: bool = False
    explanation: str = ""


def town_may_handle(*, town: Region, category: Category | None, on: dt.date) -> bool:
    """The empowerment seam: does ``town`` hold the power to act on ``category`` on ``on``?

    Today a category is either delegated to all towns or kept by its county
    department. The differentiated-empowerment catalog replaces this function with
    dated grants per town; nothing else in routing needs to change.
    """
    if category is None:
        return True
    return category.town_may_handle or category.department_id is None


def _one(kind: str, region: Region | None) -> Unit | None:
    if region is None:
        return None
    return Unit.objects.active().filter(kind=kind, region=region).order_by("id").first()


def county_unit(kind: str) -> Unit | None:
    return Unit.objects.active().filter(kind=kind, region__level=RegionLevel.COUNTY).order_by("id").first()


def route(event: Event) -> Route:
    """Where a judged event goes. Raises InvalidInput if the organisation lacks the unit."""
    town = event.region.town
    if not event.urgency or not event.span:
        raise InvalidInput(_("Judge the event (urgency and span) before dispatching it."))
    if event.span == Span.MULTI:
        subtasks = []
        if event.category and event.category.department_id:
            subtasks.append(event.category.department)
        squad = _one(UnitKind.SQUAD, town)
        if squad:
            subtasks.append(squad)
        return Route(lead=None, subtasks=subtasks, dispatched_by_county=True,
                     explanation=str(_("Multi-span: the county centre issues a coordination order.")))
    if event.urgency == Urgency.URGENT:
        team = county_unit(UnitKind.EMERGENCY_TEAM)
        if team is None:
            raise InvalidInput(_("No emergency response team is set up in this county."))
        assist = [u for u in [_one(UnitKind.COMMAND_ROOM, town)] if u]
        return Route(lead=team, assist=assist,
                     explanation=str(_("Urgent: the emergency response team handles, the town assists.")))
    category = event.category
    if category and category.handling_level == HandlingLevel.VILLAGE:
        station = _one(UnitKind.VILLAGE_STATION, event.region.village)
        if station is not None:
            return Route(lead=station,
                         explanation=str(_("General, village level: the village liaison station handles.")))
    on = (event.occurred_at or event.reported_at).date()
    if town is not None and town_may_handle(town=town, category=category, on=on):
        squad = _one(UnitKind.SQUAD, town)
        if squad is None:
            raise InvalidInput(_("The town %(town)s has no enforcement squad.") % {"town": town})
        return Route(lead=squad, explanation=str(_("General: the town enforcement squad holds the power.")))
    if category is None or category.department is None:
        raise InvalidInput(_("No county department owns this category; choose the unit by hand."))
    return Route(lead=category.department,
                 explanation=str(_("General, not delegated to the town: the county department handles.")))
