"""API tokens end: after their lifetime, on a password change, on a web sign-out, and when
revoked through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .test_api_auth import get_token


def signed(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_says_when_it_ends_and_is_refused_after_its_lifetime(world, settings):
    settings.CIVICLOOP_API_TOKEN_HOURS = 24
    body = get_token("wuyuan_dispatcher").json()
    assert "expires_at" in body
    token = Token.objects.get(key=body["token"])
    # One minute before the end it works; at the end it does not.
    Token.objects.filter(pk=token.pk).update(
        created=token.created - dt.timedelta(hours=24) + dt.timedelta(minutes=1)
    )
    assert signed(body["token"]).get("/api/me/").status_code == 200
    Token.objects.filter(pk=token.pk).update(created=token.created - dt.timedelta(hours=24))
    refused = signed(body["token"]).get("/api/me/")
    assert refused.status_code == 401
    # Asking again gives a new token.
    renewed = get_token("wuyuan_dispatcher").json()["token"]
    assert renewed != body["token"]
    assert signed(renewed).get("/api/me/").status_code == 200


def test_a_password_change_ends_the_token(world):
    token = get_token("wuyuan_dispatcher").json()["token"]
    user = world.wuyuan_dispatcher
    user.set_password("Another-Passw0rd-2026")
    user.save()
    assert signed(token).get("/api/me/").status_code == 401


def test_signing_out_of_the_web_ends_the_token(world, client):
    token = get_token("wuyuan_dispatcher").json()["token"]
    client.force_login(world.wuyuan_dispatcher)
    client.post(reverse("logout"))
    assert signed(token).get("/api/me/").status_code == 401


@pytest.mark.django_db
def test_a_token_revokes_itself_through_the_api(world):
    token = get_token("wuyuan_dispatcher").json()["token"]
    assert signed(token).delete("/api/auth/token/").status_code == 204
    assert signed(token).get("/api/me/").status_code == 401
    # Revoking needs a token or a session: anyone else is refused.
    assert APIClient().delete("/api/auth/token/").status_code == 401


def test_the_account_page_lists_the_token_and_revokes_it(world, client):
    token = get_token("wuyuan_dispatcher").json()["token"]
    client.force_login(world.wuyuan_dispatcher)
    page = client.get(reverse("org:api-tokens")).content.decode()
    assert f"<code>{token[:6]}…</code>" in page and token not in page  # never shown whole
    client.post(reverse("org:api-tokens"))
    assert signed(token).get("/api/me/").status_code == 401
    assert 'id="no-api-tokens"' in client.get(reverse("org:api-tokens")).content.decode()
