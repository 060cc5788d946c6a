"""A signed-in session idle longer than CIVICLOOP_SESSION_IDLE_MINUTES is signed out (sliding:
each request moves the limit); the sign-in page says why; API tokens are not ended by it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.test import APIClient

from civicloop.testing.factories import TEST_PASSWORD


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as traveller:
        yield traveller


def signed_in(username: str, **headers) -> Client:
    client = Client(**headers)
    response = client.post("/login/", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(world, clock, settings):
    settings.CIVICLOOP_SESSION_IDLE_MINUTES = 30
    client = signed_in("wuyuan_dispatcher")
    assert client.get("/events/").status_code == 200
    clock.shift(dt.timedelta(minutes=31))
    response = client.get("/events/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert SESSION_KEY not in client.session
    # Signing in again works as usual.
    assert signed_in("wuyuan_dispatcher").get("/events/").status_code == 200


def test_the_idle_message_is_shown_on_the_sign_in_page(world, clock, settings):
    settings.CIVICLOOP_SESSION_IDLE_MINUTES = 30
    client = signed_in("wuyuan_dispatcher", HTTP_ACCEPT_LANGUAGE="en")
    client.get("/events/")
    clock.shift(dt.timedelta(minutes=45))
    page = client.get("/events/", follow=True).content.decode()
    assert "You were signed out after 30 minutes without activity." in page
    assert 'id="login-form"' in page


def test_activity_keeps_the_session_open(world, clock, settings):
    settings.CIVICLOOP_SESSION_IDLE_MINUTES = 30
    client = signed_in("wuyuan_dispatcher")
    for _ in range(4):  # two hours in all, never 30 minutes idle
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/events/").status_code == 200


def test_zero_minutes_turns_the_idle_limit_off(world, clock, settings):
    settings.CIVICLOOP_SESSION_IDLE_MINUTES = 0
    client = signed_in("wuyuan_dispatcher")
    client.get("/events/")
    clock.shift(dt.timedelta(hours=5))
    assert client.get("/events/").status_code == 200


def test_an_idle_session_ends_without_ending_the_api_token(world, clock, settings):
    settings.CIVICLOOP_SESSION_IDLE_MINUTES = 30
    token = (
        APIClient()
        .post(
            "/api/auth/token/",
            {"username": "wuyuan_dispatcher", "password": TEST_PASSWORD},
            format="json",
        )
        .json()["token"]
    )
    client = signed_in("wuyuan_dispatcher")
    client.get("/events/")
    clock.shift(dt.timedelta(minutes=31))
    assert client.get("/events/").status_code == 302
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/me/").status_code == 200


def test_a_lost_database_still_answers_503_for_a_signed_in_session(world, monkeypatch, settings):
    """The idle check reads the session before any view: a lost database must not turn the
    503 of core.middleware.DatabaseUnavailable into a 500 there."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    settings.CIVICLOOP_SESSION_IDLE_MINUTES = 30
    settings.CIVICLOOP_REQUIRE_2FA = "all"  # its check reads the user before any view too
    client = Client(raise_request_exception=False)
    client.force_login(world.wuyuan_dispatcher)

    def gone(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", gone)
    response = client.get("/events/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
