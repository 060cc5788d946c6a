"""约谈 and meeting decisions over REST: read-only, each leader within their scope."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from civicloop.supervision import services

MARCH = dt.date(2026, 3, 1)
pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_summonses_are_listed_within_the_leaders_scope(sv):
    wuyuan = services.record_summons(
        by=sv.leader, unit=sv.wuyuan_squad, month=MARCH, reason="连续两月排名靠后"
    )
    ganpu = services.record_summons(
        by=sv.leader, unit=sv.ganpu_squad, month=MARCH, reason="同一事件反复退回"
    )
    county = api(sv.leader).get("/api/summonses/").json()
    assert {row["id"] for row in county["results"]} == {wuyuan.pk, ganpu.pk}
    town = api(sv.wuyuan_leader)
    rows = town.get("/api/summonses/").json()["results"]
    assert [row["id"] for row in rows] == [wuyuan.pk]
    assert rows[0]["unit"] == sv.wuyuan_squad.code and rows[0]["state"] == "suggested"
    assert town.get(f"/api/summonses/{ganpu.pk}/").status_code == 404


def test_the_api_is_read_only_and_needs_a_sign_in(sv):
    assert APIClient().get("/api/summonses/").status_code in (401, 403)
    assert api(sv.leader).post("/api/summonses/", {}, format="json").status_code == 405


def test_meeting_decisions_are_listed_with_their_owner_and_state(sv, groups):
    county, _town = groups
    services.record_meeting(
        by=sv.leader,
        group=county,
        title="三月专题会议",
        held_on=dt.date(2026, 3, 10),
        decisions=[
            {"text": "整改超期件", "owner_unit": sv.wuyuan_squad, "due_on": dt.date(2026, 3, 31)}
        ],
    )
    rows = api(sv.leader).get("/api/meeting-decisions/").json()["results"]
    assert rows[0]["owner_unit"] == sv.wuyuan_squad.code and rows[0]["meeting"] == "三月专题会议"
