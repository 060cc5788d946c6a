"""简案快办: the eligibility rules (one place, each with its reason), the merged path and its
own deadline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from civicloop.cases import services
from civicloop.cases.choices import CaseState, Outcome, PenaltyKind, Procedure, ServiceMethod
from civicloop.cases.eligibility import fast_track_eligibility
from civicloop.cases.models import Case
from civicloop.cases.rules import Penalty
from civicloop.core.errors import InvalidInput
from civicloop.testing.cases import MONDAY, at, file, findings, investigate, review_to_notice

S = CaseState


def fast_case(cw, **kwargs):
    kwargs.setdefault("party_admits", True)
    kwargs.setdefault("fast_track_consent_at", MONDAY)
    return file(cw, procedure=Procedure.FAST_TRACK, **kwargs)


def rules(eligibility) -> dict:
    return {r.code: r.passed for r in eligibility.rules}


def test_every_rule_passes_for_a_clear_admitted_small_case(case_world):
    with at(MONDAY):
        case = investigate(case_world, fast_case(case_world))
    result = fast_track_eligibility(case, penalty=Penalty(Outcome.PENALTY, Decimal("1000")))
    assert result.eligible is False  # facts and evidence are recorded at the conclusion
    case.facts_clear = case.evidence_complete = True
    result = fast_track_eligibility(case, penalty=Penalty(Outcome.PENALTY, Decimal("1000")))
    assert result.eligible and set(rules(result).values()) == {True}
    assert set(rules(result)) == {
        "procedure",
        "facts_clear",
        "party_admits",
        "written_consent",
        "evidence_complete",
        "fine_ceiling",
        "no_hearing_right",
        "no_collective_deliberation",
    }


def test_the_fine_and_hearing_rules_are_unknown_until_a_penalty_is_proposed(case_world):
    with at(MONDAY):
        case = fast_case(case_world)
    result = fast_track_eligibility(case)
    assert rules(result)["fine_ceiling"] is None and rules(result)["no_hearing_right"] is None
    assert not result.eligible and result.unknown


@pytest.mark.parametrize(
    "change, penalty, failing",
    [
        ({"facts_clear": False}, None, "facts_clear"),
        ({"party_admits": False}, None, "party_admits"),
        ({"fast_track_consent_at": None}, None, "written_consent"),
        ({"evidence_complete": False}, None, "evidence_complete"),
        ({}, Penalty(Outcome.PENALTY, Decimal("5001")), "fine_ceiling"),
        ({}, Penalty(Outcome.PENALTY, Decimal("1000"), Decimal("50")), "fine_ceiling"),
        (
            {},
            Penalty(Outcome.PENALTY, Decimal("1000"), None, (PenaltyKind.REVOKE_LICENCE,)),
            "no_hearing_right",
        ),
        ({"other_hearing_ground": "规章规定的其他情形"}, None, "no_hearing_right"),
        ({"needs_collective_deliberation": True}, None, "no_collective_deliberation"),
        ({"procedure": Procedure.ORDINARY}, None, "procedure"),
    ],
)
def test_each_rule_fails_on_its_own_with_a_reason(case_world, change, penalty, failing):
    with at(MONDAY):
        case = investigate(case_world, fast_case(case_world))
    case.facts_clear = case.evidence_complete = True
    for name, value in change.items():
        setattr(case, name, value)
    result = fast_track_eligibility(
        case, penalty=penalty or Penalty(Outcome.PENALTY, Decimal("1000"))
    )
    assert [r.code for r in result.failed] == [failing]
    assert result.failed[0].reason and failing in [r.code for r in result.failed]


def test_a_case_without_evidence_items_is_not_complete(case_world):
    with at(MONDAY):
        case = fast_case(case_world)
    case.facts_clear = case.evidence_complete = True
    assert (
        rules(fast_track_eligibility(case, penalty=Penalty(Outcome.PENALTY, Decimal("100"))))[
            "evidence_complete"
        ]
        is False
    )


def test_the_ceiling_is_a_setting(case_world, settings):
    settings.CIVICLOOP_CASE_FAST_TRACK_FINE_CEILING = 2000
    with at(MONDAY):
        case = investigate(case_world, fast_case(case_world))
    case.facts_clear = case.evidence_complete = True
    assert (
        rules(fast_track_eligibility(case, penalty=Penalty(Outcome.PENALTY, Decimal("2500"))))[
            "fine_ceiling"
        ]
        is False
    )


def test_an_ineligible_case_is_refused_with_the_failing_rules_and_nothing_changes(case_world):
    cw = case_world
    with at(MONDAY):
        case = investigate(cw, fast_case(cw, party_admits=False))
        rows = case.history.count()
        with pytest.raises(InvalidInput) as refused:
            services.conclude_fast_track(
                case, by=cw.wuyuan_officer, findings=findings(fine=6000, party_admits=False)
            )
    message = str(refused.value)
    assert "当事人承认违法行为" in message and "5000" in message
    case = Case.objects.get(pk=case.pk)
    assert (
        case.state == S.INVESTIGATING
        and case.history.count() == rows
        and case.proposed_outcome == ""
    )


def test_the_fast_track_merges_review_notice_waiver_decision_and_service(case_world):
    cw = case_world
    with at(MONDAY):
        case = investigate(cw, fast_case(cw))
        services.conclude_fast_track(case, by=cw.wuyuan_officer, findings=findings(fine=800))
        case = review_to_notice(cw, case)
        services.serve_notice(
            case,
            by=cw.wuyuan_officer,
            method=ServiceMethod.IN_PERSON,
            waive_statement=True,
            waiver_note="当事人书面放弃陈述申辩",
        )
        services.decide_case(
            case,
            by=cw.wuyuan_leader,
            decision=services.Decision(
                outcome=Outcome.PENALTY,
                fine=Decimal("800"),
                reason="简案快办",
                serve_on_the_spot=True,
            ),
        )
        services.record_payment(case, by=cw.wuyuan_officer, amount=Decimal("800"))
        services.close_case(case, by=cw.wuyuan_leader)
    case.refresh_from_db()
    assert case.state == S.CLOSED and case.service_method == ServiceMethod.ON_THE_SPOT
    assert [a for a in case.history.values_list("action", flat=True)] == [
        "file",
        "start_investigation",
        "add_evidence",
        "conclude_fast_track",
        "assign_reviewers",
        "record_opinion",
        "review_approved",
        "serve_notice",
        "decide",
        "record_payment",
        "close",
    ]
    assert case.history.get(action="decide").to_state == S.SERVED
    target = case.deadlines.get(kind="fast_track")
    assert target.met_at is not None and target.counting == "working_days" and target.amount == 10


def test_the_fast_track_target_is_ten_working_days_and_configurable(case_world, settings):
    with at(MONDAY):
        case = fast_case(case_world)
    assert case.active_deadline("fast_track").due_at.date() == dt.date(2026, 6, 15)
    settings.CIVICLOOP_CASE_FAST_TRACK_WORKING_DAYS = 5
    with at(MONDAY):
        other = fast_case(case_world)
    assert other.active_deadline("fast_track").due_at.date() == dt.date(2026, 6, 8)


def test_the_case_page_shows_each_rule_and_why(case_world, client):
    with at(MONDAY):
        case = fast_case(case_world, party_admits=False)
    client.force_login(case_world.wuyuan_officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="fast-track-eligibility"' in page
    assert 'data-rule="party_admits" data-passed="no"' in page
    assert 'data-rule="written_consent" data-passed="yes"' in page
    assert 'data-rule="fine_ceiling" data-passed="unknown"' in page
    api = client.get(f"/api/cases/{case.pk}/eligibility/").json()
    assert api["eligible"] is False
    assert {r["code"]: r["passed"] for r in api["rules"]}["party_admits"] is False
