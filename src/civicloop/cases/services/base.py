"""What every stage of a case shares: the workflow binding (``CASE_FLOW``), history
rows that do not move the case, links, and who is told."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from civicloop.core.transitions import ModelWorkflow
from civicloop.notifications.services import notify_users
from civicloop.org.choices import Role, UnitKind
from civicloop.org.models import Post, Unit, User

from ..choices import (
    CaseState,
    PartyRole,
)
from ..models import (
    Case,
    CaseHistory,
)
from ..permissions import capacities
from ..rules import (
    Penalty,
)
from ..workflow import CASE_WORKFLOW

S = CaseState
SYSTEM = frozenset({"system"})
MAX_TEXT = 5000


CASE_FLOW = ModelWorkflow(
    Case,
    history=CaseHistory,
    machine=CASE_WORKFLOW,
    capacities=capacities,
    related=("handling_unit__region", "current_notice"),
)


def _stay(
    case: Case,
    action: str,
    *,
    by: User | None,
    reason: str = "",
    details: dict | None = None,
    fields: Sequence[str] = (),
) -> CaseHistory:
    """A transition that records without moving (evidence added, reviewers assigned…)."""
    if fields:
        case.save(update_fields=["updated_at", *fields])
    return CASE_FLOW.record(
        case, action, by=by, from_state=case.state, reason=reason, details=details
    )


def _link(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _handler_users(case: Case):
    return User.objects.filter(handled_cases__case=case, is_active=True)


def responsible_users(unit: Unit) -> list[User]:
    """The responsible persons of ``unit``: leaders of leadership units whose area contains it."""
    code = unit.region.code
    posts = (
        Post.objects.active()
        .filter(role=Role.LEADER, unit__kind=UnitKind.LEADERSHIP, user__is_active=True)
        .select_related("user", "unit__region")
    )
    return list({p.user for p in posts if code.startswith(p.unit.region.prefix)})


def _command_room(case: Case) -> Unit | None:
    unit = case.handling_unit
    if unit.kind != UnitKind.SQUAD:
        return None
    return Unit.objects.active().filter(kind=UnitKind.COMMAND_ROOM, region=unit.region).first()


def _notify_handlers(
    case: Case, *, verb: str, message, params: dict | None = None, exclude=None
) -> None:
    users = [u for u in _handler_users(case) if exclude is None or u.pk != exclude.pk]
    notify_users(
        users,
        verb=verb,
        message=message,
        params={"number": case.number, **(params or {})},
        link=_link(case),
    )


def _notify_responsible(case: Case, *, verb: str, message, params: dict | None = None) -> None:
    notify_users(
        responsible_users(case.handling_unit),
        verb=verb,
        message=message,
        params={"number": case.number, **(params or {})},
        link=_link(case),
    )


def _penalty_details(penalty: Penalty) -> dict:
    return {
        "outcome": penalty.outcome,
        "fine": str(penalty.fine) if penalty.fine is not None else None,
        "confiscation": str(penalty.confiscation) if penalty.confiscation is not None else None,
        "penalties": list(penalty.kinds),
    }


def _versions(case: Case) -> list:
    return [
        link.version
        for link in case.matter_links.select_related("version").prefetch_related(
            "version__statutory_ranges"
        )
    ]


def _parties(case: Case) -> list:
    return [
        link.party
        for link in case.party_links.select_related("party")
        if link.role == PartyRole.PARTY
    ]
