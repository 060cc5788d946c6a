"""Who may open which grid's toolkit, in one place.

A grid's toolkit is for the people who work in or over that grid:

* everyone whose scope covers the grid's place (``org.scope``): the county centre and
  leaders (all grids), a town's dispatchers (the town's grids), a village station's staff
  (the village's grids), a grid team (its own grid);
* the officers of a town's enforcement squad, for the grids of their town (they are the
  people the card and the map send citizens to).

Nobody else, and never the public (pages and API require signing in).
"""

from __future__ import annotations

from django.db.models import Q

from civicloop.org.choices import GRID_ROLES, RegionLevel, Role, UnitKind
from civicloop.org.models import Region
from civicloop.org.scope import scope_of

# Posts that see the grids of their unit's area although their event scope is "work
# assigned to the unit": the town squad works in every grid of its town.
AREA_POSTS = {(Role.ENFORCEMENT_OFFICER, UnitKind.SQUAD)}


def grid_prefixes(user) -> tuple[bool, frozenset[str]]:
    """(sees every grid, code prefixes of the grids seen)."""
    if not getattr(user, "is_authenticated", False):
        return False, frozenset()
    scope = scope_of(user)
    if scope.everything:
        return True, frozenset()
    prefixes = set(scope.region_prefixes)
    for post in user.cached_posts():
        if (post.role, post.unit.kind) in AREA_POSTS:
            prefixes.add(post.unit.region.prefix)
    return False, frozenset(prefixes)


def visible_grids_q(user, *, prefix: str = "") -> Q | None:
    """A filter on grid regions (through ``prefix``) the user may see; ``None``: all."""
    everything, prefixes = grid_prefixes(user)
    if everything:
        return None
    q = Q(pk__in=[])
    for code_prefix in sorted(prefixes):
        q |= Q(**{f"{prefix}code__startswith": code_prefix})
    return q


def grids_visible_to(user):
    """The grid regions whose toolkit ``user`` may open."""

    grids = Region.objects.grids()
    q = visible_grids_q(user)
    return grids if q is None else grids.filter(q)


def may_view_grid(user, grid) -> bool:
    everything, prefixes = grid_prefixes(user)
    return everything or any(grid.code.startswith(p) for p in prefixes)


def own_grids(user):
    """The grids of the user's grid teams and village stations ("my grid")."""

    if not getattr(user, "is_authenticated", False):
        return Region.objects.none()
    q = Q(pk__in=[])
    for post in user.cached_posts():
        if post.role in GRID_ROLES or post.role == Role.STATION_STAFF:
            q |= Q(code__startswith=post.unit.region.prefix)
    return Region.objects.filter(level=RegionLevel.GRID).filter(q).order_by("code")


def is_grid_staff(user) -> bool:
    """Grid team members and liaison-station staff: their toolkit link reads "my grid"."""
    return getattr(user, "is_authenticated", False) and any(
        post.role in GRID_ROLES or post.role == Role.STATION_STAFF for post in user.cached_posts()
    )
