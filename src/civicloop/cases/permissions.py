"""What a person may do to a given case: their *capacities* towards it.

* ``handler`` — an officer named as one of the case's handlers (承办人);
* ``responsible`` — the responsible person (行政机关负责人) who reviews the investigation,
  decides, approves withdrawals, extensions and closing: a leader (role ``leader``)
  of a leadership unit whose area contains the handling unit's (the county's
  leaders for every unit, a town's leaders for that town's squad);
* ``reviewer`` — a reviewer assigned to the case's open legal review;
* ``unit_officer`` — an officer of the handling unit (may reach the parties; is not
  a capacity of the workflow table).

Together with ``workflow.py`` this is the whole permission model of cases; pages,
API and command line ask here.
"""

from __future__ import annotations

from django.db.models import Q

from civicloop.org.choices import Role, UnitKind

from .choices import ApprovalKind, ApprovalState, CaseState, Procedure, ReviewState
from .workflow import CASE_WORKFLOW

OFFICER_ROLES = frozenset({Role.ENFORCEMENT_OFFICER, Role.DEPARTMENT_OFFICER})
CASE_UNIT_KINDS = frozenset({UnitKind.SQUAD, UnitKind.DEPARTMENT})
# Those who may see a party's unmasked details for a case (each view logged).
CONTACT_CAPACITIES = frozenset({"handler", "unit_officer", "responsible", "reviewer"})


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_responsible_for(user, unit) -> bool:
    """A leader of a leadership unit whose area contains ``unit``'s area."""
    if not _authenticated(user):
        return False
    code = unit.region.code
    return any(
        p.role == Role.LEADER
        and p.unit.kind == UnitKind.LEADERSHIP
        and code.startswith(p.unit.region.prefix)
        for p in user.cached_posts()
    )


def responsible_unit_q(user) -> Q | None:
    """Cases whose handling unit ``user`` is responsible for, as a filter (None: none)."""
    prefixes = [
        p.unit.region.prefix
        for p in user.cached_posts()
        if p.role == Role.LEADER and p.unit.kind == UnitKind.LEADERSHIP
    ]
    if not prefixes:
        return None
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(handling_unit__region__code__startswith=prefix)
    return q


def officer_units(user) -> list:
    """The squads and departments where ``user`` is an officer (and may file cases)."""
    if not _authenticated(user):
        return []
    return [
        p.unit
        for p in user.cached_posts()
        if p.role in OFFICER_ROLES and p.unit.kind in CASE_UNIT_KINDS
    ]


def is_unit_officer(user, unit) -> bool:
    return any(u.pk == unit.pk for u in officer_units(user))


def capacities(user, case) -> frozenset[str]:
    if not _authenticated(user):
        return frozenset()
    caps: set[str] = set()
    if case.handlers.filter(user=user).exists():
        caps.add("handler")
    if is_unit_officer(user, case.handling_unit):
        caps.add("unit_officer")
    if is_responsible_for(user, case.handling_unit):
        caps.add("responsible")
    if (
        case.state == CaseState.LEGAL_REVIEW
        and case.legal_reviews.filter(state=ReviewState.PENDING, seats__reviewer=user).exists()
    ):
        caps.add("reviewer")
    return frozenset(caps)


def case_actions(user, case, caps: frozenset[str] | None = None):
    """The manual transitions ``user`` may take on ``case`` now (the buttons shown).

    The workflow table, narrowed by what it cannot express: approvals only while a
    request waits (and never by its requester), opinions only from a reviewer whose
    seat has none yet, the simple procedure's own path.
    """

    caps = capacities(user, case) if caps is None else caps
    allowed = CASE_WORKFLOW.allowed(state=case.state, capacities=caps)
    pending = {a.kind: a for a in case.approvals.filter(state=ApprovalState.PENDING)}
    review = case.latest_review() if case.state == CaseState.LEGAL_REVIEW else None
    notice = (
        case.latest_notice()
        if case.state in (CaseState.PRIOR_NOTICE, CaseState.STATEMENT)
        else None
    )
    simple = case.procedure == Procedure.SIMPLE

    def offered(name: str) -> bool:
        if name in ("approve_withdrawal", "reject_withdrawal"):
            request = pending.get(ApprovalKind.WITHDRAWAL)
            return request is not None and request.requested_by_id != user.pk
        if name in ("approve_extension", "reject_extension"):
            request = pending.get(ApprovalKind.EXTENSION)
            return request is not None and request.requested_by_id != user.pk and not simple
        if name == "request_withdrawal":
            return ApprovalKind.WITHDRAWAL not in pending
        if name == "request_extension":
            return ApprovalKind.EXTENSION not in pending and not simple
        if name == "decide_on_the_spot":
            return simple
        if name in ("start_investigation", "convert_to_ordinary"):
            return (
                not simple
                if name == "start_investigation"
                else case.procedure != Procedure.ORDINARY
            )
        if name == "conclude_fast_track":
            return case.procedure == Procedure.FAST_TRACK
        if name == "assign_reviewers":
            return review is not None and not review.seats.exclude(opinion="").exists()
        if name == "record_opinion":
            return review is not None and review.seats.filter(reviewer=user, opinion="").exists()
        if name == "serve_notice":
            return notice is None
        if name in ("record_waiver", "record_statement", "request_hearing"):
            return notice is not None
        return True

    return [t for t in allowed if offered(t.name)]
