"""Permission matrix of penalty cases, per role: who sees which cases (services, pages, API),
and for representative transitions who may take them — the allowed write their row, the
others are refused (NotPermitted; 403 on pages and API; 404 outside their scope) and
nothing is stored."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from civicloop.cases import services
from civicloop.cases.models import Case, CaseHistory
from civicloop.cases.permissions import capacities
from civicloop.core.errors import NotPermitted
from civicloop.testing.cases import MONDAY, at, file, findings, investigate

USERS = [
    "centre",
    "leader",
    "wuyuan_leader",
    "wuyuan_dispatcher",
    "ganpu_dispatcher",
    "wuyuan_officer",
    "wuyuan_officer2",
    "wuyuan_trainee",
    "ganpu_officer",
    "dept_officer",
    "zhzf_officer",
    "zhzf_handler1",
    "grid_worker",
    "red_butler",
    "station_staff",
    "legal_reviewer",
    "lawyer",
    "assessor",
    "outsider",
    "admin",
]


@pytest.fixture
def cases(case_world):
    cw = case_world
    from civicloop.testing.matters import grant

    grant(cw, cw.town_matter, town=cw.ganpu)
    with at(MONDAY):
        return {
            "wuyuan": file(cw),
            "ganpu": file(
                cw,
                unit=cw.ganpu_squad,
                by=cw.ganpu_officer,
                handlers=[cw.ganpu_officer, cw.ganpu_officer2],
            ),
            "department": file(
                cw,
                unit=cw.dept_zhzf,
                by=cw.zhzf_handler1,
                handlers=[cw.zhzf_handler1, cw.zhzf_handler2],
                matters=[cw.county_matter],
            ),
        }


EVERYTHING = {"wuyuan", "ganpu", "department"}
VISIBLE = {
    "centre": EVERYTHING,
    "leader": EVERYTHING,
    "wuyuan_leader": EVERYTHING,
    "admin": EVERYTHING,
    "wuyuan_dispatcher": {"wuyuan"},
    "ganpu_dispatcher": {"ganpu"},
    "wuyuan_officer": {"wuyuan"},
    "wuyuan_officer2": {"wuyuan"},
    "wuyuan_trainee": {"wuyuan"},
    "ganpu_officer": {"ganpu"},
    "dept_officer": set(),
    "zhzf_officer": {"department"},
    "zhzf_handler1": {"department"},
    "grid_worker": set(),
    "red_butler": set(),
    "station_staff": set(),
    "legal_reviewer": set(),
    "lawyer": set(),
    "assessor": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("username", USERS)
def test_each_role_sees_exactly_its_cases_in_services_pages_and_api(
    case_world, cases, client, username
):
    user = case_world.users[username]
    expected = VISIBLE[username]
    visible = {name for name, case in cases.items() if case in Case.objects.visible_to(user)}
    assert visible == expected
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    listed = {row["number"] for row in api.get("/api/cases/").json()["results"]}
    assert listed == {cases[name].number for name in expected}
    for name, case in cases.items():
        page = client.get(f"/cases/{case.pk}/").status_code
        detail = api.get(f"/api/cases/{case.pk}/").status_code
        assert (page, detail) == ((200, 200) if name in expected else (404, 404)), name


def test_capacities_follow_handlers_the_units_leaders_and_the_reviewer_seats(case_world, cases):
    cw, case = case_world, cases["wuyuan"]
    caps = {name: capacities(cw.users[name], case) for name in USERS}
    assert {n for n, c in caps.items() if "handler" in c} == {"wuyuan_officer", "wuyuan_officer2"}
    assert {n for n, c in caps.items() if "responsible" in c} == {"leader", "wuyuan_leader"}
    assert {n for n, c in caps.items() if "unit_officer" in c} == {
        "wuyuan_officer",
        "wuyuan_officer2",
        "wuyuan_trainee",
    }
    assert not any("reviewer" in c for c in caps.values())
    assert "responsible" in capacities(cw.leader, cases["department"])
    assert "responsible" not in capacities(cw.wuyuan_leader, cases["department"])


def snapshot(case):
    case.refresh_from_db()
    return case.state, case.history.count(), case.approvals.count(), case.evidence.count()


TRANSITIONS = {
    # transition → (who may, how to call it)
    "start_investigation": (
        {"wuyuan_officer", "wuyuan_officer2"},
        lambda case, by: services.start_investigation(case, by=by),
    ),
    "request_withdrawal": (
        {"wuyuan_officer", "wuyuan_officer2"},
        lambda case, by: services.request_withdrawal(case, by=by, reason="不成立"),
    ),
}


@pytest.mark.parametrize("transition", sorted(TRANSITIONS))
@pytest.mark.parametrize("username", USERS)
def test_handler_transitions_are_for_the_cases_handlers_only(
    case_world, cases, transition, username
):
    allowed, call = TRANSITIONS[transition]
    case = cases["wuyuan"]
    before = snapshot(case)
    user = case_world.users[username]
    with at(MONDAY):
        if username in allowed:
            call(case, user)
            assert snapshot(case) != before
            assert case.history.last().actor == user
        else:
            with pytest.raises(NotPermitted):
                call(case, user)
            assert snapshot(case) == before


@pytest.mark.parametrize("username", USERS)
def test_the_case_review_and_the_decision_are_for_the_responsible_person(
    case_world, cases, username
):
    cw = case_world
    case = cases["wuyuan"]
    with at(MONDAY):
        investigate(cw, case)
        services.conclude_investigation(case, by=cw.wuyuan_officer, findings=findings())
    before = snapshot(case)
    user = cw.users[username]
    with at(MONDAY):
        if username in {"wuyuan_leader", "leader"}:
            services.approve_case_review(case, by=user)
            assert case.history.last().action == "approve_case_review"
        else:
            with pytest.raises(NotPermitted):
                services.approve_case_review(case, by=user)
            assert snapshot(case) == before


def test_pages_and_api_refuse_an_action_with_403_inside_scope_and_404_outside(
    case_world, cases, client
):
    cw = case_world
    case = cases["wuyuan"]
    rows = CaseHistory.objects.count()
    client.force_login(cw.wuyuan_dispatcher)  # sees the case, is not a handler
    assert client.post(f"/cases/{case.pk}/act/start_investigation/").status_code == 403
    client.force_login(cw.ganpu_officer)  # does not see it
    assert client.post(f"/cases/{case.pk}/act/start_investigation/").status_code == 404
    api = APIClient()
    api.force_authenticate(cw.wuyuan_dispatcher)
    assert api.post(f"/api/cases/{case.pk}/start-investigation/").status_code == 403
    api.force_authenticate(cw.ganpu_officer)
    assert api.post(f"/api/cases/{case.pk}/start-investigation/").status_code == 404
    api.force_authenticate(cw.wuyuan_officer)
    assert api.post(f"/api/cases/{case.pk}/approve-case-review/").status_code == 409  # wrong stage
    assert CaseHistory.objects.count() == rows
    client.force_login(cw.wuyuan_officer)
    response = client.post(f"/cases/{case.pk}/act/start_investigation/")
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "investigating"


def test_the_buttons_shown_are_the_actions_allowed_to_me(case_world, cases, client):
    cw = case_world
    case = cases["wuyuan"]
    client.force_login(cw.wuyuan_officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert (
        'data-action="start_investigation"' in page and 'data-action="request_withdrawal"' in page
    )
    assert (
        'data-action="approve_withdrawal"' not in page
        and 'data-action="decide_on_the_spot"' not in page
    )
    client.force_login(cw.wuyuan_leader)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-action="start_investigation"' not in page
    with at(MONDAY):
        services.request_withdrawal(case, by=cw.wuyuan_officer, reason="不成立")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-action="approve_withdrawal"' in page and 'data-action="reject_withdrawal"' in page
    api = APIClient()
    api.force_authenticate(cw.wuyuan_leader)
    assert set(api.get(f"/api/cases/{case.pk}/").json()["allowed_actions"]) == {
        "approve_withdrawal",
        "reject_withdrawal",
    }
