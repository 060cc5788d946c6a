from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionLevel(models.TextChoices):
    COUNTY = "county", _("county")
    TOWN = "town", _("town / street")
    VILLAGE = "village", _("village / community")
    GRID = "grid", _("grid")


# How many leading digits of the 12-digit division code identify a region at each
# level; grids extend the village code, so their whole code is significant.
CODE_PREFIX_LENGTH = {
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWN: 9,
    RegionLevel.VILLAGE: 12,
}


class UnitKind(models.TextChoices):
    COUNTY_CENTRE = "county_centre", _("county social governance centre")
    LEADERSHIP = "leadership", _("dual-lead leadership group")
    DEPARTMENT = "department", _("county department")
    EMERGENCY_TEAM = "emergency_team", _("emergency response team")
    COMMAND_ROOM = "command_room", _("town command room")
    SQUAD = "squad", _("town enforcement squad")
    VILLAGE_STATION = "village_station", _("village liaison station")
    ENTERPRISE_STATION = "enterprise_station", _("enterprise liaison station")
    GRID_TEAM = "grid_team", _("grid team")
    ASSESSOR = "assessor", _("third-party assessor")


class Role(models.TextChoices):
    RED_BUTLER = "red_butler", _("red butler")
    PROFESSIONAL_GRID_WORKER = "professional_grid_worker", _("professional grid worker")
    PART_TIME_GRID_WORKER = "part_time_grid_worker", _("part-time grid worker")
    VOLUNTEER = "volunteer", _("volunteer")
    STATION_STAFF = "station_staff", _("liaison station staff")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("enforcement officer")
    DISPATCHER = "dispatcher", _("command-room dispatcher")
    CENTRE_OPERATOR = "centre_operator", _("county centre operator")
    DEPARTMENT_OFFICER = "department_officer", _("department officer")
    LEGAL_REVIEWER = "legal_reviewer", _("legal reviewer")
    LAWYER = "lawyer", pgettext_lazy("squad lawyer", "lawyer")
    LEADER = "leader", _("leader")
    ASSESSOR = "assessor", _("assessor")


GRID_ROLES = frozenset(
    {
        Role.RED_BUTLER,
        Role.PROFESSIONAL_GRID_WORKER,
        Role.PART_TIME_GRID_WORKER,
        Role.VOLUNTEER,
    }
)

# Which unit kinds a role may be held in. One table, checked when a post is created.
ROLE_UNIT_KINDS: dict[str, frozenset[str]] = {
    Role.RED_BUTLER: frozenset({UnitKind.GRID_TEAM}),
    Role.PROFESSIONAL_GRID_WORKER: frozenset({UnitKind.GRID_TEAM}),
    Role.PART_TIME_GRID_WORKER: frozenset({UnitKind.GRID_TEAM}),
    Role.VOLUNTEER: frozenset({UnitKind.GRID_TEAM}),
    Role.STATION_STAFF: frozenset({UnitKind.VILLAGE_STATION, UnitKind.ENTERPRISE_STATION}),
    Role.ENFORCEMENT_OFFICER: frozenset(
        {UnitKind.SQUAD, UnitKind.EMERGENCY_TEAM, UnitKind.DEPARTMENT}
    ),
    Role.DISPATCHER: frozenset({UnitKind.COMMAND_ROOM}),
    Role.CENTRE_OPERATOR: frozenset({UnitKind.COUNTY_CENTRE}),
    Role.DEPARTMENT_OFFICER: frozenset({UnitKind.DEPARTMENT}),
    Role.LEGAL_REVIEWER: frozenset({UnitKind.SQUAD, UnitKind.DEPARTMENT}),
    Role.LAWYER: frozenset({UnitKind.SQUAD}),
    Role.LEADER: frozenset({UnitKind.LEADERSHIP}),
    Role.ASSESSOR: frozenset({UnitKind.ASSESSOR}),
}


class QualificationKind(models.TextChoices):
    LEGAL_PROFESSIONAL = "legal_professional", _("legal professional qualification")
    ENFORCEMENT_CERTIFICATE = "enforcement_certificate", _("administrative enforcement certificate")


class AreaSource(models.TextChoices):
    """Where a region's area (区域范围) comes from. Haiyan publishes no boundaries below
    county level, so most areas are derived until someone imports official ones."""

    DERIVED = "derived", _("derived (approximate)")
    OFFICIAL = "official", _("official boundary")
