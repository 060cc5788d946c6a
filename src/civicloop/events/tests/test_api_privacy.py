"""Personal data over the API: masked everywhere, unmasked only through the contact
endpoint for those who must call back, and every such read logged. Attachments
are served only to those who see their event."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from civicloop.events.choices import EventState
from civicloop.privacy.models import PersonalDataAccess
from civicloop.testing.journeys import report, walk

PHONE, NAME, ID_NUMBER, ADDRESS = (
    "13912345678",
    "张三丰",
    "33042419900101123X",
    "百可社区枣园路18号3幢501室",
)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def event(world):
    from civicloop.core.identifiers import id_number_check_char

    id_number = ID_NUMBER[:17] + id_number_check_char(ID_NUMBER[:17])
    return report(
        world,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_id_number=id_number,
        reporter_address=ADDRESS,
    )


def test_the_detail_shows_the_reporter_masked(world, event):
    response = client_for(world.wuyuan_dispatcher).get(f"/api/events/{event.pk}/")
    reporter = response.json()["reporter"]
    assert reporter["name"] == "张**"
    assert reporter["phone"] == "139****5678"
    assert reporter["id_number"].startswith("330424") and "*" in reporter["id_number"]
    assert reporter["address"].endswith("****")
    for raw in (PHONE, NAME, event.reporter_id_number, ADDRESS):
        assert raw not in response.content.decode()


def test_lists_and_history_carry_no_personal_data(world, event):
    walk(world, event, EventState.DISPATCHED)
    client = client_for(world.centre)
    for path in ("/api/events/", f"/api/events/{event.pk}/history/"):
        text = client.get(path).content.decode()
        for raw in (PHONE, NAME, event.reporter_id_number, ADDRESS):
            assert raw not in text, path


@pytest.mark.parametrize("username", ["wuyuan_dispatcher", "centre"])
def test_dispatchers_read_the_contact_and_each_read_is_logged(world, event, username):
    user = world.users[username]
    response = client_for(user).get(f"/api/events/{event.pk}/contact/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert response.json()["reporter_phone"] == PHONE
    assert response.json()["reporter_name"] == NAME
    assert "no-store" in response["Cache-Control"]
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.channel, access.object_id, access.ip_address) == (
        user,
        "api",
        str(event.pk),
        "10.1.2.3",
    )
    assert set(access.fields) == {
        "reporter_name",
        "reporter_phone",
        "reporter_id_number",
        "reporter_address",
    }


def test_the_handling_unit_may_read_the_contact_once_dispatched(world, event):
    client = client_for(world.wuyuan_officer)
    assert client.get(f"/api/events/{event.pk}/contact/").status_code == 404
    walk(world, event, EventState.DISPATCHED)
    assert client.get(f"/api/events/{event.pk}/contact/").status_code == 200
    assert PersonalDataAccess.objects.filter(user=world.wuyuan_officer).count() == 1


@pytest.mark.parametrize(
    "username, status",
    [
        ("grid_worker", 403),
        ("red_butler", 403),
        ("leader", 403),
        ("station_staff", 403),
        ("ganpu_dispatcher", 404),
        ("legal_reviewer", 404),
        ("outsider", 404),
    ],
)
def test_others_cannot_read_the_contact_and_nothing_is_logged(world, event, username, status):
    response = client_for(world.users[username]).get(f"/api/events/{event.pk}/contact/")
    assert response.status_code == status
    assert PHONE not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_the_detail_says_whether_i_may_read_the_contact(world, event):
    assert (
        client_for(world.wuyuan_dispatcher)
        .get(f"/api/events/{event.pk}/")
        .json()["contact_visible"]
    )
    assert (
        not client_for(world.grid_worker).get(f"/api/events/{event.pk}/").json()["contact_visible"]
    )


def test_only_the_recorder_sees_the_tracking_code(world, event):
    assert client_for(world.grid_worker).get(f"/api/events/{event.pk}/").json()[
        "tracking_code"
    ] == (event.tracking_code)
    assert (
        client_for(world.wuyuan_dispatcher).get(f"/api/events/{event.pk}/").json()["tracking_code"]
        is None
    )


# --- attachments -------------------------------------------------------------------------


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 128, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def attachment(world):
    data = io.BytesIO(_png())
    data.name = "现场照片.png"
    response = client_for(world.grid_worker).post(
        "/api/events/",
        {
            "source": "grid_patrol",
            "description": "垃圾堆放",
            "region": world.wuyuan_grid.code,
            "attachments": [data],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()["attachments"][0]


@pytest.mark.parametrize(
    "username", ["grid_worker", "wuyuan_dispatcher", "centre", "station_staff"]
)
def test_attachments_download_for_those_who_see_the_event(world, attachment, username):
    response = client_for(world.users[username]).get(attachment["url"], HTTP_ACCEPT="image/png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == _png()


@pytest.mark.parametrize(
    "username", ["ganpu_dispatcher", "wuyuan_officer", "other_grid_worker", "outsider"]
)
def test_attachments_are_404_for_everyone_else(world, attachment, username):
    response = client_for(world.users[username]).get(attachment["url"])
    assert response.status_code == 404


def test_attachments_need_a_sign_in(world, attachment):
    assert APIClient().get(attachment["url"]).status_code == 401
