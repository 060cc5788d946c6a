"""Idempotency-Key on the REST API (core/idempotency.py): a client that lost the answer to a POST
and sends it again gets the first answer, and nothing is done twice; a request the database
lost half-way leaves nothing behind, not even its key, so the retry does the work once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.test import APIClient

from civicloop.core import idempotency
from civicloop.core.models import IdempotencyKey
from civicloop.core.registry import periodic_tasks
from civicloop.events.api.views import EventDetailResponseMixin
from civicloop.events.models import Event

pytestmark = pytest.mark.django_db

GOOD = {"source": "grid_patrol", "description": "路灯不亮", "region": "330424001001001"}


def client_for(user, **extra) -> APIClient:
    client = APIClient(**extra)
    client.force_authenticate(user)
    return client


def post_event(client, key: str | None = "c5b7a3e0-4a4e-4d7e-9d1c-1f2e3d4c5b6a", data=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/events/", data or GOOD, format="json", **headers)


def test_a_retried_intake_with_the_same_key_records_one_event_and_answers_the_same(world):
    client = client_for(world.grid_worker)
    first = post_event(client)
    assert first.status_code == 201, first.content
    assert idempotency.REPLAYED_HEADER not in first
    # The answer was lost on the way; the client sends the same request again.
    again = post_event(client)
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again[idempotency.REPLAYED_HEADER] == "true"
    assert Event.objects.count() == 1
    event = Event.objects.get()
    assert event.history.filter(action="collect").count() == 1
    record = IdempotencyKey.objects.get()
    assert (record.scope, record.method, record.path) == (
        f"user:{world.grid_worker.pk}",
        "POST",
        "/api/events/",
    )


def test_without_a_key_each_post_is_a_new_request(world):
    client = client_for(world.grid_worker)
    assert post_event(client, key=None).status_code == 201
    assert post_event(client, key=None).status_code == 201
    assert Event.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_the_same_key_with_another_body_is_refused_with_422_and_changes_nothing(world):
    client = client_for(world.grid_worker)
    assert post_event(client).status_code == 201
    response = post_event(client, data={**GOOD, "description": "井盖缺失"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "idempotency_key_reused"
    assert body["detail"] == gettext(str(idempotency.KEY_REUSED))
    assert (body["type"], body["status"]) == ("about:blank", 422)
    assert list(Event.objects.values_list("description", flat=True)) == ["路灯不亮"]


def test_a_key_belongs_to_its_sender(world):
    """Two users who happen to choose the same key each get their own event."""
    post_event(client_for(world.grid_worker))
    other = post_event(client_for(world.wuyuan_dispatcher))
    assert other.status_code == 201 and idempotency.REPLAYED_HEADER not in other
    assert Event.objects.count() == 2


def test_a_refused_request_keeps_no_key_so_the_corrected_one_may_use_it(world):
    client = client_for(world.grid_worker)
    refused = post_event(client, data={**GOOD, "description": ""})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post_event(client).status_code == 201
    assert Event.objects.count() == 1


def test_a_malformed_key_is_refused_with_400_before_anything_is_done(world):
    response = post_event(client_for(world.grid_worker), key="x" * 256)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Event.objects.exists()


def test_a_key_sent_as_a_structured_field_string_is_the_same_key(world):
    client = client_for(world.grid_worker)
    post_event(client, key="abc-123")
    again = post_event(client, key='"abc-123"')
    assert again[idempotency.REPLAYED_HEADER] == "true"
    assert Event.objects.count() == 1


def _database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_request_that_lost_the_database_half_way_leaves_nothing_and_the_retry_records_once(
    world, monkeypatch
):
    """Finding 9: the database went away after the event was written and before the answer.
    The answer is a 503 with Retry-After; the event and the key are rolled back together, so
    the retry records the event — once."""
    client = client_for(world.grid_worker, raise_request_exception=False)
    with monkeypatch.context() as patch:
        patch.setattr(EventDetailResponseMixin, "event_response", _database_gone)
        lost = post_event(client)
    assert lost.status_code == 503 and lost["Retry-After"] == "5"
    assert lost.json()["code"] == "unavailable"
    assert not Event.objects.exists()
    assert not IdempotencyKey.objects.exists()
    retry = post_event(client)
    assert retry.status_code == 201 and idempotency.REPLAYED_HEADER not in retry
    assert post_event(client).content == retry.content
    assert Event.objects.count() == 1


def test_every_api_post_is_covered_a_repeated_workflow_action_runs_once(world):
    """Not only intake: a dispatcher whose "judge" answer was lost gets it again, and the
    event is judged once."""
    event_id = post_event(client_for(world.grid_worker)).json()["id"]
    dispatcher = client_for(world.wuyuan_dispatcher)
    judge = {"urgency": "general", "span": "single", "reason": "普通路灯故障"}

    def send():
        return dispatcher.post(
            f"/api/events/{event_id}/judge/", judge, format="json", HTTP_IDEMPOTENCY_KEY="judge-1"
        )

    first = send()
    assert first.status_code == 200, first.content
    again = send()
    assert (again.status_code, again.content) == (200, first.content)
    assert Event.objects.get().history.filter(action="judge").count() == 1
    # Without the key the same request is a second judgement (judging again is allowed).
    assert (
        dispatcher.post(f"/api/events/{event_id}/judge/", judge, format="json").status_code == 200
    )
    assert Event.objects.get().history.filter(action="judge").count() == 2


def test_an_expired_key_is_forgotten_and_purged(world):
    client = client_for(world.grid_worker)
    post_event(client)
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert idempotency.REPLAYED_HEADER not in post_event(client)
    assert Event.objects.count() == 2
    fresh = IdempotencyKey.objects.get()
    assert fresh.expires_at > timezone.now() + dt.timedelta(hours=23)
    IdempotencyKey.objects.create(
        scope="anonymous",
        method="POST",
        path="/api/public/reports/",
        key="old",
        fingerprint="0" * 64,
        status_code=201,
        body=b"{}",
        created_at=timezone.now() - dt.timedelta(hours=25),
        expires_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert idempotency.purge() == 1
    assert list(IdempotencyKey.objects.all()) == [fresh]


def test_the_worker_purges_expired_keys_every_hour():
    (purge,) = [task for task in periodic_tasks if task.name == "core.idempotency_purge"]
    assert idempotency.purge_seconds() == 3600
    assert purge.task == "civicloop.core.tasks.purge_idempotency_keys"


def test_the_openapi_document_declares_the_key_on_every_post(world):
    schema = client_for(world.centre).get("/api/schema/", {"format": "json"}).json()
    posts = [ops["post"] for ops in schema["paths"].values() if "post" in ops]
    assert len(posts) > 40
    for operation in posts:
        names = [(p["in"], p["name"]) for p in operation.get("parameters", [])]
        assert ("header", "Idempotency-Key") in names, operation["operationId"]
        assert {"409", "422"} <= set(operation["responses"])
    error = schema["components"]["schemas"]["Error"]
    assert {"type", "title", "status", "detail", "code"} <= set(error["required"])
