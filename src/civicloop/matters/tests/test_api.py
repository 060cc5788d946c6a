"""The API gives the same reads and writes as the pages, under the same permission rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from civicloop.matters import services
from civicloop.matters.choices import GrantKind, RequestState
from civicloop.matters.models import EmpowermentGrant, EmpowermentRequest
from civicloop.testing.matters import grant, make_matter

TODAY = timezone.localdate()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def matter(world):
    return make_matter(world)


def test_the_catalog_lists_matters_with_the_version_in_force(world, matter):
    assert api().get("/api/matters/").status_code == 401
    body = api(world.grid_worker).get("/api/matters/", {"q": "占道"}).json()
    [row] = body["results"]
    assert row["code"] == "ZD-001" and row["department"]["code"] == "dept-zhzf"
    assert row["current_version"]["legal_basis"] == "《城市道路管理条例》第四十二条"
    detail = api(world.grid_worker).get("/api/matters/ZD-001/").json()
    assert detail["versions"][0]["fine_max"] == "20000.00"


@pytest.mark.parametrize(
    "username, status",
    [
        ("wuyuan_dispatcher", 201),
        ("ganpu_dispatcher", 403),
        ("grid_worker", 403),
        ("centre", 403),
        ("dept_officer", 403),
    ],
)
def test_who_may_request_a_matter_for_a_town(world, matter, username, status):
    response = api(world.users[username]).post(
        "/api/empowerment-requests/",
        {
            "town": world.wuyuan.code,
            "matter": "ZD-001",
            "wanted_from": TODAY.isoformat(),
            "reason": "申请",
        },
        format="json",
    )
    assert response.status_code == status, response.json()
    assert EmpowermentRequest.objects.count() == (1 if status == 201 else 0)


def test_the_county_approves_over_the_api_and_the_town_may_not(world, matter):
    request = services.submit_request(
        town=world.wuyuan,
        matter=matter,
        by=world.wuyuan_dispatcher,
        wanted_from=TODAY,
        reason="申请",
    )
    payload = {"decision_number": "盐政发〔2026〕9号", "decision_title": "关于赋权的决定"}
    town = api(world.wuyuan_dispatcher)
    assert town.get(f"/api/empowerment-requests/{request.pk}/").json()["allowed_actions"] == [
        "withdraw"
    ]
    assert (
        town.post(
            f"/api/empowerment-requests/{request.pk}/approve/", payload, format="json"
        ).status_code
        == 403
    )
    assert (
        api(world.ganpu_dispatcher)
        .post(f"/api/empowerment-requests/{request.pk}/approve/", payload, format="json")
        .status_code
        == 404
    )  # not in scope
    response = api(world.centre).post(
        f"/api/empowerment-requests/{request.pk}/approve/", payload, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == RequestState.APPROVED
    assert response.json()["grant"] == EmpowermentGrant.objects.get(request=request).pk
    again = api(world.centre).post(
        f"/api/empowerment-requests/{request.pk}/reject/", {"reason": "x"}, format="json"
    )
    assert again.status_code == 409
    history = api(world.centre).get(f"/api/empowerment-requests/{request.pk}/history/").json()
    assert [h["action"] for h in history] == ["submit", "approve"]


def test_rejecting_over_the_api_needs_a_reason(world, matter):
    request = services.submit_request(
        town=world.wuyuan,
        matter=matter,
        by=world.wuyuan_dispatcher,
        wanted_from=TODAY,
        reason="申请",
    )
    response = api(world.leader).post(
        f"/api/empowerment-requests/{request.pk}/reject/", {}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()["errors"]


def test_grants_are_made_and_ended_by_the_county_only(world, matter):
    payload = {
        "town": world.ganpu.code,
        "matter": "ZD-001",
        "kind": GrantKind.CHARACTERISTIC,
        "effective_from": TODAY.isoformat(),
        "decision_number": "盐政发〔2026〕9号",
        "decision_title": "关于赋权的决定",
    }
    assert (
        api(world.ganpu_dispatcher)
        .post("/api/empowerment-grants/", payload, format="json")
        .status_code
        == 403
    )
    response = api(world.centre).post("/api/empowerment-grants/", payload, format="json")
    assert response.status_code == 201 and response.json()["in_force_today"] is True
    pk = response.json()["id"]
    listed = (
        api(world.grid_worker)
        .get("/api/empowerment-grants/", {"town": world.ganpu.code, "on": TODAY.isoformat()})
        .json()
    )
    assert [g["id"] for g in listed["results"]] == [pk]
    end = {"effective_to": TODAY.isoformat(), "reason": "收回"}
    assert (
        api(world.ganpu_dispatcher)
        .post(f"/api/empowerment-grants/{pk}/end/", end, format="json")
        .status_code
        == 403
    )
    assert (
        api(world.leader).post(f"/api/empowerment-grants/{pk}/end/", end, format="json").status_code
        == 200
    )


def test_a_towns_empowerment_over_the_api_shows_suggestions_only_to_those_who_see_its_records(
    world, matter
):
    grant(world, matter, start=TODAY - dt.timedelta(days=10))
    url = f"/api/empowerment-towns/{world.wuyuan.code}/"
    body = api(world.wuyuan_dispatcher).get(url).json()
    assert [h["matter"]["code"] for h in body["base"]] == ["ZD-001"] and body[
        "characteristic"
    ] == []
    assert body["base"][0]["version"]["article"] == "第四十二条"
    assert body["timeline"][0]["action"] == "grant" and body["suggestions"] == []
    assert api(world.ganpu_dispatcher).get(url).json()["suggestions"] is None
    assert api(world.dept_officer).get(url).json()["suggestions"] is None
    earlier = api(world.centre).get(url, {"on": (TODAY - dt.timedelta(days=11)).isoformat()}).json()
    assert earlier["base"] == []
    assert api(world.centre).get(url, {"on": "yesterday"}).status_code == 400


def test_a_towns_empowerment_on_a_day_beyond_any_record_is_refused_not_a_server_error(
    world, matter, client
):
    # Found by fuzzing the API: on=9999-12-31 overflowed in the holdings' date bounds (a 500).
    grant(world, matter, start=TODAY - dt.timedelta(days=10))
    response = api(world.centre).get(
        f"/api/empowerment-towns/{world.wuyuan.code}/", {"on": "9999-12-31"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"on": ["请填写1900-01-01至2999-12-31之间的日期。"]}
    # The town's page shows today instead, as it does for a malformed date.
    client.force_login(world.centre)
    page = client.get(f"/matters/towns/{world.wuyuan.code}/", {"on": "9999-12-31"})
    assert page.status_code == 200
