"""Build "一免一减" items, circumstances and decided cases for the leniency tests, with the real
service functions (on ``case_world``: ZD-001 held by 武原街道, the person 张三 and the
enterprise 百味餐饮)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from civicloop.cases import services as case_services
from civicloop.cases.choices import NoPenaltyGround, Outcome, ServiceMethod
from civicloop.cases.models import Case
from civicloop.leniency import services
from civicloop.leniency.choices import Harm, ItemKind, LegalBasis
from civicloop.testing.cases import decide, file, findings, investigate, png_bytes, review_to_notice

FIRST = "first_violation=2; harm=minor; corrected_in_time"


def exemption(
    cw,
    code: str = "MF-ZD-001",
    *,
    conditions: str = FIRST,
    matter=None,
    basis: str = LegalBasis.ART33_FIRST,
    kind: str = ItemKind.EXEMPTION,
    effective_from: dt.date = dt.date(2024, 1, 1),
    title: str = "首次占道经营，经劝导及时改正",
    document_number: str = "",
):
    return services.create_item(
        by=None,
        system=True,
        code=code,
        matter=matter or cw.town_matter,
        kind=kind,
        content=services.VersionData(
            title=title, conditions=conditions, legal_basis=basis, document_number=document_number
        ),
        effective_from=effective_from,
    )


def record(
    cw,
    case,
    *,
    by=None,
    harm: str = Harm.MINOR,
    ordered: dt.date | None = None,
    due: dt.date | None = None,
    corrected: dt.date | None = None,
    amount=None,
    earlier_checked: bool = False,
):
    """The circumstances; by default a correction ordered and made on the violation day."""
    day = case.violation_date
    ordered = ordered or day
    return services.record_circumstances(
        case,
        by=by or cw.wuyuan_officer,
        data=services.CircumstancesData(
            harm=harm,
            correction_ordered_on=ordered,
            correction_due_on=due or ordered + dt.timedelta(days=3),
            corrected_on=corrected if corrected is not None else ordered,
            amount_involved=amount,
            earlier_records_checked=earlier_checked,
        ),
    )


def to_decision(cw, case, outcome: str = Outcome.NO_PENALTY, fine=None) -> Case:
    """Investigated, concluded with ``outcome`` proposed, reviewed: ready to decide."""
    case = investigate(cw, case)
    case_services.conclude_investigation(
        case, by=cw.wuyuan_officer, findings=findings(outcome, fine)
    )
    return review_to_notice(cw, Case.objects.get(pk=case.pk))


def decide_exempt(
    cw, case, items=("MF-ZD-001",), ground: str = NoPenaltyGround.FIRST_MINOR
) -> Case:
    return decide(
        cw,
        case,
        outcome=Outcome.NO_PENALTY,
        fine=None,
        penalties=[],
        no_penalty_ground=ground,
        reason="首次违法，危害后果轻微并及时改正。",
        leniency_items=list(items),
    )


def decided_no_penalty_case(
    cw,
    *,
    violation_date: dt.date | None = None,
    items=("MF-ZD-001",),
    parties=None,
    ground: str = NoPenaltyGround.FIRST_MINOR,
) -> Case:
    kwargs = {"parties": parties} if parties is not None else {}
    case = file(cw, violation_date=violation_date, **kwargs)
    record(cw, case)
    case = to_decision(cw, case)
    return decide_exempt(cw, case, items=items, ground=ground)


def enterprise_party(cw):
    return [case_services.PartyLink(cw.enterprise)]


def paid_penalty(cw, *, fine: int = 1000, parties=None) -> Case:
    """A penalty decided against the enterprise, served and paid (call inside a frozen clock;
    the statement period is waived so everything happens on one day)."""
    case = file(cw, parties=parties if parties is not None else enterprise_party(cw))
    case = to_decision(cw, case, Outcome.PENALTY, fine)
    case_services.serve_notice(
        case,
        by=cw.wuyuan_officer,
        method=ServiceMethod.IN_PERSON,
        waive_statement=True,
        waiver_note="当事人书面放弃",
    )
    case.refresh_from_db()
    case = decide(cw, case)
    case_services.serve_decision(case, by=cw.wuyuan_officer, method=ServiceMethod.IN_PERSON)
    case_services.record_payment(
        case, by=cw.wuyuan_officer, amount=Decimal(fine), receipt_number="R-1"
    )
    case.refresh_from_db()
    return case


def scan(name: str = "承诺书.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def api(user, lang: str = "zh-hans") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_authenticate(user)
    return client


def enterprise_story(cw):
    """One enterprise's history in 武原 (an exemption applied, a commitment, a paid penalty whose
    repair the sweep opened, a check-up) and one case of it in 澉浦 that 武原 must not see.
    Returns the records by name."""
    import datetime as dt

    from civicloop.leniency import credit
    from civicloop.leniency.choices import ServiceKind
    from civicloop.testing.cases import MONDAY, at
    from civicloop.testing.matters import grant

    exemption(cw)
    grant(cw, cw.town_matter, town=cw.ganpu)
    with at(MONDAY):
        exempted = decided_no_penalty_case(cw, parties=enterprise_party(cw))
        penalty = paid_penalty(cw)
        noticed = file(cw, parties=enterprise_party(cw), title="店外经营案")
        commitment = services.serve_commitment_notice(
            noticed, by=cw.wuyuan_officer, notice_text="告知：店外经营"
        )
        service = services.record_butler_service(
            by=cw.wuyuan_officer,
            party=cw.enterprise,
            data=services.ButlerServiceData(
                kind=ServiceKind.CHECKUP,
                held_on=MONDAY.date(),
                unit=cw.wuyuan_squad,
                staff=[cw.wuyuan_officer],
                topics="门前三包",
                findings="良好",
            ),
        )
        ganpu_case = file(
            cw,
            unit=cw.ganpu_squad,
            by=cw.ganpu_officer,
            handlers=[cw.ganpu_officer, cw.ganpu_officer2],
            parties=enterprise_party(cw),
            title="澉浦占道案",
        )
    with at(dt.datetime(2026, 9, 1, 8, 0)):
        credit.sweep_credit_repairs()
    repair = penalty.credit_repairs.get()
    return {
        "exempted": exempted,
        "penalty": penalty,
        "noticed": noticed,
        "commitment": commitment,
        "service": service,
        "ganpu_case": ganpu_case,
        "repair": repair,
    }
