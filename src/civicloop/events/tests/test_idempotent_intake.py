"""A citizen's report reaches us once, however often it is sent: the public page's form carries a
one-time submission token (a double click, a browser's retry, a reload of the receipt show the
first receipt), and the public API takes an Idempotency-Key like the rest of the API."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext
from rest_framework.test import APIClient

from civicloop.core import idempotency
from civicloop.core.models import IdempotencyKey
from civicloop.events.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def report_form(world) -> dict:
    return {
        "description": "小区门口下水道堵塞，污水外溢",
        "region": world.wuyuan_village.pk,
        "address": "百可社区南门",
        "reporter_phone": "13600001234",
    }


def token_of(page) -> str:
    match = re.search(r'name="submission_token" value="([0-9a-f]{32})"', page.content.decode())
    assert match, "the report form carries no submission token"
    return match.group(1)


def tracking_code_in(response) -> str:
    return re.search(
        r'<p class="code big" id="tracking-code">(\w+)</p>', response.content.decode()
    ).group(1)


def test_a_double_submitted_report_form_records_one_event_and_shows_the_first_receipt(world):
    browser = Client()
    token = token_of(browser.get(reverse("public:report")))
    data = {**report_form(world), "submission_token": token}
    first = browser.post(reverse("public:report"), data)
    assert first.status_code == 200
    code = tracking_code_in(first)
    # The second click of a double click (or the browser's retry after a lost answer).
    second = browser.post(reverse("public:report"), data)
    assert second.status_code == 200
    assert tracking_code_in(second) == code
    assert second[idempotency.REPLAYED_HEADER] == "true"
    event = Event.objects.get()
    assert event.tracking_code == code
    assert event.history.filter(action="collect").count() == 1


def test_the_receipt_does_not_depend_on_the_session_cookie_the_lost_answer_carried(world):
    """The first answer (and the session cookie it set) never arrived: a retry from a browser
    without that cookie still shows the tracking code of the one event."""
    data = {**report_form(world), "submission_token": token_of(Client().get("/report/"))}
    first = Client().post(reverse("public:report"), data)
    retry = Client().post(reverse("public:report"), data)
    assert tracking_code_in(retry) == tracking_code_in(first) == Event.objects.get().tracking_code


def test_each_new_form_is_a_new_report(world):
    browser = Client()
    for _ in range(2):
        token = token_of(browser.get(reverse("public:report")))
        browser.post(reverse("public:report"), {**report_form(world), "submission_token": token})
    assert Event.objects.count() == 2


def test_a_token_sent_again_with_other_content_is_refused_and_records_nothing_more(world):
    browser = Client()
    token = token_of(browser.get(reverse("public:report")))
    browser.post(reverse("public:report"), {**report_form(world), "submission_token": token})
    changed = {**report_form(world), "description": "路灯不亮", "submission_token": token}
    response = browser.post(reverse("public:report"), changed)
    assert response.status_code == 422
    assert gettext(str(idempotency.FORM_REUSED)) in response.content.decode()
    assert list(Event.objects.values_list("description", flat=True)) == [
        "小区门口下水道堵塞，污水外溢"
    ]


def test_a_form_with_errors_keeps_its_token_and_the_corrected_one_goes_through(world):
    browser = Client()
    token = token_of(browser.get(reverse("public:report")))
    refused = browser.post(
        reverse("public:report"),
        {**report_form(world), "description": "", "submission_token": token},
    )
    assert refused.status_code == 400
    assert token_of(refused) == token
    assert not IdempotencyKey.objects.exists()
    done = browser.post(reverse("public:report"), {**report_form(world), "submission_token": token})
    assert done.status_code == 200 and Event.objects.count() == 1


def test_a_form_from_before_the_token_still_reports(world):
    response = Client().post(reverse("public:report"), report_form(world))
    assert response.status_code == 200
    assert tracking_code_in(response) == Event.objects.get().tracking_code


def test_the_public_api_report_with_a_key_is_recorded_once(world):
    data = {"description": "南北湖景区停车场有人乱收费", "address": "澉浦镇南北湖村"}

    def send():
        return APIClient().post(
            "/api/public/reports/", data, format="json", HTTP_IDEMPOTENCY_KEY="app-7f3a"
        )

    first = send()
    assert first.status_code == 201, first.content
    again = send()
    assert (again.status_code, again.json()) == (201, first.json())
    assert Event.objects.count() == 1
    assert IdempotencyKey.objects.get().scope == "anonymous"
