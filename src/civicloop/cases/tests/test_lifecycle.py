"""Every path of a penalty case, asserting the stage AND the history it leaves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from civicloop.cases import services
from civicloop.cases.choices import (
    ApprovalState,
    CaseState,
    HearingOutcome,
    NoPenaltyGround,
    Outcome,
    PenaltyKind,
    Procedure,
    ServiceMethod,
)
from civicloop.cases.models import Case, CaseHistory, Payment
from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.org.choices import QualificationKind, Role
from civicloop.org.models import Post, Qualification
from civicloop.testing.cases import (
    MONDAY,
    at,
    decide,
    file,
    findings,
    investigate,
    review_to_notice,
    to_notice,
)

S = CaseState
LATER = MONDAY + dt.timedelta(
    days=7
)  # past the statement period of a notice served in the first week


def history(case):
    return list(case.history.values_list("action", "from_state", "to_state"))


def test_the_ordinary_path_reviews_notifies_decides_serves_collects_and_closes(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(cw, file(cw))
    with at(LATER):
        case = decide(cw, case)
        services.serve_decision(case, by=cw.wuyuan_officer2, method=ServiceMethod.IN_PERSON)
        services.record_payment(
            case, by=cw.wuyuan_officer, amount=Decimal("1000"), receipt_number="R1"
        )
        services.close_case(case, by=cw.wuyuan_leader)
    case.refresh_from_db()
    assert case.state == S.CLOSED and case.closed_at is not None and case.performed_at is not None
    assert history(case) == [
        ("file", "", S.FILED),
        ("start_investigation", S.FILED, S.INVESTIGATING),
        ("add_evidence", S.INVESTIGATING, S.INVESTIGATING),
        ("conclude_investigation", S.INVESTIGATING, S.CASE_REVIEW),
        ("approve_case_review", S.CASE_REVIEW, S.LEGAL_REVIEW),
        ("assign_reviewers", S.LEGAL_REVIEW, S.LEGAL_REVIEW),
        ("record_opinion", S.LEGAL_REVIEW, S.LEGAL_REVIEW),
        ("review_approved", S.LEGAL_REVIEW, S.PRIOR_NOTICE),
        ("serve_notice", S.PRIOR_NOTICE, S.PRIOR_NOTICE),
        ("decide", S.PRIOR_NOTICE, S.DECIDED),
        ("serve_decision", S.DECIDED, S.SERVED),
        ("record_payment", S.SERVED, S.EXECUTING),
        ("close", S.EXECUTING, S.CLOSED),
    ]
    actors = list(case.history.values_list("actor__username", flat=True))
    assert actors == [
        "wuyuan_officer",
        "wuyuan_officer",
        "wuyuan_officer",
        "wuyuan_officer",
        "wuyuan_leader",
        "wuyuan_officer",
        "legal_reviewer",
        None,
        "wuyuan_officer",
        "wuyuan_leader",
        "wuyuan_officer2",
        "wuyuan_officer",
        "wuyuan_leader",
    ]
    assert case.number == "武原街道综合行政执法队立字〔2026〕第0001号"
    assert case.is_empowered and case.history.first().details["is_empowered"] is True


def test_the_simple_procedure_decides_serves_and_collects_on_the_spot(case_world):
    cw = case_world
    with at(MONDAY):
        case = file(cw, procedure=Procedure.SIMPLE)
        services.decide_on_the_spot(
            case,
            by=cw.wuyuan_officer,
            decision=services.SpotDecision(
                outcome=Outcome.PENALTY,
                fine=Decimal("50"),
                reason="占道经营",
                party_informed=True,
                collected_on_the_spot=True,
                receipt_number="浙财罚00000001",
            ),
        )
        case.refresh_from_db()
        assert case.state == S.SERVED and case.service_method == ServiceMethod.ON_THE_SPOT
        assert case.performed_at is not None and case.payments.get().collected_on_the_spot
        services.close_case(case, by=cw.wuyuan_leader)
    case.refresh_from_db()
    assert history(case) == [
        ("file", "", S.FILED),
        ("decide_on_the_spot", S.FILED, S.SERVED),
        ("close", S.SERVED, S.CLOSED),
    ]
    assert not case.deadlines.filter(kind="decision").exists()  # decided at once: no 90-day clock
    assert not case.legal_reviews.exists()  # on-the-spot decisions are not reviewed


def test_a_hearing_is_requested_scheduled_held_reviewed_again_and_decided_no_heavier(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(
            cw, file(cw), fine=Decimal("10000")
        )  # a citizen: 10 000 yuan gives the right (Art. 63)
    notice = case.current_notice
    assert notice.hearing_right and notice.hearing_request_until is not None
    with at(MONDAY + dt.timedelta(days=2)):
        services.request_hearing(case, by=cw.wuyuan_officer)
        with pytest.raises(InvalidInput) as too_soon:
            services.schedule_hearing(
                case,
                by=cw.wuyuan_officer,
                host=cw.legal_reviewer,
                place="听证室",
                scheduled_at=MONDAY + dt.timedelta(days=5),
            )
        assert too_soon.value.field == "scheduled_at"
        with pytest.raises(InvalidInput) as investigator:
            services.schedule_hearing(
                case,
                by=cw.wuyuan_officer,
                host=cw.wuyuan_officer2,
                place="听证室",
                scheduled_at=MONDAY + dt.timedelta(days=16),
            )
        assert investigator.value.field == "host"
        services.schedule_hearing(
            case,
            by=cw.wuyuan_officer,
            host=cw.legal_reviewer,
            place="武原执法队听证室",
            scheduled_at=at_local(2026, 6, 15, 14),
        )
    case.refresh_from_db()
    assert case.state == S.HEARING
    with at(at_local(2026, 6, 15, 9)):
        with pytest.raises(InvalidInput):
            decide(cw, case)  # the hearing is not recorded yet
    with at(at_local(2026, 6, 15, 16)):
        services.hold_hearing(
            case,
            by=cw.wuyuan_officer,
            outcome=HearingOutcome.HELD,
            transcript_summary="当事人称已停止占道，请求从轻。",
        )
        with pytest.raises(InvalidInput) as needs_review:
            decide(cw, case, fine=Decimal("8000"))
        assert "第五十八条" in str(needs_review.value)
        services.refer_to_legal_review(case, by=cw.wuyuan_officer, reason="听证后法制审核")
        review_to_notice(cw, case)
    case.refresh_from_db()
    assert case.state == S.HEARING  # back to the stage it left
    with at(at_local(2026, 6, 16, 10)):
        with pytest.raises(InvalidInput) as heavier:
            decide(cw, case, fine=Decimal("12000"))
        assert heavier.value.field == "fine"
        case = decide(cw, case, fine=Decimal("8000"))
    assert case.state == S.DECIDED and case.fine_amount == Decimal("8000")
    actions = [a for a, _f, _t in history(case)]
    assert actions[-8:] == [
        "request_hearing",
        "schedule_hearing",
        "hold_hearing",
        "refer_to_legal_review",
        "assign_reviewers",
        "record_opinion",
        "review_approved",
        "decide",
    ]


def at_local(year, month, day, hour):
    from civicloop.testing.cases import local

    return local(dt.datetime(year, month, day, hour))


def test_a_withdrawal_is_approved_by_the_responsible_person_never_by_the_one_who_asked(case_world):
    cw = case_world
    with at(MONDAY):
        case = investigate(cw, file(cw))
        with pytest.raises(NotPermitted):
            services.request_withdrawal(case, by=cw.wuyuan_leader, reason="不属实")  # not a handler
        services.request_withdrawal(case, by=cw.wuyuan_officer, reason="经查违法事实不成立")
        with pytest.raises(InvalidInput):
            services.request_withdrawal(case, by=cw.wuyuan_officer2, reason="再次申请")
        with pytest.raises(NotPermitted):
            services.approve_withdrawal(
                case, by=cw.wuyuan_officer2
            )  # a handler is not the responsible person
        services.reject_withdrawal(case, by=cw.wuyuan_leader, reason="还需补充调查")
        services.request_withdrawal(case, by=cw.wuyuan_officer2, reason="补充调查后确认不成立")
        services.approve_withdrawal(case, by=cw.leader, note="同意")
    case.refresh_from_db()
    assert case.state == S.WITHDRAWN and case.withdrawn_at is not None
    assert [a.state for a in case.approvals.order_by("id")] == [
        ApprovalState.REJECTED,
        ApprovalState.APPROVED,
    ]
    assert not case.deadlines.filter(is_active=True, met_at__isnull=True).exists()
    assert history(case)[-4:] == [
        ("request_withdrawal", S.INVESTIGATING, S.INVESTIGATING),
        ("reject_withdrawal", S.INVESTIGATING, S.INVESTIGATING),
        ("request_withdrawal", S.INVESTIGATING, S.INVESTIGATING),
        ("approve_withdrawal", S.INVESTIGATING, S.WITHDRAWN),
    ]


def test_the_person_who_asked_for_a_withdrawal_cannot_approve_it_even_as_a_leader(case_world):
    cw = case_world
    leader = cw.wuyuan_leader  # also an officer of the squad with a certificate
    Post.objects.create(user=leader, unit=cw.wuyuan_squad, role=Role.ENFORCEMENT_OFFICER)
    Qualification.objects.create(
        user=leader,
        kind=QualificationKind.ENFORCEMENT_CERTIFICATE,
        number="ZJ-L1",
        issued_on="2020-01-01",
    )
    leader._cached_posts = None
    with at(MONDAY):
        case = file(cw, by=leader, handlers=[leader, cw.wuyuan_officer])
        services.request_withdrawal(case, by=leader, reason="不属于本单位管辖")
        with pytest.raises(NotPermitted) as refused:
            services.approve_withdrawal(case, by=leader)
        assert "申请人以外的人员" in str(refused.value)
    case.refresh_from_db()
    assert case.state == S.FILED and case.approvals.get().state == ApprovalState.PENDING


def test_a_no_penalty_decision_names_its_ground_and_needs_no_notice(case_world):
    cw = case_world
    with at(MONDAY):
        case = investigate(cw, file(cw))
        services.conclude_investigation(
            case, by=cw.wuyuan_officer, findings=findings(Outcome.NO_PENALTY, None)
        )
        case = review_to_notice(cw, Case.objects.get(pk=case.pk))
        assert case.state == S.PRIOR_NOTICE and case.current_notice is None
        with pytest.raises(InvalidInput) as no_ground:
            decide(cw, case, outcome=Outcome.NO_PENALTY, fine=None, penalties=[])
        assert no_ground.value.field == "no_penalty_ground"
        case = decide(
            cw,
            case,
            outcome=Outcome.NO_PENALTY,
            fine=None,
            penalties=[],
            no_penalty_ground=NoPenaltyGround.MINOR_CORRECTED,
            reason="轻微并及时改正，已教育。",
        )
        services.serve_decision(case, by=cw.wuyuan_officer, method=ServiceMethod.IN_PERSON)
        services.close_case(case, by=cw.wuyuan_leader)
    case.refresh_from_db()
    assert (
        case.state == S.CLOSED and case.outcome == Outcome.NO_PENALTY and case.fine_amount is None
    )


def _department_case(cw):
    return file(
        cw,
        unit=cw.dept_zhzf,
        by=cw.zhzf_handler1,
        handlers=[cw.zhzf_handler1, cw.zhzf_handler2],
        matters=[cw.county_matter],
    )


def test_a_reduced_penalty_goes_below_the_statutory_minimum_and_states_its_ground(case_world):
    cw = case_world
    with at(MONDAY):
        case = investigate(cw, _department_case(cw), by=cw.zhzf_handler1)
        with pytest.raises(InvalidInput) as below:
            services.conclude_investigation(case, by=cw.zhzf_handler1, findings=findings(fine=400))
        assert below.value.field == "fine" and "500" in str(below.value)
        with pytest.raises(InvalidInput) as within:
            services.conclude_investigation(
                case, by=cw.zhzf_handler1, findings=findings(Outcome.REDUCED_PENALTY, fine=600)
            )
        assert within.value.field == "outcome"
        with pytest.raises(InvalidInput) as above:
            services.conclude_investigation(case, by=cw.zhzf_handler1, findings=findings(fine=6000))
        assert above.value.field == "fine"
        services.conclude_investigation(
            case,
            by=cw.zhzf_handler1,
            findings=findings(
                Outcome.REDUCED_PENALTY, fine=300, reason="主动消除危害后果（第三十二条）"
            ),
        )
        services.approve_case_review(case, by=cw.leader)
        case.refresh_from_db()
        assert case.state == S.PRIOR_NOTICE  # a county department's case needs no review by default
        services.serve_notice(case, by=cw.zhzf_handler1, method=ServiceMethod.IN_PERSON)
    with at(LATER):
        case.refresh_from_db()
        case = decide(cw, case, by=cw.leader)
    assert case.outcome == Outcome.REDUCED_PENALTY and case.fine_amount == Decimal("300")
    assert not case.is_empowered


def test_a_penalty_waits_for_the_statement_period_unless_the_party_waives_in_writing(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(cw, file(cw))
        assert case.current_notice.statement_until.date() == dt.date(2026, 6, 4)  # 3 working days
        with pytest.raises(InvalidInput) as waiting:
            decide(cw, case)
        assert "第六十二条" in str(waiting.value)
        services.record_waiver(
            case, by=cw.wuyuan_officer, statement=True, note="当事人书面放弃陈述申辩"
        )
        case = decide(cw, case)
    assert case.state == S.DECIDED


def test_statements_are_recorded_with_their_re_examination(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(cw, file(cw))
        services.record_statement(
            case,
            by=cw.wuyuan_officer,
            content="当事人称初次摆摊",
            review_note="情况属实，予以采纳",
            adopted=True,
        )
        with pytest.raises(InvalidInput) as empty:
            services.record_statement(case, by=cw.wuyuan_officer, content="", review_note="x")
        assert empty.value.field == "content"
    case.refresh_from_db()
    assert case.state == S.STATEMENT and case.statements.get().adopted
    with at(LATER):
        case = decide(cw, case, fine=Decimal("600"))
    assert case.state == S.DECIDED


def test_a_hearing_needs_the_right_and_a_request_within_five_working_days(case_world):
    cw = case_world
    with at(MONDAY):
        small = to_notice(cw, file(cw))
        with pytest.raises(InvalidInput) as no_right:
            services.request_hearing(small, by=cw.wuyuan_officer)
        assert "第六十三条" in str(no_right.value)
        big = to_notice(cw, file(cw), fine=Decimal("15000"))
        assert big.current_notice.hearing_request_until.date() == dt.date(
            2026, 6, 8
        )  # 5 working days
    with at(at_local(2026, 6, 9, 9)):
        with pytest.raises(InvalidInput) as late:
            services.request_hearing(big, by=cw.wuyuan_officer)
        assert late.value.field == "requested_at"
        big = decide(cw, big)  # the window closed without a request: decide
    assert big.state == S.DECIDED and not big.hearings.exists()


def test_a_party_absent_from_the_hearing_waives_it(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(cw, file(cw), fine=Decimal("10000"))
        services.request_hearing(case, by=cw.wuyuan_officer)
        services.schedule_hearing(
            case,
            by=cw.wuyuan_officer,
            host=cw.legal_reviewer,
            place="听证室",
            scheduled_at=at_local(2026, 6, 12, 14),
        )
    with at(at_local(2026, 6, 12, 15)):
        services.hold_hearing(case, by=cw.wuyuan_officer, outcome=HearingOutcome.PARTY_ABSENT)
        case = decide(cw, case)  # no hearing was held: the review before the notice covers it
    assert case.state == S.DECIDED


def test_service_after_seven_working_days_needs_a_reason(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(cw, file(cw))
    with at(LATER):
        case = decide(cw, case)
    assert case.active_deadline("service").due_at.date() == dt.date(2026, 6, 17)
    with at(at_local(2026, 6, 22, 10)):  # 6-19 is the Dragon Boat Festival
        with pytest.raises(InvalidInput) as late:
            services.serve_decision(case, by=cw.wuyuan_officer, method=ServiceMethod.POST)
        assert late.value.field == "reason"
        services.serve_decision(
            case, by=cw.wuyuan_officer, method=ServiceMethod.POST, reason="当事人外出，邮寄送达"
        )
    row = case.history.get(action="serve_decision")
    assert row.details["late"] is True and row.reason == "当事人外出，邮寄送达"


def served_decision(cw):
    """A 1 000 yuan fine decided and served in person on LATER (2026-06-08)."""
    with at(MONDAY):
        case = to_notice(cw, file(cw))
    with at(LATER):
        case = decide(cw, case)
        services.serve_decision(case, by=cw.wuyuan_officer, method=ServiceMethod.IN_PERSON)
    case.refresh_from_db()
    return case


def test_late_payment_adds_three_percent_of_the_fine_a_day_never_more_than_the_fine(case_world):
    cw = case_world
    case = served_decision(cw)
    case.refresh_from_db()
    served_on = dt.date(2026, 6, 8)  # LATER
    assert services.amount_owed(case, on=served_on + dt.timedelta(days=15)) == (
        Decimal("1000"),
        Decimal("0"),
    )
    assert services.amount_owed(case, on=served_on + dt.timedelta(days=17)) == (
        Decimal("1060"),
        Decimal("60"),
    )
    assert services.amount_owed(case, on=served_on + dt.timedelta(days=100)) == (
        Decimal("2000"),
        Decimal("1000"),
    )
    with at(at_local(2026, 6, 25, 10)):  # 2 days late
        with pytest.raises(InvalidInput) as unpaid:
            services.close_case(case, by=cw.wuyuan_leader)
        assert unpaid.value.field == "court_enforcement_on"
        with pytest.raises(InvalidInput) as too_much:
            services.record_payment(case, by=cw.wuyuan_officer, amount=Decimal("1100"))
        assert too_much.value.field == "amount"
        services.record_payment(case, by=cw.wuyuan_officer, amount=Decimal("1000"))
        case.refresh_from_db()
        assert case.performed_at is None and case.state == S.EXECUTING
        services.record_payment(case, by=cw.wuyuan_officer, amount=Decimal("60"))
        services.close_case(case, by=cw.wuyuan_leader)
    case.refresh_from_db()
    assert case.state == S.CLOSED and case.paid_total() == Decimal("1060")
    assert list(Payment.objects.filter(case=case).values_list("surcharge", flat=True)) == [0, 60]
    # Once the fine is paid the surcharge stops growing: months later nothing is owed.
    assert services.amount_owed(case, on=served_on + dt.timedelta(days=200)) == (
        Decimal("0"),
        Decimal("60"),
    )


def test_a_fine_paid_in_time_owes_no_surcharge_later(case_world):
    cw = case_world
    case = served_decision(cw)
    with at(at_local(2026, 6, 12, 10)):
        services.record_payment(case, by=cw.wuyuan_officer, amount=Decimal("1000"))
    case.refresh_from_db()
    assert case.performed_at is not None
    assert services.amount_owed(case, on=dt.date(2026, 11, 28)) == (Decimal("0"), Decimal("0"))


def test_an_unpaid_case_closes_only_with_the_court_enforcement_application(case_world):
    cw = case_world
    case = served_decision(cw)
    with at(at_local(2026, 9, 1, 10)):
        services.close_case(
            case,
            by=cw.wuyuan_leader,
            court_enforcement_on=dt.date(2026, 8, 28),
            reason="逾期不缴纳，已申请人民法院强制执行",
        )
    case.refresh_from_db()
    assert case.state == S.CLOSED and case.court_enforcement_on == dt.date(2026, 8, 28)


def test_a_returned_case_review_goes_back_to_investigation(case_world):
    cw = case_world
    with at(MONDAY):
        case = investigate(cw, file(cw))
        services.conclude_investigation(case, by=cw.wuyuan_officer, findings=findings())
        with pytest.raises(InvalidInput) as no_reason:
            services.return_case_review(case, by=cw.wuyuan_leader, reason="")
        assert no_reason.value.field == "reason"
        services.return_case_review(case, by=cw.wuyuan_leader, reason="询问笔录不完整")
    case.refresh_from_db()
    assert case.state == S.INVESTIGATING
    assert history(case)[-1] == ("return_case_review", S.CASE_REVIEW, S.INVESTIGATING)


def test_a_stage_out_of_order_is_an_invalid_transition_and_stores_nothing(case_world):
    cw = case_world
    with at(MONDAY):
        case = file(cw)
        rows = CaseHistory.objects.count()
        with pytest.raises(InvalidTransition):
            services.approve_case_review(case, by=cw.wuyuan_leader)
        with pytest.raises(InvalidTransition):
            services.decide_case(
                case,
                by=cw.wuyuan_leader,
                decision=services.Decision(outcome=Outcome.PENALTY, fine=Decimal("100")),
            )
    assert CaseHistory.objects.count() == rows and Case.objects.get(pk=case.pk).state == S.FILED


def test_case_history_rows_cannot_be_edited_or_deleted(case_world):
    with at(MONDAY):
        case = file(case_world)
    row = case.history.get()
    row.reason = "changed"
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        case.history.all().update(reason="x")


def test_the_fast_track_or_simple_case_can_switch_to_the_ordinary_procedure(case_world):
    cw = case_world
    with at(MONDAY):
        simple = file(cw, procedure=Procedure.SIMPLE)
        services.convert_to_ordinary(simple, by=cw.wuyuan_officer, reason="罚款超过当场处罚限额")
        fast = file(cw, procedure=Procedure.FAST_TRACK)
        services.convert_to_ordinary(fast, by=cw.wuyuan_officer, reason="当事人不同意简案快办")
    simple.refresh_from_db()
    fast.refresh_from_db()
    assert simple.procedure == fast.procedure == Procedure.ORDINARY
    assert simple.active_deadline("decision") is not None
    assert (
        fast.active_deadline("fast_track") is None and fast.active_deadline("decision") is not None
    )
    assert simple.history.last().details == {"from": "simple", "to": "ordinary"}


def test_other_penalty_kinds_are_notified_and_decided(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(cw, file(cw), fine=Decimal("2000"), penalties=[PenaltyKind.WARNING])
    with at(LATER):
        with pytest.raises(InvalidInput):
            decide(
                cw, case, penalties=[PenaltyKind.WARNING, PenaltyKind.REVOKE_LICENCE]
            )  # heavier: a new kind
        case = decide(cw, case)
    assert case.penalties == [PenaltyKind.WARNING]
