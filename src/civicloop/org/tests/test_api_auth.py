"""Signing in to the API: tokens (with the web sign-in's lockout), sessions, and
``/api/me/`` describing who I am and what I see."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from civicloop.testing.factories import TEST_PASSWORD


def get_token(username: str, password: str = TEST_PASSWORD, **extra):
    return APIClient(**extra).post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_a_token_is_issued_for_the_right_password_and_signs_requests(world):
    response = get_token("wuyuan_dispatcher")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == world.wuyuan_dispatcher
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/me/").json()["username"] == "wuyuan_dispatcher"
    assert get_token("wuyuan_dispatcher").json()["token"] == token
    world.wuyuan_dispatcher.refresh_from_db()
    assert world.wuyuan_dispatcher.last_login is not None


def test_a_token_answer_is_never_stored_for_a_replay_or_by_a_cache(world):
    from civicloop.core.models import IdempotencyKey

    response = get_token("wuyuan_dispatcher", HTTP_IDEMPOTENCY_KEY="token-once-1")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Idempotent-Replayed" not in response
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(
    "username, password", [("wuyuan_dispatcher", "wrong-Passw0rd"), ("nobody", "x")]
)
def test_a_wrong_username_or_password_gets_no_token(world, username, password):
    response = get_token(username, password)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_a_disabled_account_gets_no_token(world):
    world.outsider.is_active = False
    world.outsider.save()
    assert get_token("outsider").status_code == 400


def test_the_token_request_names_missing_fields(world):
    response = APIClient().post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_a_bad_token_is_refused(world):
    response = APIClient(HTTP_AUTHORIZATION="Token not-a-real-token").get("/api/me/")
    assert response.status_code == 401


def test_repeated_failures_lock_the_account_like_the_web_sign_in(world, settings):
    settings.AXES_ENABLED = True
    address = {"REMOTE_ADDR": "198.51.100.7"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert get_token("wuyuan_dispatcher", "wrong-Passw0rd", **address).status_code == 400
    response = get_token("wuyuan_dispatcher", "wrong-Passw0rd", **address)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "locked_out"
    # Even the right password is refused while locked.
    response = get_token("wuyuan_dispatcher", **address)
    assert response.status_code == 429
    assert not Token.objects.exists()
    attempt = AccessAttempt.objects.get(username="wuyuan_dispatcher")
    assert attempt.ip_address == "198.51.100.7"
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
    # Another account from the same address is not locked.
    assert get_token("ganpu_dispatcher", **address).status_code == 200


def test_a_successful_sign_in_resets_the_failure_count(world, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        get_token("centre", "wrong-Passw0rd")
    assert get_token("centre").status_code == 200
    assert not AccessAttempt.objects.filter(username="centre", failures_since_start__gt=0).exists()
    assert get_token("centre", "wrong-Passw0rd").status_code == 400


def test_a_web_session_also_signs_api_requests_with_csrf_protection(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.centre)
    assert client.get("/api/me/").status_code == 200
    response = client.post("/api/events/", {"source": "hotline", "description": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_me_describes_posts_and_a_town_dispatchers_scope(world):
    client = APIClient()
    client.force_authenticate(world.wuyuan_dispatcher)
    body = client.get("/api/me/").json()
    assert [(p["role"], p["unit"]["code"]) for p in body["posts"]] == [
        ("dispatcher", "330424001-command")
    ]
    assert body["scope"] == {
        "everything": False,
        "units": [],
        "regions": [{"code": world.wuyuan.code, "name": "武原街道", "level": "town"}],
    }


@pytest.mark.parametrize(
    "username, everything, regions, units",
    [
        ("centre", True, [], []),
        ("leader", True, [], []),
        ("admin", True, [], []),
        ("grid_worker", False, ["330424001001001"], []),
        ("station_staff", False, ["330424001001"], []),
        ("wuyuan_officer", False, [], ["330424001-squad"]),
        ("dept_officer", False, [], ["dept-scjg"]),
        ("lawyer", False, [], []),
        ("outsider", False, [], []),
    ],
)
def test_me_summarises_each_roles_scope(world, username, everything, regions, units):
    client = APIClient()
    client.force_authenticate(world.users[username])
    scope = client.get("/api/me/").json()["scope"]
    assert scope["everything"] is everything
    assert [r["code"] for r in scope["regions"]] == regions
    assert [u["code"] for u in scope["units"]] == units


def test_me_needs_a_sign_in(world):
    assert APIClient().get("/api/me/").status_code == 401
