"""Who may do what with hotspots, stated once (docs/hotspots.md).

* **Reading** the analysis, the warnings and the duplicate suggestions follows the
  row-level scope (``org/scope.py``): staff whose area covers a place see it (a town
  dispatcher their town, a village's grid team their village), the county centre
  and county leaders see everything. Staff whose scope is only the work assigned to
  their unit (enforcement and department officers) have no area and so no analysis.
* **Acting on a warning** (acknowledge, close): the dispatchers of the command room
  of the warning's town (``command_room``), and the county (``county``: centre
  operators and county leaders) for every warning, county-wide ones included.
* **Merging from a suggestion** is the events app's merge: its workflow table
  decides (command room and county centre, while the event is collected or judged).
"""

from __future__ import annotations

from civicloop.matters.permissions import is_county
from civicloop.org.choices import RegionLevel, Role, UnitKind
from civicloop.org.models import Region
from civicloop.org.scope import scope_of


def has_area(user) -> bool:
    """Whether the user sees places at all (the analysis pages are for them)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    return scope.everything or bool(scope.region_prefixes)


def covers(user, region) -> bool:
    return has_area(user) and scope_of(user).covers_region_code(region.code)


def is_command_room_of(user, town_code_prefix: str) -> bool:
    for post in user.cached_posts():
        if (
            post.role == Role.DISPATCHER
            and post.unit.kind == UnitKind.COMMAND_ROOM
            and post.unit.region.level == RegionLevel.TOWN
            and post.unit.region.prefix == town_code_prefix
        ):
            return True
    return False


def warning_capacities(user, warning) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    caps = set()
    if is_county(user) or user.is_superuser:
        caps.add("county")
    if warning.level != RegionLevel.COUNTY and is_command_room_of(user, warning.region.code[:9]):
        caps.add("command_room")
    return frozenset(caps)


def default_place(user):
    """The place the analysis opens on: the county for the county, else the user's
    (first) area — a town dispatcher's town."""

    scope = scope_of(user)
    if scope.everything:
        return Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    for prefix in sorted(scope.region_prefixes):
        region = Region.objects.filter(code__startswith=prefix).order_by("code").first()
        if region is not None:
            return region
    return None


def places_for(user):
    """Regions the user may analyse (everything under their areas)."""
    from django.db.models import Q

    scope = scope_of(user)
    if scope.everything:
        return Region.objects.all()
    q = Q(pk__in=[])
    for prefix in scope.region_prefixes:
        q |= Q(code__startswith=prefix)
    return Region.objects.filter(q)
