"""The public endpoints: anyone reports, follows the report by its tracking code
and rates it — without an account, throttled, and seeing nothing about staff or
other people."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from civicloop.events.choices import EventState, Source
from civicloop.events.models import Event
from civicloop.testing.journeys import report, walk


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def test_anyone_may_report_and_gets_a_number_and_tracking_code(world):
    response = APIClient().post(
        "/api/public/reports/",
        {
            "description": "南北湖景区停车场有人乱收费",
            "address": "澉浦镇南北湖村",
            "reporter_phone": "13811112222",
            "is_anonymous": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"number", "tracking_code", "state", "state_label"}
    event = Event.objects.get(number=body["number"])
    assert event.tracking_code == body["tracking_code"]
    assert (event.source, event.reported_by, event.is_anonymous, event.region) == (
        Source.PUBLIC_PORTAL,
        None,
        True,
        world.ganpu_grid,
    )
    first = event.history.get()
    assert (first.action, first.actor, first.to_state) == ("collect", None, EventState.COLLECTED)


def test_a_signed_in_session_does_not_turn_a_public_report_into_a_staff_one(world):
    client = APIClient()
    client.force_login(world.grid_worker)
    response = client.post(
        "/api/public/reports/",
        {"description": "路面塌陷", "region": world.wuyuan_grid.code},
        format="json",
    )
    assert response.status_code == 201
    assert Event.objects.get().reported_by is None


def test_a_public_report_needs_a_description_and_a_place(world):
    response = APIClient().post("/api/public/reports/", {"address": "某地"}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"description"}
    response = APIClient().post("/api/public/reports/", {"description": "有问题"}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"region"}
    assert not Event.objects.exists()


def test_tracking_shows_progress_but_no_staff_or_personal_data(world):
    event = walk(
        world, report(world, reporter_name="李四", reporter_phone="13912345678"), EventState.CHECKED
    )
    response = APIClient().get(f"/api/public/track/{event.tracking_code.lower()}/")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == EventState.CHECKED and body["may_rate"] is True
    assert [row["state"] for row in body["timeline"]] == [
        "collected",
        "judged",
        "dispatched",
        "accepted",
        "handling",
        "feedback_submitted",
        "checked",
    ]
    text = response.content.decode()
    for private in (
        "wuyuan_dispatcher",
        "wuyuan_officer",
        "grid_worker",
        "李四",
        "13912345678",
        "核实为占道经营",
        "现场核查已整改",
        "已劝离摊贩并清理现场",
        "330424001-squad",
    ):
        assert private not in text


def test_tracking_an_unknown_code_is_a_404(world):
    assert APIClient().get("/api/public/track/NOSUCHCODE/").status_code == 404


def test_the_reporter_rates_with_the_tracking_code(world):
    event = walk(world, report(world), EventState.CHECKED)
    response = APIClient().post(
        f"/api/public/track/{event.tracking_code}/rate/",
        {"rating": "satisfied", "comment": "处理很快"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == EventState.RATED and response.json()["rating"] == "satisfied"
    rating = event.ratings.get()
    assert (rating.channel, rating.rated_by, rating.comment) == ("public", None, "处理很快")
    row = event.history.last()
    assert (row.action, row.actor, row.to_state) == ("rate", None, EventState.RATED)


def test_a_dissatisfied_reporter_sends_the_event_back_but_must_say_why(world):
    event = walk(world, report(world), EventState.CHECKED)
    client = APIClient()
    response = client.post(
        f"/api/public/track/{event.tracking_code}/rate/", {"rating": "dissatisfied"}, format="json"
    )
    assert response.status_code == 400 and set(response.json()["errors"]) == {"comment"}
    response = client.post(
        f"/api/public/track/{event.tracking_code}/rate/",
        {"rating": "dissatisfied", "comment": "摊贩还在"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == EventState.HANDLING


def test_rating_before_the_check_is_a_409(world):
    event = walk(world, report(world), EventState.HANDLING)
    response = APIClient().post(
        f"/api/public/track/{event.tracking_code}/rate/", {"rating": "satisfied"}, format="json"
    )
    assert response.status_code == 409
    assert not event.ratings.exists()


def test_a_merged_report_follows_its_original(world):
    from civicloop.events import services

    original, duplicate = report(world), report(world)
    services.merge_event(duplicate, into=original, by=world.wuyuan_dispatcher, reason="重复")
    walk(world, original, EventState.DISPATCHED)
    body = APIClient().get(f"/api/public/track/{duplicate.tracking_code}/").json()
    assert body["state"] == EventState.MERGED
    assert body["original"] == {
        "number": original.number,
        "state": "dispatched",
        "state_label": body["original"]["state_label"],
    }


def test_the_public_endpoints_are_throttled_per_address(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public": "3/minute"},
    }
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert client.get("/api/public/track/NOSUCHCODE/").status_code == 404
    response = client.get("/api/public/track/NOSUCHCODE/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    response = client.post(
        "/api/public/reports/",
        {"description": "x", "region": world.wuyuan_grid.code},
        format="json",
    )
    assert response.status_code == 429 and not Event.objects.exists()
    other = APIClient(REMOTE_ADDR="203.0.113.10")
    assert other.get("/api/public/track/NOSUCHCODE/").status_code == 404


def test_a_decompression_bomb_through_the_public_api_is_a_400_on_its_field(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_intake import bomb_png

    response = APIClient().post(
        "/api/public/reports/",
        {
            "description": "南北湖景区停车场有人乱收费",
            "address": "澉浦镇南北湖村",
            "attachments": [SimpleUploadedFile("bomb.png", bomb_png())],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "bomb.png" in response.json()["errors"]["attachments"][0]
    assert not Event.objects.exists()


def test_a_rotating_x_forwarded_for_does_not_escape_the_rate_limit(world, settings):
    """The attack: 35 reports in a minute against 30/min, each with a new X-Forwarded-For."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public": "3/minute"},
    }
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    answers = [
        client.get("/api/public/track/NOSUCHCODE/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert answers == [404, 404, 404, 429, 429]


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_saw(world, settings):
    settings.CIVICLOOP_TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public": "3/minute"},
    }
    proxy = APIClient(REMOTE_ADDR="127.0.0.1")  # nginx: every request comes from it

    def track(forwarded):
        return proxy.get("/api/public/track/NOSUCHCODE/", HTTP_X_FORWARDED_FOR=forwarded)

    # What the client wrote left of the proxy's entry changes nothing.
    answers = [track(f"10.0.0.{n}, 198.51.100.7").status_code for n in range(4)]
    assert answers == [404, 404, 404, 429]
    # Another client behind the same proxy has its own count.
    assert track("198.51.100.8").status_code == 404
