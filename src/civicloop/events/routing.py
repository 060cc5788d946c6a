"""Routing rules (分类分级): who handles an event, in one place.

* urgent → the county emergency response team, the town command room assisting;
* general → the village liaison station for village-level categories, otherwise the
  town's enforcement squad if the town holds the power on the event's date
  (:func:`town_may_handle`: the differentiated empowerment of the matters app),
  else the owning county department (the matter's, else the category's);
* multi-span → the county centre issues a coordination order; the suggested
  sub-tasks are the owning department and the town squad.

The event's date is the local date it happened (``occurred_at``), else the date
it was reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput
from civicloop.matters.choices import HandlingLevel
from civicloop.matters.models import Category, EmpowermentGrant, Matter
from civicloop.org.choices import CODE_PREFIX_LENGTH, RegionLevel, UnitKind
from civicloop.org.models import Region, Unit

from .choices import Span, Urgency
from .models import Event


@dataclass
class Route:
    lead: Unit | None
    assist: list[Unit] = field(default_factory=list)
    subtasks: list[Unit] = field(default_factory=list)
    # The unit whose dispatcher sends it: the town command room, or the county centre.
    dispatched_by_county: bool = False
    explanation: str = ""


def event_date(event: Event) -> dt.date:
    """The date whose empowerment applies: when it happened, else when it was reported (local)."""
    return timezone.localtime(event.occurred_at or event.reported_at).date()


def town_may_handle(*, town: Region, category: Category | None, on: dt.date, matter=None) -> bool:
    """The empowerment seam: does ``town`` hold the power to act on ``on``?

    The rule (differentiated empowerment, 差异化赋权; see docs/matters.md):

    1. an event with a **matter** (执法事项): the town must hold that matter on ``on``
       — a grant in force that day (``EmpowermentGrant.objects.in_force(on=on)``);
    2. an event with only a **category**: if the catalog has active matters in the
       category (or its sub-categories), the town may act when it holds any of them
       on ``on``; a category none of whose matters may be delegated can never be
       held, so it stays with the county department;
    3. a category the catalog has no matters for yet keeps the category's own
       setting (``Category.town_may_handle``, or no owning department);
    4. no category at all: the town (its command room judged it and keeps it local).
    """

    grants = EmpowermentGrant.objects.in_force(on=on).filter(town=town)
    if matter is not None:
        return grants.filter(matter=matter).exists()
    if category is None:
        return True
    matters = Matter.objects.active().in_category(category)
    if not matters.exists():
        return category.town_may_handle or category.department_id is None
    return grants.filter(matter__in=matters).exists()


def owning_department(event: Event) -> Unit | None:
    """The county department that owns the event's matter, else its category."""
    if event.matter_id and event.matter.department_id:
        return event.matter.department
    if event.category is not None and event.category.department_id:
        return event.category.department
    return None


def _one(kind: str, region: Region | None) -> Unit | None:
    if region is None:
        return None
    return Unit.objects.active().filter(kind=kind, region=region).order_by("id").first()


def county_unit(kind: str) -> Unit | None:
    return (
        Unit.objects.active()
        .filter(kind=kind, region__level=RegionLevel.COUNTY)
        .order_by("id")
        .first()
    )


def route(event: Event) -> Route:
    """Where a judged event goes. Raises InvalidInput if the organisation lacks the unit."""
    town = event.region.town
    if not event.urgency or not event.span:
        raise InvalidInput(_("Judge the event (urgency and span) before dispatching it."))
    if event.span == Span.MULTI:
        subtasks = []
        department = owning_department(event)
        if department is not None:
            subtasks.append(department)
        squad = _one(UnitKind.SQUAD, town)
        if squad:
            subtasks.append(squad)
        return Route(
            lead=None,
            subtasks=subtasks,
            dispatched_by_county=True,
            explanation=str(_("Multi-span: the county centre issues a coordination order.")),
        )
    if event.urgency == Urgency.URGENT:
        team = county_unit(UnitKind.EMERGENCY_TEAM)
        if team is None:
            raise InvalidInput(_("No emergency response team is set up in this county."))
        assist = [u for u in [_one(UnitKind.COMMAND_ROOM, town)] if u]
        return Route(
            lead=team,
            assist=assist,
            explanation=str(_("Urgent: the emergency response team handles, the town assists.")),
        )
    category = event.category
    if category and category.handling_level == HandlingLevel.VILLAGE:
        station = _one(UnitKind.VILLAGE_STATION, event.region.village)
        if station is not None:
            return Route(
                lead=station,
                explanation=str(_("General, village level: the village liaison station handles.")),
            )
    on = event_date(event)
    matter = event.matter if event.matter_id else None
    if town is not None and town_may_handle(town=town, category=category, on=on, matter=matter):
        squad = _one(UnitKind.SQUAD, town)
        if squad is None:
            raise InvalidInput(_("The town %(town)s has no enforcement squad.") % {"town": town})
        if matter is not None:
            return Route(
                lead=squad,
                explanation=str(
                    _(
                        "General: %(town)s holds the matter %(code)s on %(date)s; its enforcement squad handles."
                    )
                    % {"town": town.name, "code": matter.code, "date": on.isoformat()}
                ),
            )
        return Route(
            lead=squad, explanation=str(_("General: the town enforcement squad holds the power."))
        )
    department = owning_department(event)
    if department is None:
        raise InvalidInput(_("No county department owns this category; choose the unit by hand."))
    if matter is not None:
        return Route(
            lead=department,
            explanation=str(
                _(
                    "General: %(town)s does not hold the matter %(code)s on %(date)s; the owning county "
                    "department handles."
                )
                % {"town": town.name if town else "—", "code": matter.code, "date": on.isoformat()}
            ),
        )
    return Route(
        lead=department,
        explanation=str(_("General, not delegated to the town: the county department handles.")),
    )


# --- which units a dispatcher may choose ------------------------------------------------


def units_within_reach(event: Event, *, county_centre: bool) -> QuerySet[Unit]:
    """The active units a dispatcher may send ``event`` to: the county centre anywhere in the
    county; a town's command room the county-level units and the units of the event's own
    town — another town's units answer to that town (a cross-town dispatch needs the centre)."""
    units = Unit.objects.active()
    if county_centre or event.region_id is None:
        return units
    town = event.region.code[: CODE_PREFIX_LENGTH[RegionLevel.TOWN]]
    return units.filter(Q(region__level=RegionLevel.COUNTY) | Q(region__code__startswith=town))


def suggested_units(event: Event, *, preview: bool = False) -> list[Unit]:
    """The units the rules suggest for ``event``: the lead, the assisting units and the
    sub-tasks of :func:`route`. With ``preview`` an event not judged yet is routed as it
    would be judged general and single, and as urgent (the emergency team), so a page that
    judges and dispatches at once can list both before the dispatcher decides."""
    variants = [event]
    if preview and (not event.urgency or not event.span):
        variants = []
        for urgency in (Urgency.GENERAL, Urgency.URGENT):
            variant = Event(
                pk=event.pk,
                region=event.region,
                category=event.category,
                matter=event.matter if event.matter_id else None,
                occurred_at=event.occurred_at,
                reported_at=event.reported_at,
                urgency=urgency,
                span=Span.SINGLE,
            )
            variants.append(variant)
    units: list[Unit] = []
    for variant in variants:
        try:
            found = route(variant)
        except InvalidInput:
            continue
        for unit in [found.lead, *found.assist, *found.subtasks]:
            if unit is not None and unit.pk not in {u.pk for u in units}:
                units.append(unit)
    return units
