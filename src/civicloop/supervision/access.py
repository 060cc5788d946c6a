"""Who reads and acts on supervision, over which units.

Supervision has its own scope, narrower than ``org.scope`` (where every leader sees the whole
county): a leader of the county's dual-lead group (a leadership unit placed on the county)
supervises every unit; a town's leader supervises the units placed in their town. The county
centre's operators and administrators see everything but only leaders act
(``capacities`` in ``services.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from civicloop.org.choices import RegionLevel, Role, UnitKind


@dataclass(frozen=True)
class SupervisionScope:
    everything: bool = False
    prefixes: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.everything and not self.prefixes

    def covers(self, code: str | None) -> bool:
        if self.everything:
            return True
        return bool(code) and any(code.startswith(p) for p in self.prefixes)

    def q(self, code_path: str) -> Q | None:
        """A filter on the rows whose division code is at ``code_path``; ``None``: all rows."""
        if self.everything:
            return None
        q = Q(pk__in=[])
        for prefix in sorted(self.prefixes):
            q |= Q(**{f"{code_path}__startswith": prefix})
        return q


def leader_posts(user) -> list:
    return [
        post
        for post in user.cached_posts()
        if post.role == Role.LEADER and post.unit.kind == UnitKind.LEADERSHIP
    ]


def scope_of(user) -> SupervisionScope:
    cached = getattr(user, "_supervision_scope", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        return SupervisionScope()
    if user.is_superuser or user.has_role(Role.CENTRE_OPERATOR):
        scope = SupervisionScope(everything=True)
    else:
        prefixes: set[str] = set()
        everything = False
        for post in leader_posts(user):
            region = post.unit.region
            if region is None or region.level == RegionLevel.COUNTY:
                everything = True
            else:
                prefixes.add(region.prefix)
        scope = SupervisionScope(everything=everything, prefixes=frozenset(prefixes))
    user._supervision_scope = scope
    return scope


def may_read(user) -> bool:
    return not scope_of(user).empty


def is_leader(user) -> bool:
    return getattr(user, "is_authenticated", False) and bool(leader_posts(user))


def restrict(queryset, user, code_path: str):
    q = scope_of(user).q(code_path)
    return queryset if q is None else queryset.filter(q)
