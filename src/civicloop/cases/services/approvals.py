"""审批: withdrawal (撤案) and deadline extension (延期), asked for and decided."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.org.models import User

from .. import deadlines as dl
from ..choices import (
    ApprovalKind,
    ApprovalState,
    DeadlineKind,
    Procedure,
)
from ..models import (
    Case,
    CaseApproval,
    CaseDeadline,
)
from ..workflow import APPROVAL_WORKFLOW
from .base import CASE_FLOW, S, _notify_handlers, _notify_responsible, _stay


def _request(case: Case, kind: str, *, by: User, transition, reason: str, **extra) -> CaseApproval:
    if case.pending_approval(kind) is not None:
        raise InvalidInput(_("A request of this kind is already waiting for approval."))
    approval = CaseApproval.objects.create(
        case=case, kind=kind, reason=reason, requested_by=by, **extra
    )
    _stay(
        case,
        transition.name,
        by=by,
        reason=reason,
        details={
            "approval": approval.pk,
            **{k: v for k, v in extra.items() if isinstance(v, int | str)},
        },
    )
    _notify_responsible(
        case,
        verb="approval",
        message=_("Case %(number)s: %(kind)s awaits your approval"),
        params={"kind": ApprovalKind(kind).label},
    )
    return approval


def _pending(case: Case, kind: str, *, by: User) -> CaseApproval:
    approval = (
        case.approvals.select_for_update().filter(kind=kind, state=ApprovalState.PENDING).first()
    )
    if approval is None:
        raise InvalidInput(_("No such request is waiting for approval."))
    if approval.requested_by_id == by.pk:
        raise NotPermitted(
            _("A request is approved or rejected by someone other than the person who made it.")
        )
    return approval


def _decide_request(approval: CaseApproval, *, by: User, approve: bool, note: str) -> None:
    APPROVAL_WORKFLOW.check(
        "approve" if approve else "reject", state=approval.state, capacities={"responsible"}
    )
    approval.state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
    approval.decided_by, approval.decided_at, approval.decision_note = by, timezone.now(), note
    approval.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def request_withdrawal(case: Case, *, by: User, reason: str) -> CaseApproval:
    """撤案 is asked for by a handler, with the reason (e.g. facts not established, not ours)."""
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "request_withdrawal", by, reason=reason)
    return _request(case, ApprovalKind.WITHDRAWAL, by=by, transition=transition, reason=reason)


@transaction.atomic
def approve_withdrawal(case: Case, *, by: User, note: str = "") -> Case:
    """The responsible person approves the withdrawal — never the person who asked."""
    case = CASE_FLOW.lock(case)
    transition, note = CASE_FLOW.check(case, "approve_withdrawal", by, reason=note)
    approval = _pending(case, ApprovalKind.WITHDRAWAL, by=by)
    _decide_request(approval, by=by, approve=True, note=note)
    case.withdrawn_at = timezone.now()
    dl.end_deadlines(case)
    CASE_FLOW.move(
        case,
        transition.name,
        S.WITHDRAWN,
        by=by,
        reason=approval.reason,
        fields=["withdrawn_at"],
        details={"approval": approval.pk, "requested_by": approval.requested_by_id, "note": note},
    )
    _notify_handlers(case, verb="approval", message=_("Case %(number)s was withdrawn"))
    return case


@transaction.atomic
def reject_withdrawal(case: Case, *, by: User, reason: str) -> CaseApproval:
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "reject_withdrawal", by, reason=reason)
    approval = _pending(case, ApprovalKind.WITHDRAWAL, by=by)
    _decide_request(approval, by=by, approve=False, note=reason)
    _stay(case, transition.name, by=by, reason=reason, details={"approval": approval.pk})
    _notify_handlers(
        case,
        verb="approval",
        message=_("Withdrawal of case %(number)s was rejected: %(reason)s"),
        params={"reason": reason},
    )
    return approval


@transaction.atomic
def request_extension(
    case: Case, *, by: User, reason: str, days: int, legal_basis: str
) -> CaseApproval:
    """Ask to extend the decision deadline: Art. 60 lets laws, regulations and rules provide
    otherwise; name the rule relied on and the days (at most CIVICLOOP_CASE_MAX_EXTENSION_DAYS)."""
    from django.conf import settings

    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "request_extension", by, reason=reason)
    if case.active_deadline(DeadlineKind.DECISION) is None:
        raise InvalidInput(_("This case has no decision deadline to extend."))
    limit = settings.CIVICLOOP_CASE_MAX_EXTENSION_DAYS
    if not isinstance(days, int) or not 1 <= days <= limit:
        raise InvalidInput(
            _("An extension is between 1 and %(n)d days.") % {"n": limit}, field="days"
        )
    legal_basis = _text(legal_basis, field="legal_basis", max_length=200, required=True)
    return _request(
        case,
        ApprovalKind.EXTENSION,
        by=by,
        transition=transition,
        reason=reason,
        extension_days=days,
        legal_basis=legal_basis,
    )


@transaction.atomic
def approve_extension(case: Case, *, by: User, note: str = "") -> CaseDeadline:
    """The responsible person approves the extension; the decision deadline moves later and the
    old one stays on record."""
    case = CASE_FLOW.lock(case)
    transition, note = CASE_FLOW.check(case, "approve_extension", by, reason=note)
    approval = _pending(case, ApprovalKind.EXTENSION, by=by)
    _decide_request(approval, by=by, approve=True, note=note)
    deadline = dl.extend_deadline(
        case, DeadlineKind.DECISION, days=approval.extension_days, extension=approval
    )
    if deadline is None:
        raise InvalidInput(_("This case has no decision deadline to extend."))
    _stay(
        case,
        transition.name,
        by=by,
        reason=approval.reason,
        details={
            "approval": approval.pk,
            "days": approval.extension_days,
            "legal_basis": approval.legal_basis,
            "due_at": deadline.due_at.isoformat(),
            "note": note,
        },
    )
    _notify_handlers(
        case,
        verb="approval",
        message=_("The decision deadline of %(number)s was extended to %(date)s"),
        params={"date": timezone.localtime(deadline.due_at).date().isoformat()},
    )
    return deadline


@transaction.atomic
def reject_extension(case: Case, *, by: User, reason: str) -> CaseApproval:
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "reject_extension", by, reason=reason)
    approval = _pending(case, ApprovalKind.EXTENSION, by=by)
    _decide_request(approval, by=by, approve=False, note=reason)
    _stay(case, transition.name, by=by, reason=reason, details={"approval": approval.pk})
    return approval


@transaction.atomic
def convert_to_ordinary(case: Case, *, by: User, reason: str) -> Case:
    """A simple or fast-track case that no longer qualifies follows the ordinary procedure; the
    decision deadline counts from the filing (Art. 60)."""
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "convert_to_ordinary", by, reason=reason)
    if case.procedure == Procedure.ORDINARY:
        raise InvalidInput(_("The case already follows the ordinary procedure."))
    before = case.procedure
    case.procedure = Procedure.ORDINARY
    case.deadlines.filter(kind=DeadlineKind.FAST_TRACK, is_active=True).update(is_active=False)
    if case.active_deadline(DeadlineKind.DECISION) is None:
        dl.open_deadline(case, DeadlineKind.DECISION, case.filed_at)
    _stay(
        case,
        transition.name,
        by=by,
        reason=reason,
        fields=["procedure"],
        details={"from": before, "to": Procedure.ORDINARY},
    )
    return case
