"""The reporter sees and hears the outcome: the tracking page shows what was done (masked)
and its photos before asking for a rating; a QR code and short link on the receipt; a text
message when the event is done, sent after commit and tried again until sent."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from civicloop.events import services
from civicloop.events.choices import EventState, Outcome
from civicloop.notifications.models import TextMessage
from civicloop.notifications.tasks import resend_texts
from civicloop.testing.cases import photo
from civicloop.testing.journeys import report, walk

S = EventState
SENT: list[dict] = []


class RecordingSender:
    """The sender configured for these tests; fails while ``failing`` is set."""

    failing = False

    def send(self, *, phone, text, key):
        if RecordingSender.failing:
            raise ConnectionError("短信网关不可用")
        SENT.append({"phone": phone, "text": text, "key": key})


@pytest.fixture(autouse=True)
def _sender(settings):
    settings.CIVICLOOP_SMS_SENDER = f"{__name__}.RecordingSender"
    settings.CIVICLOOP_PUBLIC_URL = "https://civicloop.haiyan.example"
    RecordingSender.failing = False
    SENT.clear()
    yield
    SENT.clear()


def handled(world, *, measures="已联系反映人张三（13912345678），劝离摊贩并清理现场。"):
    event = walk(world, report(world), S.HANDLING)
    services.submit_feedback(
        event,
        by=world.wuyuan_officer,
        outcome=Outcome.RESOLVED,
        measures=measures,
        attachments=[photo("清理后.png")],
    )
    event.refresh_from_db()
    return event


def test_the_tracking_page_shows_the_masked_feedback_and_its_photo_before_the_rating(
    world, client, django_capture_on_commit_callbacks
):
    event = handled(world)
    page = client.get(reverse("public:track-event", args=[event.tracking_code])).content.decode()
    assert 'id="public-feedback"' not in page  # not before the check
    with django_capture_on_commit_callbacks(execute=True):
        event = walk(world, event, S.CHECKED)
    page = client.get(reverse("public:track-event", args=[event.tracking_code])).content.decode()
    feedback = page[page.index('id="public-feedback"') : page.index('id="rating"')]
    assert "劝离摊贩并清理现场" in feedback and "已解决" in feedback
    assert "13912345678" not in page and "139****5678" in feedback
    assert "张三" not in feedback and "张*" in feedback
    assert world.wuyuan_officer.full_name not in feedback
    photo_url = re.search(r'<img src="([^"]+)"', feedback).group(1)
    assert client.get(photo_url).status_code == 200
    assert page.index('id="public-feedback"') < page.index('id="public-rating-form"')


def test_a_feedback_photo_is_not_served_before_the_check_nor_under_another_code(world, client):
    event = handled(world)
    attachment = event.attachments.get(stage="feedback")
    url = reverse("public:photo", args=[event.tracking_code, attachment.pk])
    assert client.get(url).status_code == 404
    walk(world, event, S.CHECKED)
    assert client.get(url).status_code == 200
    other = report(world)
    assert (
        client.get(reverse("public:photo", args=[other.tracking_code, attachment.pk])).status_code
        == 404
    )


def test_the_reporter_is_texted_once_after_commit_when_the_event_is_done(
    world, django_capture_on_commit_callbacks
):
    event = handled(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        walk(world, event, S.CHECKED)
    message = TextMessage.objects.get(reference=event.number)
    assert message.delivered_at is None and SENT == []  # nothing leaves inside the transaction
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert len(SENT) == 1 and SENT[0]["phone"] == "13912345678"
    assert SENT[0]["key"] == message.delivery_key
    assert "https://civicloop.haiyan.example/t/" + event.tracking_code in SENT[0]["text"]
    assert event.number in SENT[0]["text"] and "评价" in SENT[0]["text"]


def test_a_failed_text_is_tried_again_by_the_sweep_and_sent_once(
    world, django_capture_on_commit_callbacks
):
    event = handled(world)
    RecordingSender.failing = True
    with django_capture_on_commit_callbacks(execute=True):
        walk(world, event, S.CHECKED)
    message = TextMessage.objects.get(reference=event.number)
    assert message.delivered_at is None and message.attempts == 1
    assert "短信网关不可用" in message.last_error
    RecordingSender.failing = False
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        resend_texts.enqueue()
        resend_texts.enqueue()
    message.refresh_from_db()
    assert message.delivered_at is not None and len(SENT) == 1


def test_a_reporter_without_a_phone_gets_no_text(world):
    event = walk(world, report(world, reporter_phone=""), S.CHECKED)
    assert not TextMessage.objects.filter(reference=event.number).exists()


def test_the_receipt_carries_a_qr_code_and_the_short_link_that_leads_to_the_tracking_page(
    world, client
):
    event = report(world)
    client.force_login(world.grid_worker)
    page = client.get(reverse("events:receipt", args=[event.pk])).content.decode()
    link = f"https://civicloop.haiyan.example/t/{event.tracking_code}/"
    assert link in page
    assert "<svg" in page and 'class="qr-code"' in page
    short = client.get(reverse("public:short", args=[event.tracking_code.lower()]))
    assert short["Location"] == reverse("public:track-event", args=[event.tracking_code])
