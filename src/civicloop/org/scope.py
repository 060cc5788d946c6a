"""Row-level scope: what a person may see, from their posts. Applied in one place.

Every queryset that holds scoped rows has a ``visible_to(user)`` method built on
:func:`scope_of`; pages, API and command line all go through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from .choices import GRID_ROLES, Role


class ScopeRule:
    EVERYTHING = "everything"  # the whole county
    UNIT_AREA = "unit_area"  # everything located in the unit's area (town, village, grid)
    UNIT_WORK = "unit_work"  # work assigned to the unit
    NONE = "none"


# One table: which role sees what. (Everyone also sees what they reported themselves.)
ROLE_SCOPE: dict[str, str] = {
    Role.CENTRE_OPERATOR: ScopeRule.EVERYTHING,
    Role.LEADER: ScopeRule.EVERYTHING,
    Role.DISPATCHER: ScopeRule.UNIT_AREA,
    Role.STATION_STAFF: ScopeRule.UNIT_AREA,
    **{role: ScopeRule.UNIT_AREA for role in GRID_ROLES},
    Role.ENFORCEMENT_OFFICER: ScopeRule.UNIT_WORK,
    Role.DEPARTMENT_OFFICER: ScopeRule.UNIT_WORK,
    Role.LEGAL_REVIEWER: ScopeRule.NONE,
    Role.LAWYER: ScopeRule.NONE,
    Role.ASSESSOR: ScopeRule.NONE,
}


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_prefixes: frozenset[str] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None

    def as_q(
        self,
        *,
        region_code: str | None = None,
        units: Callable[[frozenset[int]], Q] | None = None,
        owner: str | None = None,
    ) -> Q | None:
        """A filter for a model, given the lookups that lead to its region code,
        its assigned units and its owner. ``None`` means no restriction."""
        if self.everything:
            return None
        q = Q(pk__in=[])
        if region_code:
            for prefix in sorted(self.region_prefixes):
                q |= Q(**{f"{region_code}__startswith": prefix})
        if units and self.unit_ids:
            q |= units(self.unit_ids)
        if owner and self.user_id is not None:
            q |= Q(**{owner: self.user_id})
        return q

    def covers_region_code(self, code: str) -> bool:
        return self.everything or any(code.startswith(p) for p in self.region_prefixes)


def scope_of(user) -> Scope:
    """The scope of a signed-in user (cached on the user object for the request)."""
    cached = getattr(user, "_cached_scope", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        scope = Scope()
    elif user.is_superuser:
        scope = Scope(everything=True, user_id=user.pk)
    else:
        prefixes: set[str] = set()
        units: set[int] = set()
        everything = False
        for post in user.cached_posts():
            rule = ROLE_SCOPE.get(post.role, ScopeRule.NONE)
            if rule == ScopeRule.EVERYTHING:
                everything = True
            elif rule == ScopeRule.UNIT_AREA:
                prefixes.add(post.unit.region.prefix)
            elif rule == ScopeRule.UNIT_WORK:
                units.add(post.unit_id)
        scope = Scope(
            everything=everything,
            region_prefixes=frozenset(prefixes),
            unit_ids=frozenset(units),
            user_id=user.pk,
        )
    try:
        user._cached_scope = scope
    except AttributeError:  # AnonymousUser is immutable enough to refuse
        pass
    return scope


def restrict(queryset, user, **lookups):
    """Apply ``user``'s scope to ``queryset`` using the model's lookups."""
    q = scope_of(user).as_q(**lookups)
    return queryset if q is None else queryset.filter(q)


FIELD_ROLES = GRID_ROLES | {Role.STATION_STAFF}


def is_field_staff(user) -> bool:
    """Whether every post of ``user`` is a field post (grid staff, liaison-station staff):
    their phones show only what they work with (reports, their queue, their grid)."""
    posts = user.cached_posts() if getattr(user, "is_authenticated", False) else []
    return bool(posts) and all(post.role in FIELD_ROLES for post in posts)
