"""Who sees the cockpit, and which place it opens on.

Leaders (the county's dual-lead group and the towns'), the county centre and the town command
rooms read the figures. A leader lands on the cockpit of the place their leadership unit
serves — the county, or their town — and may look at any place their scope covers.
"""

from __future__ import annotations

from civicloop.org.choices import RegionLevel, Role
from civicloop.org.models import Region
from civicloop.org.scope import scope_of

READER_ROLES = (Role.LEADER, Role.CENTRE_OPERATOR, Role.DISPATCHER)


def may_read(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.has_role(*READER_ROLES)


def lands_on_cockpit(user) -> bool:
    """Leaders land on the cockpit rather than on a work queue."""
    return getattr(user, "is_authenticated", False) and user.has_role(Role.LEADER)


def home_region(user) -> Region | None:
    """The place the cockpit opens on: the region of the reader's own unit (a town leader's
    town), the county for county-wide posts; ``None`` (everywhere) for an administrator."""
    places = [
        post.unit.region
        for post in user.cached_posts()
        if post.role in READER_ROLES and post.unit.region_id
    ]
    if not places:
        return None
    # The widest place the person serves.
    return min(places, key=lambda region: len(region.prefix))


def may_view_region(user, region: Region | None) -> bool:
    scope = scope_of(user)
    if region is None:
        return scope.everything
    return scope.covers_region_code(region.code)


def viewable_levels() -> tuple[str, ...]:
    return (RegionLevel.COUNTY, RegionLevel.TOWN, RegionLevel.VILLAGE)
