"""The hotspots over REST: shapes, scope and the warning actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from civicloop.hotspots import services
from civicloop.hotspots.choices import WarningState
from civicloop.hotspots.models import DuplicateSuggestion
from civicloop.testing.events import report_at, report_on_days

from .test_duplicates import BBQ, BBQ_AGAIN

AT = dt.date(2026, 6, 15)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_top_gives_rows_places_and_series(world):
    report_on_days(world, {AT: 3})
    report_on_days(world, {AT - dt.timedelta(days=7): 1})

    response = client_for(world.wuyuan_dispatcher).get(
        "/api/hotspots/top/", {"start": "2026-06-15", "end": "2026-06-21", "period": "week"}
    )

    assert response.status_code == 200
    data = response.json()
    assert data["place"] == {"code": world.wuyuan.code, "name": "武原街道", "level": "town"}
    assert data["window"] == {"start": "2026-06-15", "end": "2026-06-21"}
    assert data["previous"] == {"start": "2026-06-08", "end": "2026-06-14"}
    assert (data["total"], data["previous_total"]) == (3, 1)
    assert data["rows"] == [
        {
            "rank": 1,
            "subject": {
                "key": "category:street-vending",
                "code": "street-vending",
                "name": "占道经营",
            },
            "count": 3,
            "share": 1.0,
            "previous": 1,
            "change": 2,
            "change_percent": 200.0,
        }
    ]
    assert (
        data["places"][0]["region"]["code"] == world.wuyuan_village.code
        and data["places"][0]["count"] == 3
    )
    assert data["series"][0]["counts"][-2:] == [1, 3] and len(data["buckets"]) == 12


def test_top_refuses_places_outside_the_area_and_staff_without_one(world):
    assert (
        client_for(world.wuyuan_dispatcher)
        .get("/api/hotspots/top/", {"place": world.ganpu.code})
        .status_code
        == 403
    )
    assert client_for(world.wuyuan_officer).get("/api/hotspots/top/").status_code == 403
    assert (
        client_for(world.centre).get("/api/hotspots/top/", {"place": "999999999999"}).status_code
        == 400
    )
    assert client_for(world.centre).get("/api/hotspots/top/", {"period": "year"}).status_code == 400
    assert APIClient().get("/api/hotspots/top/").status_code == 401


@pytest.fixture
def warning(world):
    report_on_days(world, {AT: 4})
    return services.scan_spikes(at=AT).raised[0]


def test_warnings_list_and_detail(world, warning):
    client = client_for(world.wuyuan_dispatcher)
    listing = client.get("/api/hotspots/warnings/", {"state": "open"}).json()
    detail = client.get(f"/api/hotspots/warnings/{warning.pk}/").json()

    assert listing["count"] == 1
    row = listing["results"][0]
    assert (
        row["region"]["code"] == world.wuyuan_village.code and row["category"] == "street-vending"
    )
    assert row["state"] == "open" and row["observed"] == 4 and len(row["evidence"]) == 4
    assert {
        "window_start",
        "window_end",
        "expected",
        "threshold",
        "score",
        "p_value",
        "method",
    } <= set(row)
    assert len(detail["evidence_events"]) == 4 and detail["history"][0]["action"] == "raise"
    assert detail["allowed_actions"] == ["acknowledge", "close"]


def test_acknowledge_and_close_over_the_api(world, warning):
    client = client_for(world.wuyuan_dispatcher)
    url = f"/api/hotspots/warnings/{warning.pk}/"

    ack = client.post(url + "acknowledge/", {"note": "已派人"}, format="json")
    bad = client.post(url + "close/", {}, format="json")
    close = client.post(url + "close/", {"reason": "已整治"}, format="json")
    again = client.post(url + "acknowledge/", {}, format="json")

    assert ack.status_code == 200 and ack.json()["state"] == WarningState.ACKNOWLEDGED
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    assert close.status_code == 200 and close.json()["state"] == WarningState.CLOSED
    assert [h["action"] for h in close.json()["history"]] == ["raise", "acknowledge", "close"]
    assert again.status_code == 409


def test_another_town_neither_sees_nor_acts_on_the_warning(world, warning):
    client = client_for(world.ganpu_dispatcher)

    assert client.get("/api/hotspots/warnings/").json()["count"] == 0
    assert client.get(f"/api/hotspots/warnings/{warning.pk}/").status_code == 404
    assert (
        client.post(f"/api/hotspots/warnings/{warning.pk}/close/", {"reason": "x"}).status_code
        == 404
    )
    assert (
        client_for(world.station_staff)
        .post(f"/api/hotspots/warnings/{warning.pk}/close/", {"reason": "x"})
        .status_code
        == 403
    )


def test_event_duplicates_lists_the_suggestions_and_records_them_as_shown(world):
    now = timezone.now()
    original = report_at(world, now - dt.timedelta(hours=3), title=BBQ[0], description=BBQ[1])
    repeat = report_at(
        world, now - dt.timedelta(minutes=5), title=BBQ_AGAIN[0], description=BBQ_AGAIN[1]
    )

    response = client_for(world.wuyuan_dispatcher).get(f"/api/events/{repeat.pk}/duplicates/")

    assert response.status_code == 200
    [row] = response.json()
    assert row["candidate"]["number"] == original.number and row["candidate"]["id"] == original.pk
    assert row["place_match"] == "grid" and row["merged"] is False and row["times_shown"] == 1
    assert 0.18 <= row["similarity"] <= 1 and row["percent"] == round(row["similarity"] * 100)
    assert DuplicateSuggestion.objects.get().first_shown_to == world.wuyuan_dispatcher

    merged = client_for(world.wuyuan_dispatcher).post(
        f"/api/events/{repeat.pk}/merge/",
        {"into": original.number, "reason": "同一问题"},
        format="json",
    )
    assert merged.status_code == 200
    assert (
        client_for(world.wuyuan_dispatcher).get(f"/api/events/{repeat.pk}/duplicates/").json() == []
    )
    assert DuplicateSuggestion.objects.with_outcome().get().merged is True


def test_event_duplicates_of_another_towns_event_is_not_found(world):
    event = report_at(world, timezone.now() - dt.timedelta(minutes=5))

    assert (
        client_for(world.ganpu_dispatcher).get(f"/api/events/{event.pk}/duplicates/").status_code
        == 404
    )
