"""Case approvals and legal reviews in the one work queue (core/workqueue.py): the
responsible leader sees the withdrawal awaiting approval, the assigned reviewer the review
awaiting an opinion; others do not."""

from __future__ import annotations

from django.urls import reverse

from civicloop.cases import services
from civicloop.cases.choices import Opinion, ReviewMode
from civicloop.core.workqueue import work_queue
from civicloop.testing.cases import MONDAY, at, file, findings, investigate


def test_a_withdrawal_awaits_the_responsible_leaders_approval_in_his_queue(case_world):
    cw = case_world
    with at(MONDAY):
        case = investigate(cw, file(cw))
        services.request_withdrawal(case, by=cw.wuyuan_officer, reason="经查违法事实不成立")
        url = reverse("cases:detail", args=[case.pk])
        for leader in (cw.wuyuan_leader, cw.leader):
            items = work_queue(leader).of_kind("case_approvals")
            assert [i.url for i in items] == [url]
            assert items[0].deadline is not None  # the case's decision time limit
        for other in (cw.wuyuan_officer, cw.ganpu_officer, cw.ganpu_dispatcher):
            assert work_queue(other).of_kind("case_approvals") == []
        services.approve_withdrawal(case, by=cw.leader, note="同意")
        assert work_queue(cw.wuyuan_leader).of_kind("case_approvals") == []


def test_a_legal_review_awaits_the_assigned_reviewers_opinion_in_their_queue(case_world):
    cw = case_world
    with at(MONDAY):
        case = investigate(cw, file(cw))
        services.conclude_investigation(case, by=cw.wuyuan_officer, findings=findings())
        services.approve_case_review(case, by=cw.wuyuan_leader)
        case.refresh_from_db()
        services.assign_reviewers(
            case, by=cw.wuyuan_officer, reviewers=[cw.legal_reviewer], mode=ReviewMode.SINGLE
        )
        items = work_queue(cw.legal_reviewer).of_kind("legal_reviews")
        assert [i.url for i in items] == [reverse("cases:detail", args=[case.pk])]
        assert work_queue(cw.wuyuan_officer).of_kind("legal_reviews") == []
        services.record_opinion(case, by=cw.legal_reviewer, opinion=Opinion.APPROVE)
        assert work_queue(cw.legal_reviewer).of_kind("legal_reviews") == []
