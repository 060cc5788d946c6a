"""Walk penalty cases through their stages with the real service functions, for tests.

Clocks matter (statement periods, deadlines): :func:`at` moves time to a local moment and
the helpers take that moment from the caller. Built on ``equip_for_cases`` (``case_world``).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from civicloop.cases import services
from civicloop.cases.choices import (
    CaseSource,
    CaseState,
    EvidenceKind,
    Opinion,
    Outcome,
    Procedure,
    ReviewMode,
    ServiceMethod,
)
from civicloop.cases.models import Case

S = CaseState
# A Monday with a plain working week after it (2026-06-01).
MONDAY = dt.datetime(2026, 6, 1, 9, 0)


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def local(value: dt.datetime) -> dt.datetime:
    return (
        timezone.make_aware(value, timezone.get_current_timezone())
        if timezone.is_naive(value)
        else value
    )


def at(value: dt.datetime):
    """Freeze the clock at a local moment (use as a context manager)."""
    return time_machine.travel(local(value), tick=False)


def photo(name: str = "现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def file(
    cw,
    *,
    procedure: str = Procedure.ORDINARY,
    unit=None,
    by=None,
    handlers=None,
    parties=None,
    matters=None,
    violation_date: dt.date | None = None,
    source: str = CaseSource.DIRECT,
    **kwargs,
) -> Case:
    """A case of 武原街道's squad on ZD-001 against the person, handled by its two certified officers."""
    unit = unit or cw.wuyuan_squad
    by = by or cw.wuyuan_officer
    handlers = handlers or [cw.wuyuan_officer, cw.wuyuan_officer2]
    parties = parties if parties is not None else [services.PartyLink(cw.person)]
    matters = matters or [cw.town_matter]
    violation_date = violation_date or timezone.localdate()
    return services.file_case(
        by=by,
        handling_unit=unit,
        procedure=procedure,
        source=source,
        title=kwargs.pop("title", "占道经营案"),
        facts=kwargs.pop("facts", "当事人在健康路人行道上摆摊经营水果，占用人行道约6平方米。"),
        violation_date=violation_date,
        parties=parties,
        matters=matters,
        handlers=handlers,
        **kwargs,
    )


def findings(
    outcome: str = Outcome.PENALTY, fine: Decimal | int | None = 1000, **kwargs
) -> services.Findings:
    defaults = {
        "facts": "经调查，当事人于健康路人行道摆摊经营，占道约6平方米，事实清楚。",
        "reason": "初次违法，情节一般。"
        if outcome != Outcome.NO_PENALTY
        else "违法行为轻微并及时改正，没有造成危害后果。",
        "facts_clear": True,
        "evidence_complete": True,
        "party_admits": True,
    }
    defaults.update(kwargs)
    return services.Findings(
        outcome=outcome, fine=Decimal(fine) if fine is not None else None, **defaults
    )


def investigate(cw, case: Case, *, by=None, evidence: int = 1) -> Case:
    by = by or cw.wuyuan_officer
    if case.state == S.FILED:
        case = services.start_investigation(case, by=by)
    for n in range(evidence):
        services.add_evidence(
            case,
            by=by,
            kind=EvidenceKind.RECORD,
            description=f"现场检查笔录{n + 1}",
            file=photo() if n == 0 else None,
        )
    case.refresh_from_db()
    return case


def review_to_notice(cw, case: Case, *, reviewer=None) -> Case:
    """From case review through legal review (when required) to the prior notice stage."""
    case.refresh_from_db()
    if case.state == S.CASE_REVIEW:
        case = services.approve_case_review(case, by=cw.wuyuan_leader)
    if case.state == S.LEGAL_REVIEW:
        services.assign_reviewers(
            case,
            by=cw.wuyuan_officer,
            reviewers=[reviewer or cw.legal_reviewer],
            mode=ReviewMode.SINGLE,
        )
        services.record_opinion(case, by=reviewer or cw.legal_reviewer, opinion=Opinion.APPROVE)
    case.refresh_from_db()
    return case


def notify(cw, case: Case, *, by=None, **kwargs) -> Case:
    services.serve_notice(
        case,
        by=by or case.handlers.get(is_lead=True).user,
        method=ServiceMethod.IN_PERSON,
        **kwargs,
    )
    case.refresh_from_db()
    return case


def to_notice(cw, case: Case, **findings_kwargs) -> Case:
    """Filed → investigated → concluded → reviewed → notified (the ordinary path)."""
    case = investigate(cw, case)
    services.conclude_investigation(
        case, by=cw.wuyuan_officer, findings=findings(**findings_kwargs)
    )
    case.refresh_from_db()
    case = review_to_notice(cw, case)
    return notify(cw, case)


def decide(cw, case: Case, *, by=None, **kwargs) -> Case:
    kwargs.setdefault("outcome", case.proposed_outcome)
    kwargs.setdefault("fine", case.proposed_fine)
    kwargs.setdefault("penalties", case.proposed_penalties)
    kwargs.setdefault("reason", case.proposal_reason or "依法决定")
    services.decide_case(case, by=by or cw.wuyuan_leader, decision=services.Decision(**kwargs))
    case.refresh_from_db()
    return case
