"""调查取证: the investigation, its evidence and findings, the case review (案件审核) and the
fast track."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core import uploads
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.core.inputs import past_moment as _aware
from civicloop.org.models import User

from .. import review as rv
from ..choices import (
    EvidenceKind,
    Outcome,
    Procedure,
)
from ..eligibility import fast_track_eligibility
from ..hooks import PROPOSAL, run_fine_checks
from ..models import (
    Case,
    Evidence,
    LegalReview,
)
from ..rules import (
    Penalty,
    check_fine_in_range,
    check_penalty,
    money,
    principal_party_type,
)
from .base import (
    CASE_FLOW,
    S,
    _notify_handlers,
    _notify_responsible,
    _parties,
    _penalty_details,
    _stay,
    _versions,
)


@transaction.atomic
def start_investigation(case: Case, *, by: User) -> Case:
    """调查取证 begins."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "start_investigation", by)
    if case.procedure == Procedure.SIMPLE:
        raise InvalidInput(
            _(
                "A simple-procedure case is decided on the spot; switch it to the ordinary "
                "procedure first."
            )
        )
    CASE_FLOW.move(case, transition.name, S.INVESTIGATING, by=by)
    return case


def add_evidence(
    case: Case,
    *,
    by: User,
    kind: str,
    description: str,
    collected_on: dt.date | None = None,
    file=None,
) -> Evidence:
    """An item of evidence (Art. 46). The file is checked like event attachments and stored
    before the transaction."""
    checked = uploads.check_uploads([file] if file else [])
    for upload in checked:
        uploads.store(upload)
    with transaction.atomic():
        case = CASE_FLOW.lock(case)
        transition, _r = CASE_FLOW.check(case, "add_evidence", by)
        if kind not in EvidenceKind.values:
            raise InvalidInput(_("Choose the kind of evidence."), field="kind")
        description = _text(description, field="description", max_length=2000, required=True)
        today = timezone.localdate()
        collected_on = collected_on or today
        if collected_on > today:
            raise InvalidInput(_("This date cannot be in the future."), field="collected_on")
        upload = checked[0] if checked else None
        item = Evidence.objects.create(
            case=case,
            kind=kind,
            description=description,
            collected_on=collected_on,
            added_by=by,
            file=upload.storage_name if upload else "",
            original_name=upload.name if upload else "",
            content_type=upload.content_type if upload else "",
            size=len(upload.data) if upload else None,
            sha256=upload.sha256 if upload else "",
        )
        _stay(
            case,
            transition.name,
            by=by,
            details={"evidence": item.pk, "kind": kind, "file": bool(upload)},
        )
    return item


@dataclass
class Findings:
    """What the investigation concluded (调查终结报告): facts, the proposed outcome, and what
    the review and the fast track need to know."""

    facts: str
    outcome: str
    fine: Decimal | None = None
    confiscation: Decimal | None = None
    penalties: Sequence[str] = ()
    reason: str = ""
    facts_clear: bool = False
    evidence_complete: bool = False
    party_admits: bool = False
    major_public_interest: bool = False
    is_complex: bool = False
    other_law_review_basis: str = ""
    needs_collective_deliberation: bool = False
    other_hearing_ground: str = ""
    fast_track_consent_at: dt.datetime | None = None
    # The inputs of the registered fine checks (``hooks.fine_checks``), by form field name.
    inputs: Mapping[str, object] = field(default_factory=dict)

    @property
    def penalty(self) -> Penalty:
        return Penalty(
            self.outcome,
            money(self.fine),
            money(self.confiscation),
            tuple(dict.fromkeys(self.penalties)),
        )


def _apply_findings(
    case: Case, findings: Findings, *, now: dt.datetime, by: User | None = None
) -> tuple[Penalty, list[str]]:
    """Check the findings and set them on the case (saved by the caller's move). The fine checks
    other apps register run here, so what they record (the discretion assessment) is there when
    the caller asks whether the case needs legal review."""
    penalty = check_penalty(findings.penalty)
    reason = _text(findings.reason, field="reason")
    check_fine_in_range(
        penalty, _versions(case), reason=reason, party_type=principal_party_type(_parties(case))
    )
    run_fine_checks(case, stage=PROPOSAL, penalty=penalty, inputs=findings.inputs, by=by, at=now)
    if penalty.outcome == Outcome.NO_PENALTY and not reason:
        raise InvalidInput(_("Give the reasons for giving no penalty."), field="reason")
    case.facts = _text(findings.facts, field="facts", required=True)
    case.proposed_outcome = penalty.outcome
    case.proposed_fine = penalty.fine
    case.proposed_confiscation = penalty.confiscation
    case.proposed_penalties = list(penalty.kinds)
    case.proposal_reason = reason
    case.facts_clear = findings.facts_clear
    case.evidence_complete = findings.evidence_complete
    case.party_admits = findings.party_admits
    case.major_public_interest = findings.major_public_interest
    case.is_complex = findings.is_complex
    case.other_law_review_basis = _text(
        findings.other_law_review_basis, field="other_law_review_basis", max_length=200
    )
    case.needs_collective_deliberation = findings.needs_collective_deliberation
    case.other_hearing_ground = _text(
        findings.other_hearing_ground, field="other_hearing_ground", max_length=200
    )
    if findings.fast_track_consent_at is not None:
        case.fast_track_consent_at = _aware(
            findings.fast_track_consent_at, field="fast_track_consent_at", now=now
        )
    fields = [
        "facts",
        "proposed_outcome",
        "proposed_fine",
        "proposed_confiscation",
        "proposed_penalties",
        "proposal_reason",
        "facts_clear",
        "evidence_complete",
        "party_admits",
        "major_public_interest",
        "is_complex",
        "other_law_review_basis",
        "needs_collective_deliberation",
        "other_hearing_ground",
        "fast_track_consent_at",
    ]
    return penalty, fields


@transaction.atomic
def conclude_investigation(case: Case, *, by: User, findings: Findings) -> Case:
    """调查终结: the facts and the proposal go to the responsible person's case review."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "conclude_investigation", by)
    penalty, fields = _apply_findings(case, findings, now=timezone.now(), by=by)
    CASE_FLOW.move(
        case,
        transition.name,
        S.CASE_REVIEW,
        by=by,
        fields=fields,
        details={"proposal": _penalty_details(penalty), "review_reasons": rv.review_reasons(case)},
    )
    _notify_responsible(
        case, verb="case_review", message=_("Case %(number)s awaits your case review")
    )
    return case


def _open_review(case: Case, *, by: User, return_state: str = S.PRIOR_NOTICE) -> LegalReview:
    return LegalReview.objects.create(
        case=case, requested_by=by, reasons=list(rv.review_reasons(case)), return_state=return_state
    )


@transaction.atomic
def conclude_fast_track(case: Case, *, by: User, findings: Findings) -> Case:
    """简案快办: investigation and case review in one step — only when every eligibility rule
    passes (``eligibility.py``); then legal review when required, else the prior notice."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "conclude_fast_track", by)
    now = timezone.now()
    penalty, fields = _apply_findings(case, findings, now=now, by=by)
    eligibility = fast_track_eligibility(case, penalty=penalty, parties=_parties(case))
    if not eligibility.eligible:
        raise InvalidInput(
            _("The case does not qualify for the fast track: %(rules)s")
            % {"rules": eligibility.explain()}
        )
    reasons = rv.review_reasons(case)
    target = S.LEGAL_REVIEW if reasons else S.PRIOR_NOTICE
    CASE_FLOW.move(
        case,
        transition.name,
        target,
        by=by,
        fields=fields,
        details={
            "proposal": _penalty_details(penalty),
            "review_reasons": reasons,
            "fast_track": True,
        },
    )
    if reasons:
        _open_review(case, by=by)
    return case


@transaction.atomic
def approve_case_review(case: Case, *, by: User, note: str = "") -> Case:
    """案件审核 (Art. 57): the responsible person accepts the investigation's findings; the case
    goes to legal review when it requires one (Art. 58), else to the prior notice."""
    case = CASE_FLOW.lock(case)
    transition, note = CASE_FLOW.check(case, "approve_case_review", by, reason=note)
    if case.handlers.filter(user=by).exists():
        raise NotPermitted(_("A handler of the case does not review it."))
    reasons = rv.review_reasons(case)
    target = S.LEGAL_REVIEW if reasons else S.PRIOR_NOTICE
    CASE_FLOW.move(
        case, transition.name, target, by=by, reason=note, details={"review_reasons": reasons}
    )
    if reasons:
        _open_review(case, by=by)
    _notify_handlers(case, verb="case_review", message=_("Case review of %(number)s approved"))
    return case


@transaction.atomic
def return_case_review(case: Case, *, by: User, reason: str) -> Case:
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "return_case_review", by, reason=reason)
    case.current_notice = None
    CASE_FLOW.move(
        case, transition.name, S.INVESTIGATING, by=by, reason=reason, fields=["current_notice"]
    )
    _notify_handlers(
        case,
        verb="case_review",
        message=_("Case %(number)s returned to investigation: %(reason)s"),
        params={"reason": reason},
    )
    return case
