"""The calculator in the case workflow: each proposal and decision is assessed and recorded (who,
when); a fine outside the recommended band needs a written reason and legal review; the decision
page shows the tier, band and statutory range; the decision document states the tier and the
reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from civicloop.cases import review as rv
from civicloop.cases import services
from civicloop.cases.choices import CaseState, Outcome, Procedure, ServiceMethod
from civicloop.cases.rules import Penalty, hearing_grounds
from civicloop.core.errors import InvalidInput
from civicloop.discretion import assessing
from civicloop.discretion.case_hooks import OUTSIDE_BAND
from civicloop.discretion.choices import BenchmarkStatus, LeniencyOutcome
from civicloop.discretion.models import (
    AssessmentStage,
    Benchmark,
    DiscretionAssessment,
    RiskFlag,
    RiskKind,
)
from civicloop.discretion.risks import sweep
from civicloop.discretion.tests import factory as f
from civicloop.documents import services as documents
from civicloop.documents.choices import DocumentKind
from civicloop.documents.tests.helpers import docx_text, scheme, slot_of
from civicloop.testing.cases import MONDAY, at, decide, file, findings, investigate, local
from civicloop.testing.cases import review_to_notice as reviewed

pytestmark = pytest.mark.django_db

S = CaseState
NOT_CORRECTED = {assessing.CORRECTED: "no"}
REASON = "当事人经营面积较大，且拒不配合调查。"


@pytest.fixture
def cw(case_world, settings):
    """ZD-001 under the county's benchmark: 从轻 200–1 000 (first offence, corrected), 一般
    1 000–5 000, 从重 5 000–20 000 (a prior offence). Town cases need no legal review of their
    own here, so the band's is the only reason for one."""
    settings.CIVICLOOP_REVIEW_ALL_EMPOWERED_CASES = False
    owner = f.item(f.benchmark(case_world.county), case_world.town_matter)
    f.tier(owner, 1, "从轻处罚", (200, 1000), first_offence=True, corrected=True)
    f.tier(owner, 2, "一般处罚", (1000, 5000))
    f.tier(owner, 3, "从重处罚", (5000, 20000), min_prior_offences=1)
    f.tier(owner, 4, "减轻处罚", (0, 200), leniency=LeniencyOutcome.REDUCED)
    return case_world


def propose(cw, fine, **inputs):
    with at(MONDAY):
        case = investigate(cw, file(cw))
        services.conclude_investigation(
            case,
            by=cw.wuyuan_officer,
            findings=findings(fine=fine, inputs={**NOT_CORRECTED, **inputs}),
        )
    case.refresh_from_db()
    return case


def to_decision(cw, case):
    """From case review (and legal review when needed) to a notice whose periods are waived."""
    with at(MONDAY):
        case = reviewed(cw, case)
        proposal = Penalty(case.proposed_outcome, case.proposed_fine, None, ())
        services.serve_notice(
            case,
            by=cw.wuyuan_officer,
            method=ServiceMethod.IN_PERSON,
            waive_statement=True,
            waive_hearing=bool(hearing_grounds(proposal, [cw.person])),
            waiver_note="当事人书面放弃陈述申辩和听证",
        )
    case.refresh_from_db()
    return case


def rows(case):
    return list(DiscretionAssessment.objects.filter(case=case).order_by("at", "id"))


def test_a_fine_inside_the_band_passes_and_each_assessment_records_who_and_when(cw):
    case = propose(cw, 3000)
    assert case.state == S.CASE_REVIEW
    [proposal] = rows(case)
    assert (proposal.stage, proposal.by, proposal.at) == (
        AssessmentStage.PROPOSAL,
        cw.wuyuan_officer,
        local(MONDAY),
    )
    assert (proposal.tier_label, proposal.band_min, proposal.band_max) == (
        "一般处罚",
        Decimal("1000"),
        Decimal("5000"),
    )
    assert (proposal.stat_min, proposal.stat_max) == (None, Decimal("20000"))
    assert proposal.facts["prior_offences"] == 0 and proposal.facts["corrected"] is False
    assert not proposal.outside_band
    assert OUTSIDE_BAND not in rv.review_reasons(case)
    case = to_decision(cw, case)
    assert case.state == S.PRIOR_NOTICE  # no legal review was needed
    decided_at = MONDAY + dt.timedelta(hours=2)
    with at(decided_at):
        case = decide(cw, case, inputs=NOT_CORRECTED)
    assert case.state == S.DECIDED
    decision = rows(case)[-1]
    assert (decision.stage, decision.by, decision.at, decision.fine) == (
        AssessmentStage.DECISION,
        cw.wuyuan_leader,
        local(decided_at),
        Decimal("3000"),
    )


def test_a_proposal_outside_the_band_needs_a_reason_and_sends_the_case_to_legal_review(cw):
    with pytest.raises(InvalidInput) as refused:
        propose(cw, 8000)
    assert refused.value.field == assessing.REASON
    assert "1,000" in str(refused.value) and "5,000" in str(refused.value)
    case = cw.town_matter.case_links.get().case
    assert case.state == S.INVESTIGATING and not rows(case)  # nothing half-stored

    case = propose(cw, 8000, **{assessing.REASON: REASON})
    [row] = rows(case)
    assert row.outside_band and row.reason == REASON
    assert OUTSIDE_BAND in rv.review_reasons(case)
    with at(MONDAY):
        case = services.approve_case_review(case, by=cw.wuyuan_leader)
    assert case.state == S.LEGAL_REVIEW
    assert OUTSIDE_BAND in case.legal_reviews.get().reasons
    with translation.override("en"):
        assert "outside the discretion benchmark" in str(rv.reason_label(OUTSIDE_BAND))


def test_a_decision_outside_the_band_needs_an_approved_legal_review_and_a_reason(cw):
    case = to_decision(cw, propose(cw, 3000))
    assert case.state == S.PRIOR_NOTICE and not case.legal_reviews.exists()
    with at(MONDAY + dt.timedelta(hours=1)):
        with pytest.raises(InvalidInput) as refused:
            decide(cw, case, fine=Decimal("800"), inputs=NOT_CORRECTED)
        assert refused.value.field == assessing.REASON
        with translation.override("en"), pytest.raises(InvalidInput) as refused:
            decide(
                cw,
                case,
                fine=Decimal("800"),
                inputs={**NOT_CORRECTED, assessing.REASON: "当事人家庭困难"},
            )
        assert "needs an approved legal review" in str(refused.value)
        assert "outside the discretion benchmark" in str(refused.value)
    case.refresh_from_db()
    assert case.state == S.PRIOR_NOTICE and len(rows(case)) == 1

    with at(MONDAY + dt.timedelta(hours=1)):
        services.refer_to_legal_review(case, by=cw.wuyuan_officer, reason="拟低于裁量区间处罚")
        case = reviewed(cw, case)
    assert case.state == S.PRIOR_NOTICE
    with at(MONDAY + dt.timedelta(hours=2)):
        case = decide(
            cw,
            case,
            fine=Decimal("800"),
            inputs={**NOT_CORRECTED, assessing.REASON: "当事人家庭困难"},
        )
    assert case.state == S.DECIDED
    row = rows(case)[-1]
    assert (row.stage, row.outside_band, row.reason) == (
        AssessmentStage.DECISION,
        True,
        "当事人家庭困难",
    )


def test_the_decision_applies_a_reduction_item_and_the_calculator_takes_its_tier(cw):
    case = propose(cw, 3000)
    row = assessing.record(
        case,
        stage=AssessmentStage.DECISION,
        outcome=Outcome.REDUCED_PENALTY,
        fine=Decimal("150"),
        inputs=NOT_CORRECTED,
        applied=["ZD-001-J1"],
        by=cw.wuyuan_leader,
    )
    assert (row.tier_label, row.facts["leniency"], row.outside_band) == (
        "减轻处罚",
        "reduced",
        False,
    )
    without_item = assessing.record(
        case,
        stage=AssessmentStage.DECISION,
        outcome=Outcome.PENALTY,
        fine=Decimal("3000"),
        inputs=NOT_CORRECTED,
        by=cw.wuyuan_leader,
    )
    assert without_item.tier_label == "一般处罚"


def test_the_decision_document_states_the_benchmark_tier_band_and_reason(cw):
    scheme(cw)
    case = to_decision(cw, propose(cw, 8000, **{assessing.REASON: REASON}))
    with at(MONDAY + dt.timedelta(hours=2)):
        case = decide(cw, case, inputs={**NOT_CORRECTED, assessing.REASON: REASON})
        result = documents.download(
            case,
            by=cw.wuyuan_officer,
            file_format="docx",
            channel="web",
            kind=DocumentKind.PENALTY_DECISION,
            subject=slot_of(case, DocumentKind.PENALTY_DECISION).subject,
        )
    text = docx_text(result.data)
    assert (
        "依据《海盐县综合行政执法局行政处罚裁量基准》（盐综执〔2026〕3号），本案属于“一般处罚”档次，"
        "建议罚款区间为1000元至5000元；本案罚款超出建议区间，理由：当事人经营面积较大，且拒不配合调查。"
    ) in text


def test_a_decision_inside_the_band_states_the_tier_without_a_reason(cw):
    scheme(cw)
    case = to_decision(cw, propose(cw, 3000))
    with at(MONDAY + dt.timedelta(hours=2)):
        case = decide(cw, case, inputs=NOT_CORRECTED)
        result = documents.download(
            case,
            by=cw.wuyuan_officer,
            file_format="docx",
            channel="web",
            kind=DocumentKind.PENALTY_DECISION,
            subject=slot_of(case, DocumentKind.PENALTY_DECISION).subject,
        )
    text = docx_text(result.data)
    assert "本案属于“一般处罚”档次，建议罚款区间为1000元至5000元。" in text
    assert "超出建议区间" not in text


def test_the_decision_page_shows_tier_band_statutory_range_and_why(cw, client):
    case = to_decision(cw, propose(cw, 3000))
    client.force_login(cw.wuyuan_leader)
    with translation.override("en"):
        page = client.get(
            reverse("cases:action", args=[case.pk, "decide"]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert 'id="discretion-calculator"' in page
    assert 'id="discretion-tier">一般处罚<' in page
    assert "1,000 – 5,000" in page
    assert 'id="discretion-statutory">up to 20,000 yuan<' in page
    assert 'name="discretion_reason"' in page
    # The decision form starts from the facts the proposal was assessed with.
    assert '<option value="no" selected>' in page
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="discretion-tier">一般处罚<' in detail
    assert 'id="discretion-recorded"' in detail
    assert "discretion-proposed-outside" not in detail  # 3 000 lies inside 1 000–5 000


def test_the_case_page_warns_when_the_proposed_fine_lies_outside_the_band(cw, client):
    case = propose(cw, 8000, **{assessing.REASON: REASON})
    client.force_login(cw.wuyuan_leader)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="discretion-proposed-outside"' in detail
    assert "拟罚款 8000.00 元不在该建议区间内" in detail


def test_the_form_refusal_lands_on_the_reason_field(cw, client):
    case = to_decision(cw, propose(cw, 3000))
    client.force_login(cw.wuyuan_leader)
    with at(MONDAY + dt.timedelta(hours=1)):
        response = client.post(
            reverse("cases:action", args=[case.pk, "decide"]),
            {
                "outcome": Outcome.PENALTY,
                "fine": "9000",
                "reason": "依法决定",
                assessing.CORRECTED: "no",
            },
        )
    assert response.status_code in (200, 400)
    assert assessing.REASON in response.context["form"].errors
    case.refresh_from_db()
    assert case.state == S.PRIOR_NOTICE


def test_the_api_takes_the_reason_as_a_fine_check_input(cw):
    case = to_decision(cw, propose(cw, 3000))
    client = APIClient()
    client.force_authenticate(cw.wuyuan_leader)
    url = f"/api/cases/{case.pk}/decide/"
    body = {"outcome": Outcome.PENALTY, "fine": "2500", "reason": "依法决定"}
    with at(MONDAY + dt.timedelta(hours=1)):
        refused = client.post(url, {**body, "fine": "9000"}, format="json")
        assert refused.status_code == 400
        assert assessing.REASON in refused.json().get("errors", refused.json())
        ok = client.post(url, {**body, "fine_check_inputs": NOT_CORRECTED}, format="json")
    assert ok.status_code == 200, ok.content
    row = rows(case)[-1]
    assert (row.stage, row.fine, row.facts["corrected"]) == (
        AssessmentStage.DECISION,
        Decimal("2500"),
        False,
    )


@pytest.mark.parametrize(
    ("fine", "inputs", "state"),
    [(1500, {}, S.PRIOR_NOTICE), (800, {assessing.REASON: "当事人已主动消除影响"}, S.LEGAL_REVIEW)],
)
def test_the_fast_track_goes_to_legal_review_only_when_the_fine_leaves_the_band(
    cw, fine, inputs, state
):
    with at(MONDAY):
        case = investigate(
            cw,
            file(
                cw, procedure=Procedure.FAST_TRACK, party_admits=True, fast_track_consent_at=MONDAY
            ),
        )
        services.conclude_fast_track(
            case,
            by=cw.wuyuan_officer,
            findings=findings(fine=fine, inputs={**NOT_CORRECTED, **inputs}),
        )
    case.refresh_from_db()
    assert case.state == state
    assert rows(case)[-1].outside_band is (state == S.LEGAL_REVIEW)


def test_a_decided_case_shows_the_band_of_its_decision_not_of_a_later_benchmark(cw, client):
    case = to_decision(cw, propose(cw, 3000))
    with at(MONDAY + dt.timedelta(hours=2)):
        case = decide(cw, case, inputs=NOT_CORRECTED)
    # A town benchmark (in force since 2024 like the county's, added after the decision) narrows 一般处罚 to 2 000–4 000: the decided case
    # still shows the county's 1 000–5 000 it was decided under.
    later = f.item(f.benchmark(cw.wuyuan, code="wuyuan"), cw.town_matter)
    f.tier(later, 1, "一般处罚", (2000, 4000))
    client.force_login(cw.wuyuan_leader)
    with translation.override("en"):
        page = client.get(
            reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert 'id="discretion-band">1,000 – 5,000' in page
    assert "2,000 – 4,000" not in page


def spot(cw, fine):
    with at(MONDAY):
        case = file(cw, procedure=Procedure.SIMPLE)
        return services.decide_on_the_spot(
            case,
            by=cw.wuyuan_officer,
            decision=services.SpotDecision(
                outcome=Outcome.PENALTY, fine=Decimal(fine), reason="占道经营", party_informed=True
            ),
        )


def test_an_on_the_spot_fine_inside_the_band_is_decided_and_assessed(cw):
    # A town benchmark whose band lies under the 200-yuan limit of 当场处罚 for a citizen;
    # 200 is its upper edge.
    owner = f.item(f.benchmark(cw.wuyuan, code="wuyuan-spot"), cw.town_matter)
    f.tier(owner, 1, "一般处罚", (50, 200))
    case = spot(cw, "200")
    assert case.state == S.SERVED
    row = DiscretionAssessment.objects.get(case=case)
    assert (row.stage, row.tier_label, row.outside_band) == (
        AssessmentStage.DECISION,
        "一般处罚",
        False,
    )


def test_an_on_the_spot_fine_outside_the_band_is_refused_and_nothing_is_decided(cw):
    owner = f.item(f.benchmark(cw.wuyuan, code="wuyuan-spot"), cw.town_matter)
    f.tier(owner, 1, "一般处罚", (50, 200))
    with pytest.raises(InvalidInput) as refused:
        spot(cw, "30")
    assert refused.value.field == "fine"
    assert "普通程序" in str(refused.value.message)
    assert not DiscretionAssessment.objects.exists()


def test_a_starter_band_advises_on_the_spot_and_the_departure_is_recorded(cw):
    # The county's benchmark, not yet adopted: 一般处罚 1 000–5 000 is far above a spot fine.
    Benchmark.objects.update(status=BenchmarkStatus.STARTER)
    case = spot(cw, "30")
    assert case.state == S.SERVED
    row = DiscretionAssessment.objects.get(case=case)
    assert row.outside_band and not row.reason
    # The sweep puts the departure in front of a legal reviewer.
    sweep()
    assert RiskFlag.objects.filter(case=case, kind=RiskKind.OUTSIDE_TIER_BAND).exists()
