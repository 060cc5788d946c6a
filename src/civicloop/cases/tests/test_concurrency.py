"""Two people acting on the same case at once (PostgreSQL row locks): exactly one succeeds, one
history row is written, and case numbers filed at the same moment stay distinct."""

from __future__ import annotations

import pytest

from civicloop.cases import services
from civicloop.cases.choices import CaseState
from civicloop.cases.models import Case, CaseHistory
from civicloop.core.errors import InvalidTransition
from civicloop.testing.cases import file, findings, investigate
from civicloop.testing.concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_double_submitted_case_review_approves_once(case_world):
    cw = case_world
    case = investigate(cw, file(cw))
    services.conclude_investigation(case, by=cw.wuyuan_officer, findings=findings())
    results = run_together(
        [
            lambda: services.approve_case_review(case, by=cw.wuyuan_leader),
            lambda: services.approve_case_review(case, by=cw.wuyuan_leader),
        ]
    )
    done = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if isinstance(r, InvalidTransition)]
    assert len(done) == 1 and len(refused) == 1, results
    assert CaseHistory.objects.filter(case=case, action="approve_case_review").count() == 1
    assert Case.objects.get(pk=case.pk).state == CaseState.LEGAL_REVIEW


def test_cases_filed_at_the_same_moment_get_distinct_numbers(case_world):
    cw = case_world
    results = run_together(
        [
            lambda: file(cw, title="占道经营案一"),
            lambda: file(cw, by=cw.wuyuan_officer2, title="占道经营案二"),
            lambda: file(cw, title="占道经营案三"),
        ]
    )
    assert all(isinstance(r, Case) for r in results), results
    numbers = sorted(r.number for r in results)
    assert len(set(numbers)) == 3
    assert [n[-6:] for n in numbers] == ["第0001号", "第0002号", "第0003号"]
