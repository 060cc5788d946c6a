"""Idempotency on PostgreSQL with real transactions: the connection killed in the middle of a
request, and the same key sent twice at the same moment."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from civicloop.core import idempotency
from civicloop.core.models import IdempotencyKey
from civicloop.events import actions
from civicloop.events.api import views as event_api
from civicloop.events.models import Event
from civicloop.testing.concurrency import run_together
from civicloop.testing.world import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reconnect_before_the_flush(transactional_db):
    """A test that kills its connection and fails leaves it dead; the table flush after the
    test needs a live one, or the next tests find this one's rows."""
    yield
    if connection.connection is not None and not connection.is_usable():
        connection.close()


GOOD = {"source": "grid_patrol", "description": "路灯不亮", "region": "330424001001001"}
KEY = "0f7c2d4e-5a6b-4c8d-9e0f-1a2b3c4d5e6f"


def send_event(user, **extra):
    client = APIClient(**extra)
    client.force_authenticate(user)
    return client.post("/api/events/", GOOD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)


def terminate_own_connection() -> None:
    """What a database restart does to a request in flight: the server ends its connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def test_a_database_restart_after_the_event_was_written_loses_nothing_and_duplicates_nothing(
    monkeypatch,
):
    """Finding 9: the connection dies after the event's rows were written and before the
    answer. The answer is 503 with Retry-After and nothing stays; the client's retry with the
    same key records the event once, and a further retry gets that answer."""
    world = build_world()
    real = event_api.EventDetailResponseMixin.event_response

    def restart_then_answer(self, event, **kwargs):
        terminate_own_connection()
        return real(self, event, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(event_api.EventDetailResponseMixin, "event_response", restart_then_answer)
        lost = send_event(world.grid_worker, raise_request_exception=False)
    assert lost.status_code == 503 and lost["Retry-After"] == "5"
    assert lost.json()["code"] == "unavailable"
    assert Event.objects.count() == 0
    assert not IdempotencyKey.objects.exists()
    retry = send_event(world.grid_worker)
    assert retry.status_code == 201 and idempotency.REPLAYED_HEADER not in retry
    again = send_event(world.grid_worker)
    assert (again.status_code, again.content) == (201, retry.content)
    assert Event.objects.count() == 1


def test_the_same_key_sent_twice_at_once_records_one_event(monkeypatch):
    world = build_world()
    results = run_together(
        [lambda: send_event(world.grid_worker), lambda: send_event(world.grid_worker)],
        monkeypatch=monkeypatch,
        # The first request waits inside its transaction, holding the key, while the other
        # arrives.
        meet_in=(event_api, "record_event"),
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 409], results
    busy = next(r for r in results if r.status_code == 409)
    assert busy.json()["code"] == "idempotency_key_in_progress" and busy["Retry-After"] == "1"
    assert Event.objects.count() == 1
    # The retry the 409 asked for gets the first answer.
    created = next(r for r in results if r.status_code == 201)
    assert send_event(world.grid_worker).content == created.content
    assert Event.objects.count() == 1


def test_a_double_click_on_the_report_form_waits_for_the_first_and_shows_its_receipt(
    monkeypatch,
):
    world = build_world()
    cache.clear()
    page = Client().get(reverse("public:report")).content.decode()
    token = re.search(r'name="submission_token" value="(\w+)"', page).group(1)
    data = {
        "description": "小区门口下水道堵塞，污水外溢",
        "region": world.wuyuan_village.pk,
        "submission_token": token,
    }
    results = run_together(
        [lambda: Client().post("/report/", data), lambda: Client().post("/report/", data)],
        monkeypatch=monkeypatch,
        meet_in=(actions, "report_publicly"),
    )
    assert [r.status_code for r in results] == [200, 200], results
    codes = {
        re.search(r'id="tracking-code">(\w+)</p>', r.content.decode()).group(1) for r in results
    }
    assert codes == {Event.objects.get().tracking_code}
    assert sum(1 for r in results if r.has_header(idempotency.REPLAYED_HEADER)) == 1
