"""Legal review (法制审核, Art. 58): which cases need it, who reviews, who approves, the joint
review's outcome rule, and that no case needing it is decided without it."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.cases import kpis, services
from civicloop.cases import review as rv
from civicloop.cases.choices import (
    CaseState,
    Opinion,
    Procedure,
    ReturnTo,
    ReviewReason,
    ReviewState,
)
from civicloop.cases.models import ReviewSeat
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.figures import figures
from civicloop.testing.cases import (
    MONDAY,
    at,
    decide,
    file,
    findings,
    investigate,
    notify,
    to_notice,
)

S = CaseState
LATER = MONDAY + dt.timedelta(days=7)


def qualified_review_share(period):
    return figures.get("cases.qualified_review_share").value(period)


def to_legal_review(cw, case=None, **findings_kwargs):
    case = investigate(cw, case or file(cw))
    services.conclude_investigation(
        case, by=cw.wuyuan_officer, findings=findings(**findings_kwargs)
    )
    services.approve_case_review(case, by=cw.wuyuan_leader)
    case.refresh_from_db()
    return case


def department_case(cw, **findings_kwargs):
    case = investigate(
        cw,
        file(
            cw,
            unit=cw.dept_zhzf,
            by=cw.zhzf_handler1,
            handlers=[cw.zhzf_handler1, cw.zhzf_handler2],
            matters=[cw.county_matter],
        ),
        by=cw.zhzf_handler1,
    )
    services.conclude_investigation(
        case, by=cw.zhzf_handler1, findings=findings(fine=1000, **findings_kwargs)
    )
    services.approve_case_review(case, by=cw.leader)
    case.refresh_from_db()
    return case


# --- which cases ------------------------------------------------------------------------


def test_every_empowered_town_case_is_reviewed_and_a_departments_only_for_art_58_reasons(
    case_world, settings
):
    cw = case_world
    with at(MONDAY):
        town = to_legal_review(cw)
        plain = department_case(cw)
        complex_case = department_case(
            cw,
            is_complex=True,
            major_public_interest=True,
            other_law_review_basis="《某条例》第十条",
        )
    assert town.state == S.LEGAL_REVIEW and rv.review_reasons(town) == [ReviewReason.EMPOWERED_TOWN]
    assert plain.state == S.PRIOR_NOTICE and rv.review_reasons(plain) == []
    assert complex_case.state == S.LEGAL_REVIEW
    assert rv.review_reasons(complex_case) == [
        ReviewReason.MAJOR_PUBLIC_INTEREST,
        ReviewReason.COMPLEX,
        ReviewReason.OTHER_LAW,
    ]
    settings.CIVICLOOP_REVIEW_ALL_EMPOWERED_CASES = False
    assert rv.review_reasons(town) == []


def test_on_the_spot_decisions_are_outside_the_local_review_rule(case_world):
    with at(MONDAY):
        case = file(case_world, procedure=Procedure.SIMPLE)
    assert case.is_empowered and rv.review_reasons(case) == []


def test_a_case_needing_review_cannot_be_decided_without_an_approved_one(case_world, settings):
    cw = case_world
    settings.CIVICLOOP_REVIEW_ALL_EMPOWERED_CASES = False
    with at(MONDAY):
        case = to_legal_review(cw)
        assert case.state == S.PRIOR_NOTICE  # no review was required on the way
        notify(cw, case)
    settings.CIVICLOOP_REVIEW_ALL_EMPOWERED_CASES = (
        True  # the county adopts the rule before the decision
    )
    with at(LATER), pytest.raises(InvalidInput) as refused:
        decide(cw, case)
    assert "第五十八条" in str(refused.value)
    case.refresh_from_db()
    assert case.state == S.PRIOR_NOTICE and case.decided_at is None


# --- who reviews, who approves ----------------------------------------------------------


def test_reviewers_come_from_the_roster_and_never_from_the_cases_handlers(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_legal_review(cw)
        for user in (cw.wuyuan_officer, cw.wuyuan_dispatcher, cw.outsider):
            with pytest.raises(InvalidInput) as refused:
                services.assign_reviewers(
                    case, by=cw.wuyuan_officer, reviewers=[user], mode="single"
                )
            assert refused.value.field == "reviewers"
        with pytest.raises(InvalidInput):
            services.assign_reviewers(
                case, by=cw.wuyuan_officer, reviewers=[cw.legal_reviewer, cw.lawyer], mode="single"
            )
        with pytest.raises(InvalidInput):
            services.assign_reviewers(
                case, by=cw.wuyuan_officer, reviewers=[cw.legal_reviewer], mode="joint_online"
            )
        with pytest.raises(InvalidInput) as no_place:
            services.assign_reviewers(
                case,
                by=cw.wuyuan_officer,
                reviewers=[cw.legal_reviewer, cw.lawyer],
                mode="joint_on_site",
            )
        assert no_place.value.field == "place"
        with pytest.raises(NotPermitted):
            services.assign_reviewers(
                case, by=cw.legal_reviewer, reviewers=[cw.lawyer], mode="single"
            )
        services.assign_reviewers(case, by=cw.wuyuan_leader, reviewers=[cw.lawyer], mode="single")
    assert case.legal_reviews.get().seats.get().reviewer == cw.lawyer  # 驻队律师 may be assigned


def test_an_unqualified_reviewer_cannot_approve_but_may_return(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_legal_review(cw)
        services.assign_reviewers(
            case, by=cw.wuyuan_officer, reviewers=[cw.unqualified_reviewer], mode="single"
        )
        with pytest.raises(NotPermitted) as refused:
            services.record_opinion(case, by=cw.unqualified_reviewer, opinion=Opinion.APPROVE)
        assert "第五十八条第二款" in str(refused.value)
        assert not ReviewSeat.objects.exclude(opinion="").exists()
        services.record_opinion(
            case,
            by=cw.unqualified_reviewer,
            opinion=Opinion.RETURN,
            reasons="证据不足",
            return_to=ReturnTo.CASE_REVIEW,
        )
    case.refresh_from_db()
    assert case.state == S.CASE_REVIEW and case.legal_reviews.get().state == ReviewState.RETURNED


def test_someone_not_assigned_cannot_record_an_opinion(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_legal_review(cw)
        services.assign_reviewers(
            case, by=cw.wuyuan_officer, reviewers=[cw.legal_reviewer], mode="single"
        )
        for user in (cw.wuyuan_reviewer, cw.wuyuan_officer, cw.wuyuan_leader, cw.outsider):
            with pytest.raises(NotPermitted):
                services.record_opinion(case, by=user, opinion=Opinion.APPROVE)


def test_a_reviewer_serving_before_2021_approves_without_the_qualification_and_the_kpi_shows_it(
    case_world,
):
    cw = case_world
    assert (
        rv.standing(cw.veteran_reviewer).may_approve
        and not rv.standing(cw.veteran_reviewer).qualified
    )
    assert not rv.standing(cw.unqualified_reviewer).may_approve
    with at(MONDAY):
        by_veteran = to_legal_review(cw)
        services.assign_reviewers(
            by_veteran, by=cw.wuyuan_officer, reviewers=[cw.veteran_reviewer], mode="single"
        )
        services.record_opinion(by_veteran, by=cw.veteran_reviewer, opinion=Opinion.APPROVE)
        by_qualified = to_notice(cw, file(cw))
        notify(cw, by_veteran)
    with at(LATER):
        decide(cw, by_veteran)
        decide(cw, by_qualified)
    seat = ReviewSeat.objects.get(reviewer=cw.veteran_reviewer)
    assert seat.qualified is False and seat.qualification_number == ""
    assert ReviewSeat.objects.get(reviewer=cw.legal_reviewer).qualification_number == "A2021000001"
    assert qualified_review_share(kpis.Period()) == 0.5


def test_without_the_serving_rule_only_holders_of_the_qualification_approve(case_world, settings):
    settings.CIVICLOOP_REVIEW_SERVING_BEFORE = ""
    assert not rv.standing(case_world.veteran_reviewer).may_approve


# --- joint review ------------------------------------------------------------------------


def joint(cw, reviewers, opinions, *, mode="joint_online"):
    with at(MONDAY):
        case = to_legal_review(cw)
        services.assign_reviewers(
            case,
            by=cw.wuyuan_officer,
            reviewers=reviewers,
            mode=mode,
            place="会议室",
            meeting_at=MONDAY + dt.timedelta(hours=5),
        )
        for reviewer, (opinion, extra) in zip(reviewers, opinions, strict=True):
            case.refresh_from_db()
            assert case.state == S.LEGAL_REVIEW  # nothing is decided before the last opinion
            services.record_opinion(case, by=reviewer, opinion=opinion, **extra)
    case.refresh_from_db()
    return case


def test_a_unanimous_joint_review_approves_when_every_reviewer_approves_and_collects_the_changes(
    case_world,
):
    cw = case_world
    case = joint(
        cw,
        [cw.legal_reviewer, cw.wuyuan_reviewer],
        [(Opinion.APPROVE, {}), (Opinion.APPROVE_WITH_CHANGES, {"changes": "罚款调整为八百元"})],
        mode="joint_on_site",
    )
    review = case.legal_reviews.get()
    assert (
        case.state == S.PRIOR_NOTICE
        and review.state == ReviewState.APPROVED
        and review.rule == "unanimous"
    )
    assert "罚款调整为八百元" in review.summary and review.place == "会议室"


def test_a_unanimous_joint_review_returns_when_one_reviewer_returns(case_world):
    cw = case_world
    case = joint(
        cw,
        [cw.legal_reviewer, cw.wuyuan_reviewer],
        [
            (Opinion.APPROVE, {}),
            (Opinion.RETURN, {"reasons": "法律适用错误", "return_to": ReturnTo.INVESTIGATING}),
        ],
    )
    assert (
        case.state == S.INVESTIGATING
        and case.legal_reviews.get().return_to == ReturnTo.INVESTIGATING
    )
    assert (
        case.history.last().action == "review_returned"
        and "法律适用错误" in case.history.last().reason
    )


def test_a_majority_joint_review_approves_with_two_of_three(case_world, settings):
    settings.CIVICLOOP_JOINT_REVIEW_RULE = "majority"
    cw = case_world
    case = joint(
        cw,
        [cw.legal_reviewer, cw.wuyuan_reviewer, cw.unqualified_reviewer],
        [
            (Opinion.APPROVE, {}),
            (Opinion.APPROVE, {}),
            (Opinion.RETURN, {"reasons": "量罚偏重", "return_to": ReturnTo.CASE_REVIEW}),
        ],
    )
    assert case.state == S.PRIOR_NOTICE and case.legal_reviews.get().rule == "majority"


def test_a_joint_review_needs_an_approving_reviewer_who_holds_the_qualification(case_world):
    cw = case_world
    case = joint(
        cw,
        [cw.veteran_reviewer, cw.unqualified_reviewer],
        [
            (Opinion.APPROVE, {}),
            (Opinion.RETURN, {"reasons": "需补证", "return_to": ReturnTo.CASE_REVIEW}),
        ],
    )
    assert case.state == S.CASE_REVIEW
    seats = [
        type(
            "Seat",
            (),
            {
                "opinion": Opinion.APPROVE,
                "qualified": False,
                "reviewer": "x",
                "changes": "",
                "return_to": "",
                "reasons": "",
            },
        )()
        for _ in range(2)
    ]
    outcome = rv.joint_outcome(seats, rule="unanimous")
    assert outcome.state == ReviewState.RETURNED and "法律职业资格" in outcome.summary


def test_opinions_need_their_changes_or_reasons(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_legal_review(cw)
        services.assign_reviewers(
            case, by=cw.wuyuan_officer, reviewers=[cw.legal_reviewer], mode="single"
        )
        with pytest.raises(InvalidInput) as changes:
            services.record_opinion(
                case, by=cw.legal_reviewer, opinion=Opinion.APPROVE_WITH_CHANGES
            )
        assert changes.value.field == "changes"
        with pytest.raises(InvalidInput) as where:
            services.record_opinion(case, by=cw.legal_reviewer, opinion=Opinion.RETURN, reasons="x")
        assert where.value.field == "return_to"
    assert not ReviewSeat.objects.exclude(opinion="").exists()


def test_reviewers_see_the_cases_given_to_them(case_world):
    from civicloop.cases.models import Case

    cw = case_world
    with at(MONDAY):
        case = to_legal_review(cw)
    assert case not in Case.objects.visible_to(cw.legal_reviewer)
    with at(MONDAY):
        services.assign_reviewers(
            case, by=cw.wuyuan_officer, reviewers=[cw.legal_reviewer], mode="single"
        )
    assert case in Case.objects.visible_to(cw.legal_reviewer)
    assert case in Case.objects.needing_action_by(cw.legal_reviewer)


def test_the_review_page_lists_reviewers_with_their_qualification(case_world, client):
    client.force_login(case_world.wuyuan_officer)
    page = client.get("/cases/reviewers/").content.decode()
    assert "A2021000001" in page and "veteran_reviewer" in page and "unqualified_reviewer" in page
    api = client.get("/api/legal-reviewers/").json()
    rows = {r["user"]["username"]: r for r in api}
    assert rows["legal_reviewer"]["may_approve"] and rows["veteran_reviewer"]["may_approve"]
    assert not rows["unqualified_reviewer"]["may_approve"] and rows["lawyer"]["qualified"]


def test_the_qualified_review_share_counts_empowered_cases_decided_in_the_period(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(cw, file(cw))
        department = department_case(cw)
        notify(cw, department)
    with at(LATER):
        decide(cw, case)
        decide(cw, department, by=cw.leader)
    assert qualified_review_share(kpis.Period()) == 1.0  # the department's case is not counted
    assert qualified_review_share(kpis.Period(dt.date(2026, 7, 1), None)) is None
