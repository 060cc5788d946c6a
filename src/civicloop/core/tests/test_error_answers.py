"""Errors answer in the API's language (JSON) under /api/ and /open311/, as pages elsewhere; a lost
database connection is a 503 with Retry-After, so a client knows to try again."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_is_a_json_404(world):
    response = APIClient().get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_an_unknown_page_is_still_a_page(world, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def _database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_lost_database_answers_503_with_retry_after_as_json_on_the_api(world, monkeypatch):
    monkeypatch.setattr("civicloop.events.api.public.tracked_event", _database_gone)
    client = APIClient(raise_request_exception=False)
    response = client.get("/api/public/track/ABCDEFGHJK/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


def test_a_database_lost_outside_the_view_is_a_503_too(world, monkeypatch):
    # The bench's PostgreSQL restart: an API intake with an Idempotency-Key failed in the
    # middleware (before any view) and answered 500, so the client gave up instead of retrying.
    monkeypatch.setattr("civicloop.core.idempotency.api_scope", _database_gone)
    client = APIClient(raise_request_exception=False)
    response = client.post(
        "/api/public/reports/", {}, format="json", HTTP_IDEMPOTENCY_KEY="lost-db-1"
    )
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


def test_a_lost_database_answers_a_503_page_that_needs_no_database(world, monkeypatch):
    monkeypatch.setattr("civicloop.events.views._tracked", _database_gone)
    client = Client(raise_request_exception=False)
    response = client.get("/track/ABCDEFGHJK/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert 'id="unavailable"' in response.content.decode()
