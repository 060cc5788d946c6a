"""Who sees whose points, and who decides appeals — one place.

Points are personal: unlike events, a grid worker does not see the points of the colleagues in
their grid, only their own. Staff who supervise an area — the county (centre, leaders: scope
``everything``) and a town's command room (dispatchers, scope ``unit_area`` of the town) — see
the staff whose posts lie in that area. Everyone sees their own.
"""

from __future__ import annotations

from django.db.models import Q

from civicloop.org.choices import GRID_ROLES, Role
from civicloop.org.models import User
from civicloop.org.scope import ROLE_SCOPE, ScopeRule, scope_of

# Roles that decide appeals and record outcomes for the staff they see.
SUPERVISOR_ROLES = (Role.DISPATCHER, Role.CENTRE_OPERATOR, Role.LEADER)


def supervised_prefixes(user) -> frozenset[str] | None:
    """Region prefixes whose staff ``user`` sees (None: the whole county)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if scope_of(user).everything:
        return None
    return frozenset(
        post.unit.region.prefix
        for post in user.cached_posts()
        if post.role not in GRID_ROLES and ROLE_SCOPE.get(post.role) == ScopeRule.UNIT_AREA
    )


def people_q(user, field: str = "pk") -> Q | None:
    """A filter on ``field`` (a user id) for the people ``user`` sees; None: everyone."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    prefixes = supervised_prefixes(user)
    if prefixes is None:
        return None
    q = Q(**{field: user.pk})
    if prefixes:
        area = Q()
        for prefix in sorted(prefixes):
            area |= Q(posts__unit__region__code__startswith=prefix)
        ids = User.objects.filter(area, posts__is_active=True).values("pk")
        q |= Q(**{f"{field}__in": ids})
    return q


def visible_people(user):
    q = people_q(user)
    return User.objects.all() if q is None else User.objects.filter(q)


def may_supervise(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser or user.has_role(*SUPERVISOR_ROLES)
    )


def sees_person(user, person) -> bool:
    return visible_people(user).filter(pk=person.pk).exists()


def is_grid_worker(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(*GRID_ROLES)
