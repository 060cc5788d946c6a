"""Recording events: what is accepted, and bad input refused with nothing stored."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.events import services
from civicloop.events.choices import EventState, Source
from civicloop.events.models import Attachment, Event
from civicloop.notifications.models import Notification


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def record(world, **overrides):
    kwargs = dict(
        by=world.grid_worker,
        source=Source.GRID_PATROL,
        description="枣园路口有人占道经营水果摊",
        location=services.Location(region=world.wuyuan_grid),
        category=world.street_vending,
    )
    kwargs.update(overrides)
    return services.create_event(**kwargs)


def test_a_grid_worker_report_is_collected_numbered_and_announced(world):
    event = record(world, attachments=[SimpleUploadedFile("scene.png", png_bytes())])
    assert event.state == EventState.COLLECTED
    assert event.number.startswith("E" + timezone.localtime().strftime("%Y%m%d"))
    assert len(event.tracking_code) == 10
    assert event.title == "枣园路口有人占道经营水果摊"
    assert event.deadline_at is not None  # judge within 2 working hours
    assert event.history.get().actor == world.grid_worker
    attachment = event.attachments.get()
    assert attachment.content_type == "image/png" and attachment.stage == "intake"
    assert Notification.objects.filter(recipient=world.wuyuan_dispatcher, verb="new_event").exists()
    assert not Notification.objects.filter(recipient=world.ganpu_dispatcher).exists()


def test_numbers_are_unique_and_sequential_within_a_day(world):
    numbers = [record(world).number for _ in range(3)]
    assert len(set(numbers)) == 3 and numbers == sorted(numbers)


def test_phone_gps_point_is_converted_from_wgs84_and_resolved_to_a_grid(world):
    # A WGS-84 point ~500 m off the stored GCJ-02 point: conversion moves it onto the grid.
    event = record(
        world, location=services.Location(latitude=30.5226, longitude=120.9453, datum="wgs84")
    )
    assert event.region == world.wuyuan_grid2
    assert float(event.longitude) > 120.9453  # shifted east by the GCJ-02 offset


def test_public_portal_reports_need_no_account_but_staff_sources_do(world):
    event = record(world, by=None, source=Source.PUBLIC_PORTAL, is_anonymous=True)
    assert event.reported_by is None and event.is_anonymous
    with pytest.raises(NotPermitted):
        record(world, by=None, source=Source.GRID_PATROL)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"description": "   "}, "description"),
        ({"description": "长" * 5001}, "description"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"reporter_id_number": "330424199001011230"}, "reporter_id_number"),
        ({"occurred_at": timezone.now() + dt.timedelta(days=1)}, "occurred_at"),
        ({"source": "wechat"}, "source"),
        ({"location": services.Location()}, "region"),
        ({"location": services.Location(latitude=30.5)}, "latitude"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(world, overrides, field):
    with pytest.raises(InvalidInput) as exc:
        record(world, **overrides)
    assert exc.value.field == field
    assert str(exc.value)
    assert Event.objects.count() == 0


def test_a_county_is_too_coarse_a_place(world):
    with pytest.raises(InvalidInput):
        record(world, location=services.Location(region=world.county))


def test_disguised_file_is_refused_and_nothing_is_stored(world):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an executable")
    with pytest.raises(InvalidInput) as exc:
        record(world, attachments=[SimpleUploadedFile("ok.png", png_bytes()), fake])
    assert exc.value.field == "attachments" and "photo.jpg" in str(exc.value)
    assert Event.objects.count() == 0 and Attachment.objects.count() == 0


def test_damaged_image_is_refused(world):
    broken = SimpleUploadedFile("broken.png", png_bytes()[:40])
    with pytest.raises(InvalidInput):
        record(world, attachments=[broken])


def test_unsupported_type_is_refused(world):
    with pytest.raises(InvalidInput):
        record(world, attachments=[SimpleUploadedFile("notes.txt", b"hello")])


@override_settings(CIVICLOOP_MAX_UPLOAD_BYTES=1000)
def test_oversized_file_is_refused(world):
    with pytest.raises(InvalidInput) as exc:
        record(world, attachments=[SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000)])
    assert "big.pdf" in str(exc.value)
    assert Event.objects.count() == 0


@override_settings(CIVICLOOP_MAX_UPLOADS_PER_EVENT=2)
def test_too_many_files_are_refused(world):
    files = [SimpleUploadedFile(f"p{i}.png", png_bytes()) for i in range(3)]
    with pytest.raises(InvalidInput):
        record(world, attachments=files)


def test_inactive_category_is_refused(world):
    world.food_safety.is_active = False
    world.food_safety.save()
    with pytest.raises(InvalidInput) as exc:
        record(world, category=world.food_safety)
    assert exc.value.field == "category"


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width`` × ``height`` pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def test_a_photo_claiming_900_million_pixels_is_refused_and_nothing_is_stored(world):
    bomb = SimpleUploadedFile("bomb.png", bomb_png())
    assert len(bomb_png()) < 100
    with pytest.raises(InvalidInput) as exc:
        record(world, attachments=[bomb])
    assert exc.value.field == "attachments" and "bomb.png" in str(exc.value)
    assert Event.objects.count() == 0 and Attachment.objects.count() == 0


@override_settings(CIVICLOOP_MAX_IMAGE_PIXELS=1_000_000)
def test_the_pixel_limit_is_a_setting_and_its_edge_passes(world):
    def photo(name, size):
        data = io.BytesIO()
        Image.new("RGB", size, "orange").save(data, "PNG")
        return SimpleUploadedFile(name, data.getvalue())

    with pytest.raises(InvalidInput) as exc:
        record(world, attachments=[photo("over.png", (1001, 1000))])
    assert "over.png" in str(exc.value)
    event = record(world, attachments=[photo("edge.png", (1000, 1000))])
    assert event.attachments.count() == 1
