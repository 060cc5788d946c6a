"""Recording reconsiderations and lawsuits: each rule on both sides (decided case, dates in
order, a decision date exactly when there is an outcome, the applicant a party of the case),
nothing stored on a refusal, the history of who changed what, who may record, and the panel on
the case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.discretion import proceedings as services
from civicloop.discretion.models import (
    ChallengeKind,
    ChallengeOutcome,
    LegalChallenge,
    LegalChallengeHistory,
)

from .proceedings_helpers import decided

RECON, SUIT = ChallengeKind.RECONSIDERATION, ChallengeKind.LITIGATION
# Decided at 23:30 local on 10 March: the decision's day is the 10th (in UTC the 10th too, but
# 15:30 — the local day is what counts).
DECIDED = dt.datetime(2026, 3, 10, 23, 30)
DAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def case(case_world):
    return decided(case_world, "2026-001", decided=DECIDED, parties=[case_world.enterprise])


def record(cw, case, *, by=None, **kwargs):
    kwargs.setdefault("kind", RECON)
    kwargs.setdefault("body", "海盐县人民政府")
    kwargs.setdefault("filed_on", DAY)
    return services.record_challenge(case, by=by or cw.wuyuan_officer, **kwargs)


def refused(cw, case, field, **kwargs) -> str:
    with pytest.raises(InvalidInput) as raised:
        record(cw, case, **kwargs)
    assert raised.value.field == field
    assert not LegalChallenge.objects.exists()
    assert not LegalChallengeHistory.objects.exists()
    return str(raised.value)


# --- validation -----------------------------------------------------------------------------


def test_a_case_without_a_decision_cannot_be_challenged(case_world):
    open_case = decided(case_world, "2026-002", decided=None)
    message = refused(case_world, open_case, "case")
    assert "no decision yet" in message


def test_filed_on_the_day_of_the_decision_but_not_the_day_before(case_world, case):
    message = refused(case_world, case, "filed_on", filed_on=DAY - dt.timedelta(days=1))
    assert "2026-03-10" in message
    challenge = record(case_world, case, filed_on=DAY)
    assert challenge.outcome == ChallengeOutcome.PENDING and challenge.decided_on is None


def test_accepted_on_or_after_filing(case_world, case):
    refused(case_world, case, "accepted_on", filed_on=DAY + dt.timedelta(days=2),
            accepted_on=DAY + dt.timedelta(days=1))  # fmt: skip
    record(case_world, case, filed_on=DAY + dt.timedelta(days=2),
           accepted_on=DAY + dt.timedelta(days=2))  # fmt: skip


def test_decided_on_or_after_acceptance(case_world, case):
    accepted = DAY + dt.timedelta(days=5)
    refused(case_world, case, "decided_on", accepted_on=accepted,
            outcome=ChallengeOutcome.UPHELD, decided_on=accepted - dt.timedelta(days=1))  # fmt: skip
    challenge = record(case_world, case, accepted_on=accepted, outcome=ChallengeOutcome.UPHELD,
                       decided_on=accepted)  # fmt: skip
    assert challenge.decided_on == accepted


def test_an_outcome_needs_its_decision_date_and_pending_has_none(case_world, case):
    message = refused(case_world, case, "decided_on", outcome=ChallengeOutcome.REVOKED)
    assert "date of the decision or judgment" in message
    refused(case_world, case, "decided_on", decided_on=DAY + dt.timedelta(days=30))
    record(case_world, case, outcome=ChallengeOutcome.REVOKED, decided_on=DAY)


def test_no_date_in_the_future(case_world, case):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused(case_world, case, "filed_on", filed_on=tomorrow)
    record(case_world, case, filed_on=timezone.localdate())


def test_the_applicant_is_one_of_the_cases_parties(case_world, case):
    refused(case_world, case, "applicant", applicant=case_world.person)
    challenge = record(case_world, case, applicant=case_world.enterprise)
    assert challenge.applicant == case_world.enterprise


def test_a_body_is_required(case_world, case):
    refused(case_world, case, "body", body="  ")


# --- history ----------------------------------------------------------------------------------


def test_every_change_is_recorded_with_who_and_when(case_world, case):
    cw = case_world
    challenge = record(cw, case, kind=SUIT, body="海盐县人民法院", applicant=cw.enterprise)
    services.update_challenge(challenge, by=cw.legal_reviewer, accepted_on=DAY + dt.timedelta(days=3),
                              document_number="(2026)浙0424行初12号")  # fmt: skip
    services.set_outcome(challenge, by=cw.legal_reviewer, outcome=ChallengeOutcome.REVOKED,
                         decided_on=DAY + dt.timedelta(days=40), note="事实认定不清")  # fmt: skip
    services.set_outcome(challenge, by=cw.wuyuan_officer, outcome=ChallengeOutcome.PENDING,
                         decided_on=None, note="二审发回重审")  # fmt: skip

    rows = list(challenge.history.order_by("at", "id"))
    assert [(r.action, r.actor, r.from_state, r.to_state) for r in rows] == [
        ("create", cw.wuyuan_officer, "", "pending"),
        ("update", cw.legal_reviewer, "pending", "pending"),
        ("outcome", cw.legal_reviewer, "pending", "revoked"),
        ("outcome", cw.wuyuan_officer, "revoked", "pending"),
    ]
    assert rows[0].details["body"] == "海盐县人民法院"
    assert rows[1].details == {
        "accepted_on": [None, "2026-03-13"],
        "document_number": ["", "(2026)浙0424行初12号"],
    }
    assert rows[2].reason == "事实认定不清" and rows[2].details["decided_on"] == "2026-04-19"
    challenge.refresh_from_db()
    assert challenge.outcome == ChallengeOutcome.PENDING and challenge.decided_on is None


def test_recording_an_old_challenge_with_its_outcome_writes_both_rows(case_world, case):
    challenge = record(case_world, case, outcome=ChallengeOutcome.UPHELD, decided_on=DAY)
    assert [r.action for r in challenge.history.all()] == ["create", "outcome"]


def test_a_refused_outcome_leaves_the_challenge_as_it_was(case_world, case):
    challenge = record(case_world, case)
    with pytest.raises(InvalidInput):
        services.set_outcome(challenge, by=case_world.wuyuan_officer,
                             outcome=ChallengeOutcome.VARIED, decided_on=None)  # fmt: skip
    challenge.refresh_from_db()
    assert challenge.outcome == ChallengeOutcome.PENDING
    assert [r.action for r in challenge.history.all()] == ["create"]


def test_an_update_that_changes_nothing_writes_no_row(case_world, case):
    challenge = record(case_world, case)
    services.update_challenge(challenge, by=case_world.wuyuan_officer, body="海盐县人民政府")
    assert challenge.history.count() == 1


# --- who ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("wuyuan_officer", True),  # an officer of the handling unit
        ("wuyuan_reviewer", True),  # the squad's own legal reviewer: staff of the unit
        ("legal_reviewer", True),  # the county legal office
        ("ganpu_officer", False),  # another town's squad
        ("unqualified_reviewer", False),  # a legal reviewer, but of another town's squad
        ("leader", False),  # sees every case, but is not the unit's staff
        ("outsider", False),
    ],
)
def test_who_may_record(case_world, case, username, allowed):
    user = case_world.users[username]
    assert services.may_record(user, case) is allowed
    if allowed:
        record(case_world, case, by=user)
    else:
        with pytest.raises(NotPermitted):
            record(case_world, case, by=user)
        assert not LegalChallenge.objects.exists()


def test_the_outcome_is_refused_to_another_units_officer(case_world, case):
    challenge = record(case_world, case)
    with pytest.raises(NotPermitted):
        services.set_outcome(challenge, by=case_world.ganpu_officer,
                             outcome=ChallengeOutcome.UPHELD, decided_on=DAY)  # fmt: skip
    assert LegalChallenge.objects.get().outcome == ChallengeOutcome.PENDING


# --- pages ----------------------------------------------------------------------------------------


def test_the_case_page_lists_challenges_with_a_form_for_the_unit(case_world, case, client):
    cw = case_world
    record(cw, case, kind=SUIT, body="海盐县人民法院", outcome=ChallengeOutcome.REVOKED,
           decided_on=DAY + dt.timedelta(days=20))  # fmt: skip
    client.force_login(cw.wuyuan_officer)
    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="case-challenges"' in page
    assert "海盐县人民法院" in page and 'data-outcome="revoked"' in page
    assert 'id="challenge-form"' in page

    client.force_login(cw.leader)  # may see the case, may not record
    page = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "海盐县人民法院" in page and 'id="challenge-form"' not in page


def test_an_undecided_case_shows_no_panel(case_world, client):
    open_case = decided(case_world, "2026-003", decided=None)
    client.force_login(case_world.wuyuan_officer)
    page = client.get(f"/cases/{open_case.pk}/").content.decode()
    assert 'id="case-challenges"' not in page


def test_adding_from_the_page(case_world, case, client):
    cw = case_world
    client.force_login(cw.wuyuan_officer)
    url = f"/discretion/cases/{case.pk}/challenges/new/"
    data = {"kind": RECON, "body": "海盐县人民政府", "filed_on": "2026-03-09", "outcome": "pending"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "cannot be filed before the decision" in response.content.decode()
    assert not LegalChallenge.objects.exists()

    response = client.post(url, {**data, "filed_on": "2026-03-12"})
    assert response.status_code == 302 and response["Location"].endswith("#case-challenges")
    challenge = LegalChallenge.objects.get()
    assert challenge.recorded_by == cw.wuyuan_officer

    response = client.post(f"/discretion/challenges/{challenge.pk}/outcome/",
                           {"outcome": "varied", "decided_on": "2026-04-01"})  # fmt: skip
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.outcome == ChallengeOutcome.VARIED


def test_the_pages_refuse_those_who_may_not_record(case_world, case, client):
    challenge = record(case_world, case)
    client.force_login(case_world.leader)
    data = {"kind": RECON, "body": "海盐县人民政府", "filed_on": "2026-03-12", "outcome": "pending"}
    assert client.post(f"/discretion/cases/{case.pk}/challenges/new/", data).status_code == 403
    outcome = {"outcome": "upheld", "decided_on": "2026-04-01"}
    url = f"/discretion/challenges/{challenge.pk}/outcome/"
    assert client.post(url, outcome).status_code == 403
    # Someone who may not even see the case finds nothing there.
    client.force_login(case_world.ganpu_officer)
    assert client.post(url, outcome).status_code == 404
    assert LegalChallenge.objects.get().outcome == ChallengeOutcome.PENDING
    assert LegalChallenge.objects.count() == 1


def test_a_failing_case_panel_is_left_out_and_the_page_still_shows(case_world, case, client):
    """The generic hook (cases/hooks.py ``case_panels``) the challenges panel is registered in."""
    from civicloop.cases.hooks import CasePanel, case_panels

    def broken(request, case):
        raise RuntimeError("a panel's bug")

    case_panels.add(CasePanel("test.broken", "discretion/proceeding_panel.html", broken, order=1))
    try:
        client.force_login(case_world.wuyuan_officer)
        response = client.get(f"/cases/{case.pk}/")
    finally:
        case_panels.unregister("test.broken")
    assert response.status_code == 200
    assert response.content.decode().count('id="case-challenges"') == 1  # ours, not the broken one
