"""Who may do what in inspections: capacities towards one plan, and who inspects."""

from __future__ import annotations

from civicloop.org.choices import Role, UnitKind

OFFICER_ROLES = frozenset({Role.DEPARTMENT_OFFICER, Role.ENFORCEMENT_OFFICER})
INSPECTING_UNIT_KINDS = frozenset({UnitKind.DEPARTMENT, UnitKind.SQUAD})


def officer_units(user) -> set[int]:
    """The departments and squads in which the user is an officer."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        post.unit_id
        for post in user.cached_posts()
        if post.role in OFFICER_ROLES and post.unit.kind in INSPECTING_UNIT_KINDS
    }


def is_officer_of(user, unit) -> bool:
    return bool(getattr(user, "is_superuser", False)) or unit.pk in officer_units(user)


def plan_capacities(user, plan) -> set[str]:
    caps = set()
    if is_officer_of(user, plan.unit):
        caps.add("plan_officer")
    if user.is_authenticated and (user.is_superuser or user.has_role(Role.LEGAL_REVIEWER)):
        caps.add("legal_reviewer")
    return caps


def may_plan_visits(user) -> bool:
    """Officers of a department (or squad), and the county centre, merge tasks into visits."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or officer_units(user) or user.has_role(Role.CENTRE_OPERATOR))


def may_record_visit(user, visit) -> bool:
    """An inspector of the visit, or an officer of one of its departments, records it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if visit.inspectors.filter(pk=user.pk).exists():
        return True
    return bool(officer_units(user) & set(visit.units.values_list("pk", flat=True)))
