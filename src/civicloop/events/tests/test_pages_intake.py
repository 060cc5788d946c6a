"""The intake page (民情收集单): defaults per role, a good report, and bad input that
stores nothing."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from civicloop.events.choices import EventState, Source
from civicloop.events.models import Attachment, Event, EventHistory
from civicloop.org.geo import gcj02_to_wgs84


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def good_report(world, **overrides) -> dict:
    data = {
        "source": Source.GRID_PATROL,
        "title": "",
        "description": "菜场门口流动摊贩占道经营，影响通行",
        "category": world.street_vending.pk,
        "region": world.wuyuan_grid.pk,
        "address": "百可社区菜场东门",
        "occurred_at": "",
        "reporter_name": "李四",
        "reporter_phone": "13812345678",
        "reporter_id_number": "",
        "reporter_address": "",
    }
    data.update(overrides)
    return data


def selected(page: str, name: str) -> str | None:
    """The value of the selected option of the select named ``name``."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0)) if select else None
    return option.group(1) if option else None


@pytest.mark.parametrize(
    "username, source",
    [
        ("grid_worker", Source.GRID_PATROL),
        ("red_butler", Source.GRID_PATROL),
        ("station_staff", Source.LIAISON_STATION),
        ("wuyuan_dispatcher", Source.HOTLINE),
        ("centre", Source.HOTLINE),
    ],
)
def test_intake_form_defaults_the_source_by_role(world, client, username, source):
    client.force_login(world.users[username])
    page = client.get(reverse("events:new")).content.decode()
    assert selected(page, "source") == source


def test_intake_form_defaults_the_place_to_the_grid_workers_own_grid(world, client):
    client.force_login(world.users["grid_worker"])
    page = client.get(reverse("events:new")).content.decode()
    assert selected(page, "region") == str(world.wuyuan_grid.pk)
    client.force_login(world.users["other_grid_worker"])
    page = client.get(reverse("events:new")).content.decode()
    assert selected(page, "region") == str(world.wuyuan_grid2.pk)


def test_intake_form_has_the_fields_a_phone_journey_needs(world, client):
    client.force_login(world.users["grid_worker"])
    page = client.get(reverse("events:new")).content.decode()
    for marker in [
        'id="intake-form"',
        'enctype="multipart/form-data"',
        'id="id_description"',
        'id="id_reporter_phone"',
        'name="attachments"',
        "multiple",
        'id="use-location"',
        'name="latitude"',
        'name="longitude"',
        'id="intake-submit"',
        'name="is_anonymous"',
    ]:
        assert marker in page, marker


def test_grid_worker_reports_with_a_photo_and_gets_number_and_tracking_code(world, client):
    client.force_login(world.users["grid_worker"])
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("events:new"), {**good_report(world), "attachments": [photo]})
    assert response.status_code == 302
    event = Event.objects.get()
    assert response["Location"] == reverse("events:receipt", args=[event.pk])
    assert event.state == EventState.COLLECTED
    assert event.source == Source.GRID_PATROL
    assert event.region == world.wuyuan_grid
    assert event.reported_by == world.users["grid_worker"]
    assert event.reporter_phone == "13812345678"
    assert event.attachments.get().content_type == "image/png"
    assert EventHistory.objects.get(event=event).action == "collect"

    receipt = client.get(response["Location"]).content.decode()
    assert f'<strong id="event-number">{event.number}</strong>' in receipt
    assert f'id="tracking-code" class="code">{event.tracking_code}</strong>' in receipt


def test_place_is_found_from_the_phones_gps_position(world, client):
    client.force_login(world.users["wuyuan_dispatcher"])
    lng, lat = gcj02_to_wgs84(float(world.wuyuan_grid.longitude), float(world.wuyuan_grid.latitude))
    response = client.post(
        reverse("events:new"),
        good_report(
            world, region="", latitude=f"{lat:.6f}", longitude=f"{lng:.6f}", source=Source.HOTLINE
        ),
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.region == world.wuyuan_grid
    assert abs(float(event.latitude) - float(world.wuyuan_grid.latitude)) < 0.0001


def test_missing_description_is_a_field_error_and_stores_nothing(world, client):
    client.force_login(world.users["grid_worker"])
    response = client.post(reverse("events:new"), good_report(world, description="   "))
    assert response.status_code == 400
    assert "description" in response.context["form"].errors
    assert 'data-field-error="description"' in response.content.decode()
    assert not Event.objects.exists()


def test_bad_phone_number_is_a_field_error_and_stores_nothing(world, client):
    client.force_login(world.users["grid_worker"])
    response = client.post(reverse("events:new"), good_report(world, reporter_phone="12345"))
    assert response.status_code == 400
    assert "reporter_phone" in response.context["form"].errors
    assert 'data-field-error="reporter_phone"' in response.content.decode()
    assert not Event.objects.exists()


def test_bad_id_number_is_a_field_error_and_stores_nothing(world, client):
    client.force_login(world.users["grid_worker"])
    response = client.post(
        reverse("events:new"), good_report(world, reporter_id_number="330424199001011230")
    )
    assert response.status_code == 400
    assert "reporter_id_number" in response.context["form"].errors
    assert not Event.objects.exists()


def test_file_disguised_as_a_photo_is_refused_and_stores_nothing(world, client):
    client.force_login(world.users["grid_worker"])
    fake = SimpleUploadedFile(
        "photo.jpg", b"%PDF-1.4 not a photo at all", content_type="image/jpeg"
    )
    good = SimpleUploadedFile("good.png", png_bytes(), content_type="image/png")
    response = client.post(
        reverse("events:new"), {**good_report(world), "attachments": [good, fake]}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["attachments"]
    assert "photo.jpg" in errors[0]
    assert not Event.objects.exists()
    assert not Attachment.objects.exists()
    assert not EventHistory.objects.exists()


def test_a_place_must_be_given_somehow(world, client):
    client.force_login(world.users["wuyuan_dispatcher"])
    response = client.post(reverse("events:new"), good_report(world, region="", address="某处"))
    assert response.status_code == 400
    assert "region" in response.context["form"].errors
    assert not Event.objects.exists()


def test_future_occurrence_time_is_refused_on_its_field(world, client):
    client.force_login(world.users["grid_worker"])
    response = client.post(
        reverse("events:new"), good_report(world, occurred_at="2999-01-01T08:00")
    )
    assert response.status_code == 400
    assert "occurred_at" in response.context["form"].errors
    assert not Event.objects.exists()


def test_anonymous_flag_is_stored(world, client):
    client.force_login(world.users["station_staff"])
    response = client.post(
        reverse("events:new"),
        {**good_report(world, source=Source.LIAISON_STATION), "is_anonymous": "on"},
    )
    assert response.status_code == 302
    assert Event.objects.get().is_anonymous is True
