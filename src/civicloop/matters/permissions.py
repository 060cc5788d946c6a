"""Who may do what with matters, empowerment and assessments.

One rule, stated once (docs/matters.md):

* everyone signed in reads the catalog and what each town holds (these lists are
  published);
* **the town** — dispatchers of the town's command room and leaders of a
  leadership unit of that town — requests matters (点单赋权) and withdraws its
  requests;
* **the county** — operators of the county social governance centre and county
  leaders — approves or rejects requests, grants matters directly, ends grants,
  and changes the catalog; no new role is needed;
* **the assessor** (role ``assessor`` in a third-party assessor unit) opens
  assessment rounds, scores towns and submits; the county may also open rounds
  and reopen a submitted assessment.

Requests are seen by the county, by staff whose area covers the town, and by the
person who filed them; assessments by assessors, the county and the town's staff.
"""

from __future__ import annotations

from civicloop.org.choices import RegionLevel, Role, UnitKind
from civicloop.org.models import Region
from civicloop.org.scope import scope_of


def _posts(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return user.cached_posts()


def is_county(user) -> bool:
    for post in _posts(user):
        if post.role == Role.CENTRE_OPERATOR and post.unit.kind == UnitKind.COUNTY_CENTRE:
            return True
        if post.role == Role.LEADER and post.unit.region.level == RegionLevel.COUNTY:
            return True
    return False


def is_assessor(user) -> bool:
    return any(p.role == Role.ASSESSOR and p.unit.kind == UnitKind.ASSESSOR for p in _posts(user))


def speaks_for_town(user, town) -> bool:
    """A dispatcher of the town's command room, or a leader of a leadership unit of the town."""
    for post in _posts(user):
        unit = post.unit
        if unit.region_id != town.pk:
            continue
        if post.role == Role.DISPATCHER and unit.kind == UnitKind.COMMAND_ROOM:
            return True
        if post.role == Role.LEADER and unit.kind == UnitKind.LEADERSHIP:
            return True
    return False


def empowerment_capacities(user, town) -> frozenset[str]:
    caps = set()
    if is_county(user):
        caps.add("county")
    if town is not None and speaks_for_town(user, town):
        caps.add("town")
    return frozenset(caps)


def sees_town_records(user, town) -> bool:
    """Requests, suggestions and assessment results of ``town``: the county, assessors,
    and staff whose area covers the town."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if is_assessor(user):
        return True
    return scope_of(user).covers_region_code(town.code)


def towns_user_speaks_for(user):

    ids = [
        p.unit.region_id
        for p in _posts(user)
        if (p.role == Role.DISPATCHER and p.unit.kind == UnitKind.COMMAND_ROOM)
        or (
            p.role == Role.LEADER
            and p.unit.kind == UnitKind.LEADERSHIP
            and p.unit.region.level == RegionLevel.TOWN
        )
    ]
    return Region.objects.filter(pk__in=ids, level=RegionLevel.TOWN).order_by("code")
