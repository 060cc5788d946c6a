"""Bad input over the API: each gives a 400 with the offending fields named, in the
request's language, and stores nothing — not even part of it."""

from __future__ import annotations

import io

import pytest
from rest_framework.test import APIClient

from civicloop.events.choices import EventState
from civicloop.events.models import Attachment, Event, EventHistory
from civicloop.testing.journeys import report, walk


def client_for(user, language: str = "zh-hans") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def assert_field_errors(response, *fields: str) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "code", "errors"}
    assert body["status"] == 400
    assert body["detail"] and isinstance(body["code"], str)
    assert set(body["errors"]) == set(fields)
    for messages in body["errors"].values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    return body


GOOD = {"source": "grid_patrol", "description": "路灯不亮", "region": "330424001001001"}


@pytest.mark.parametrize(
    "changes, fields",
    [
        ({"description": ""}, {"description"}),
        ({"source": "carrier_pigeon"}, {"source"}),
        ({"region": "330424999999"}, {"region"}),
        ({"category": "no-such-category"}, {"category"}),
        ({"latitude": "north"}, {"latitude"}),
        ({"occurred_at": "yesterday"}, {"occurred_at"}),
        ({"datum": "bd09"}, {"datum"}),
        ({"description": "", "source": "x"}, {"description", "source"}),
        # Domain rules, checked by the service:
        ({"reporter_phone": "12345"}, {"reporter_phone"}),
        ({"reporter_id_number": "330424199001011230"}, {"reporter_id_number"}),
        ({"region": None, "latitude": 39.9, "longitude": 116.4}, {"latitude"}),
        ({"region": "330424000000"}, {"region"}),
        ({"occurred_at": "2999-01-01T08:00:00+08:00"}, {"occurred_at"}),
        ({"title": "长" * 121}, {"title"}),
    ],
)
def test_bad_intake_is_refused_field_by_field_and_stores_nothing(world, changes, fields):
    response = client_for(world.grid_worker).post(
        "/api/events/", {**GOOD, **changes}, format="json"
    )
    assert_field_errors(response, *fields)
    assert not Event.objects.exists() and not EventHistory.objects.exists()


def test_errors_come_in_the_requested_language(world):
    for language in ("zh-hans", "en"):
        response = client_for(world.grid_worker, language).post("/api/events/", {}, format="json")
        assert response["Content-Language"] == language
        assert_field_errors(response, "source", "description")


def test_a_disguised_attachment_refuses_the_whole_report(world):
    fake = io.BytesIO(b"<html>not a photo</html>")
    fake.name = "photo.jpg"
    response = client_for(world.grid_worker).post(
        "/api/events/", {**GOOD, "attachments": [fake]}, format="multipart"
    )
    assert_field_errors(response, "attachments")
    assert not Event.objects.exists() and not Attachment.objects.exists()


def test_an_event_can_be_recorded_from_a_gps_point_alone(world):
    response = client_for(world.grid_worker).post(
        "/api/events/",
        {
            "source": "grid_patrol",
            "description": "井盖缺失",
            "latitude": 30.5248,
            "longitude": 120.9413,
            "datum": "wgs84",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["region"]["level"] in {"grid", "village"}
    assert response.json()["latitude"] is not None


@pytest.mark.parametrize(
    "path, state, body, fields",
    [
        (
            "judge",
            EventState.COLLECTED,
            {"urgency": "very", "span": "single", "reason": "x"},
            {"urgency"},
        ),
        ("judge", EventState.COLLECTED, {"urgency": "general", "span": "single"}, {"reason"}),
        (
            "judge",
            EventState.COLLECTED,
            {"urgency": "general", "span": "single", "reason": "   "},
            {"reason"},
        ),
        ("dispatch", EventState.JUDGED, {"unit": "no-such-unit"}, {"unit"}),
        ("dispatch", EventState.JUDGED, {"subtasks": [{"instruction": "x"}]}, {"subtasks"}),
        ("redispatch", EventState.DISPATCHED, {"reason": "x"}, {"unit"}),
        ("redispatch", EventState.DISPATCHED, {"unit": "330424001-squad", "reason": "x"}, {"unit"}),
        ("check", EventState.FEEDBACK_SUBMITTED, {"passed": "perhaps"}, {"passed"}),
        (
            "check",
            EventState.FEEDBACK_SUBMITTED,
            {"passed": True, "reopen_subtasks": ["a"]},
            {"reopen_subtasks"},
        ),
        ("close", EventState.RATED, {"reason": ["a", "b"]}, {"reason"}),
        ("merge", EventState.COLLECTED, {"reason": "重复"}, {"into"}),
        ("merge", EventState.COLLECTED, {"into": "E0000000000", "reason": "重复"}, {"into"}),
        ("void", EventState.COLLECTED, {}, {"reason"}),
        ("park", EventState.HANDLING, {"reason": ""}, {"reason"}),
        ("escalate", EventState.DISPATCHED, {}, {"reason"}),
    ],
)
def test_bad_action_input_is_refused_field_by_field_and_stores_nothing(
    world, path, state, body, fields
):
    event = walk(world, report(world), state)
    rows = event.history.count()
    response = client_for(world.wuyuan_dispatcher).post(
        f"/api/events/{event.pk}/{path}/", body, format="json"
    )
    assert_field_errors(response, *fields)
    event.refresh_from_db()
    assert event.state == state and event.history.count() == rows


@pytest.mark.parametrize(
    "user, path, state, body, fields",
    [
        ("wuyuan_officer", "return", EventState.DISPATCHED, {}, {"reason"}),
        (
            "wuyuan_officer",
            "submit-feedback",
            EventState.HANDLING,
            {"outcome": "done"},
            {"outcome", "measures"},
        ),
        (
            "wuyuan_officer",
            "submit-feedback",
            EventState.HANDLING,
            {"outcome": "resolved", "measures": " "},
            {"measures"},
        ),
        ("red_butler", "rate", EventState.CHECKED, {"rating": "great"}, {"rating"}),
        ("red_butler", "rate", EventState.CHECKED, {"rating": "dissatisfied"}, {"comment"}),
    ],
)
def test_bad_input_of_the_handling_unit_and_collectors_is_refused(
    world, user, path, state, body, fields
):
    event = walk(world, report(world), state)
    rows = event.history.count()
    response = client_for(world.users[user]).post(
        f"/api/events/{event.pk}/{path}/", body, format="json"
    )
    assert_field_errors(response, *fields)
    event.refresh_from_db()
    assert event.state == state and event.history.count() == rows
    assert not event.ratings.exists() or path != "rate"


def test_malformed_json_is_a_400_with_a_code(world):
    event = report(world)
    response = client_for(world.wuyuan_dispatcher).post(
        f"/api/events/{event.pk}/judge/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"state": "sleeping"}, "state"),
        ({"town": "330424999000"}, "town"),
        ({"queue": "yours"}, "queue"),
    ],
)
def test_bad_list_filters_name_the_field(world, params, field):
    response = client_for(world.centre).get("/api/events/", params)
    assert_field_errors(response, field)
