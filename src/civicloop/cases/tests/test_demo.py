"""`civicloop demo` plays penalty cases through the case services: every stage and procedure,
a hearing, a withdrawal, a no-penalty decision, a reduced penalty, joint reviews, cases opened
from demo events — and nothing is refused."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from civicloop.cases.choices import CaseSource, CaseState, Outcome, Procedure, ReviewMode
from civicloop.cases.models import Case, CaseHistory, LegalReview
from civicloop.events.demo import ESSENTIAL


@pytest.fixture
def demo_output(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", events=len(ESSENTIAL) + 4, seed=7, language="en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_demo_has_cases_in_every_stage_and_procedure_made_by_the_services(demo_output):
    out, err = demo_output
    assert "Demo step skipped" not in err
    assert "penalty cases through the case services" in out and "wuyuan_leader" in out
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert set(Case.objects.values_list("procedure", flat=True)) == set(Procedure.values)
    assert Case.objects.filter(hearings__outcome="held").exists()
    assert Case.objects.filter(outcome=Outcome.NO_PENALTY).count() >= 2
    assert Case.objects.filter(outcome=Outcome.REDUCED_PENALTY).exists()
    assert LegalReview.objects.filter(mode=ReviewMode.JOINT_ONLINE, state="approved").exists()
    assert LegalReview.objects.filter(mode=ReviewMode.JOINT_ON_SITE, state="approved").exists()
    assert LegalReview.objects.filter(state="returned").exists()
    assert Case.objects.filter(approvals__kind="extension", approvals__state="approved").exists()
    assert Case.objects.filter(source=CaseSource.EVENT, event__isnull=False).exists()
    for case in Case.objects.all():
        rows = list(case.history.order_by("at", "id"))
        assert rows[0].action == "file"
        for before, after in zip(rows, rows[1:], strict=False):
            assert after.from_state == before.to_state, (case.number, before.action, after.action)
            assert after.at >= before.at
        assert rows[-1].to_state == case.state
    assert not CaseHistory.objects.filter(action="file", actor__isnull=True).exists()


def test_the_demo_figures_show_the_fast_track_closing_faster(demo_output):
    from civicloop.cases.kpis import report

    figures = report()
    days = figures["avg_closing_days"]
    assert days["fast_track"] is not None and days["ordinary"] is not None
    assert days["fast_track"] * 3 < days["ordinary"]
    assert 0 < figures["qualified_review_share"] < 1  # one reviewer serves from before 2021
    assert figures["no_penalty_decisions"] >= 2
