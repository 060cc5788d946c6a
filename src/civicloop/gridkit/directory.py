"""Who is who around a grid, as plain data for the toolkit's content.

Units and people become small dictionaries of codes, names and (masked) phone
numbers: what a printed card or map needs, and nothing that changes with the reader.
Staff mobile numbers are masked (脱敏) like every other personal number; units'
duty phones are published numbers and are shown in full.
"""

from __future__ import annotations

from civicloop.events.routing import county_unit
from civicloop.org.choices import RegionLevel, Role, UnitKind
from civicloop.org.models import Post, Region, Unit
from civicloop.privacy.masking import mask_phone

# Order in which a unit's people are listed (the "1+1+N" of a grid team first).
ROLE_ORDER = [
    Role.RED_BUTLER,
    Role.PROFESSIONAL_GRID_WORKER,
    Role.PART_TIME_GRID_WORKER,
    Role.VOLUNTEER,
    Role.STATION_STAFF,
    Role.DISPATCHER,
    Role.ENFORCEMENT_OFFICER,
    Role.LEGAL_REVIEWER,
    Role.LAWYER,
    Role.DEPARTMENT_OFFICER,
    Role.CENTRE_OPERATOR,
    Role.LEADER,
]


def region_data(region: Region | None) -> dict | None:
    if region is None:
        return None
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "latitude": str(region.latitude) if region.latitude is not None else None,
        "longitude": str(region.longitude) if region.longitude is not None else None,
        "approximate": region.location_is_approximate,
    }


def unit_data(unit: Unit | None) -> dict | None:
    if unit is None:
        return None
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "phone": unit.phone,
        "address": unit.address,
    }


def person_data(post: Post) -> dict:
    return {"name": str(post.user), "role": post.role, "phone": mask_phone(post.user.phone)}


def unit_at(kind: str, region: Region | None) -> Unit | None:
    """The active unit of ``kind`` serving exactly ``region`` (as the routing rules pick it)."""
    if region is None:
        return None
    return Unit.objects.active().filter(kind=kind, region=region).order_by("id").first()


def staff_of(units: list[Unit]) -> dict[int, list[dict]]:
    """Active posts of the given units, people in role order then name; one query."""
    order = {role: i for i, role in enumerate(ROLE_ORDER)}
    posts = (
        Post.objects.active()
        .filter(unit__in=units, user__is_active=True)
        .select_related("user")
        .order_by("unit_id", "user__full_name", "user__username")
    )
    result: dict[int, list[dict]] = {unit.pk: [] for unit in units}
    for post in sorted(
        posts, key=lambda p: (p.unit_id, order.get(p.role, 99), p.user.full_name, p.user.username)
    ):
        result[post.unit_id].append(person_data(post))
    return result


def grid_places(grid: Region) -> tuple[Region | None, Region | None]:
    """(village, town) of a grid."""
    village = (
        grid.parent if grid.parent_id and grid.parent.level == RegionLevel.VILLAGE else grid.village
    )
    if village is not None and village.parent_id and village.parent.level == RegionLevel.TOWN:
        return village, village.parent
    return village, grid.town


def grid_units(grid: Region) -> dict[str, Unit | None]:
    """The units a grid's toolkit names: its team, its village station, its town's command
    room and squad, and the county's centre, emergency team and leadership."""
    village, town = grid_places(grid)
    return {
        "grid_team": unit_at(UnitKind.GRID_TEAM, grid),
        "village_station": unit_at(UnitKind.VILLAGE_STATION, village),
        "command_room": unit_at(UnitKind.COMMAND_ROOM, town),
        "squad": unit_at(UnitKind.SQUAD, town),
        "county_centre": county_unit(UnitKind.COUNTY_CENTRE),
        "emergency_team": county_unit(UnitKind.EMERGENCY_TEAM),
        "leadership": county_unit(UnitKind.LEADERSHIP),
    }
