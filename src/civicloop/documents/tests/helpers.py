"""Cases that have every document, and reading DOCX files back, for the documents' tests."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from docx import Document

from civicloop.cases import services
from civicloop.cases.choices import EvidenceKind, NoPenaltyGround, Outcome, Procedure, ServiceMethod
from civicloop.cases.models import DocumentNumberScheme
from civicloop.documents import services as documents
from civicloop.testing.cases import (
    MONDAY,
    at,
    decide,
    file,
    findings,
    investigate,
    review_to_notice,
)

PREFIX = "盐综执（武原）"
DAY = dt.timedelta(days=1)


def scheme(cw) -> None:
    DocumentNumberScheme.objects.get_or_create(unit=cw.wuyuan_squad, defaults={"prefix": PREFIX})


def ordinary_case(cw, *, fine=Decimal("12500")):
    """武原's ordinary case against 张三 through every stage to closing: an inspection record and
    an inquiry record, an order to correct, legal review, a prior notice with the hearing right
    (waived in writing), the decision, service, payment and closing."""
    scheme(cw)
    with at(MONDAY):
        case = file(cw, title="占道经营案", address="健康路12号门前")
        services.start_investigation(case, by=cw.wuyuan_officer)
        services.add_evidence(
            case,
            by=cw.wuyuan_officer,
            kind=EvidenceKind.RECORD,
            description="现场检查：当事人在健康路人行道摆设水果摊位，占道约6平方米。",
        )
        services.add_evidence(
            case,
            by=cw.wuyuan_officer2,
            kind=EvidenceKind.PARTY_STATEMENT,
            description="问：你在此摆摊多久了？答：一个星期左右。",
        )
        documents.issue_correction_order(
            case,
            by=cw.wuyuan_officer,
            requirement="立即清理占道摊位，恢复人行道通行。",
            due_on=MONDAY.date() + 3 * DAY,
        )
        services.conclude_investigation(case, by=cw.wuyuan_officer, findings=findings(fine=fine))
        case = review_to_notice(cw, case)
        services.serve_notice(
            case,
            by=cw.wuyuan_officer,
            method=ServiceMethod.IN_PERSON,
            waive_hearing=True,
            waiver_note="当事人书面放弃听证",
        )
    with at(MONDAY + 7 * DAY):
        case = decide(cw, case)
        services.serve_decision(case, by=cw.wuyuan_officer2, method=ServiceMethod.IN_PERSON)
    with at(MONDAY + 10 * DAY):
        services.record_payment(
            case, by=cw.wuyuan_officer, amount=fine, receipt_number="浙财罚00012345"
        )
        services.close_case(case, by=cw.wuyuan_leader, reason="罚款已缴清")
    case.refresh_from_db()
    return case


def spot_case(cw):
    """A simple-procedure case decided on the spot: 200 yuan collected against a receipt."""
    scheme(cw)
    with at(MONDAY):
        case = file(cw, procedure=Procedure.SIMPLE, title="当场处罚占道案", address="海滨路3号")
        services.decide_on_the_spot(
            case,
            by=cw.wuyuan_officer,
            decision=services.SpotDecision(
                outcome=Outcome.PENALTY,
                fine=Decimal("200"),
                reason="占道经营",
                party_informed=True,
                collected_on_the_spot=True,
                receipt_number="浙财罚00000001",
                collection_reason="流动摊贩，事后难以执行",
            ),
        )
    case.refresh_from_db()
    return case


def no_penalty_case(cw):
    """An ordinary case decided with no penalty (first violation, minor, corrected: Art. 33)."""
    scheme(cw)
    with at(MONDAY):
        case = investigate(cw, file(cw, title="初次占道案"))
        services.conclude_investigation(
            case, by=cw.wuyuan_officer, findings=findings(outcome=Outcome.NO_PENALTY, fine=None)
        )
        case = review_to_notice(cw, case)
        case = decide(
            cw,
            case,
            outcome=Outcome.NO_PENALTY,
            fine=None,
            penalties=[],
            no_penalty_ground=NoPenaltyGround.FIRST_MINOR,
            reason="当事人初次违法，已当场改正。",
        )
    return case


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a DOCX file, one per line (merged cells once)."""
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen = []
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.append(cell._tc)
                    lines.append(cell.text)
    return "\n".join(lines)


def slot_of(case, kind: str):
    from civicloop.documents.availability import slots

    return next(s for s in slots(case) if s.kind == kind)
