"""Every error under /api/ is JSON with the RFC 9457 members (type, title, status, detail) and our
code — also those answered before any view runs, which used to be HTML pages (finding 9)."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils.translation import override
from rest_framework.test import APIClient

from civicloop.core.errors import STATUS_TITLES

pytestmark = pytest.mark.django_db


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["type"] == "about:blank"
    assert body["title"] == str(STATUS_TITLES[status])
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["code"] == code
    return body


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_field_error_is_a_problem_naming_the_field(world):
    response = signed_in(world.grid_worker).post(
        "/api/events/", {"source": "grid_patrol", "description": ""}, format="json"
    )
    body = assert_problem(response, 400, "invalid")
    assert "description" in body["errors"]


def test_a_workflow_conflict_is_a_409_problem(world):
    created = signed_in(world.grid_worker).post(
        "/api/events/",
        {"source": "grid_patrol", "description": "路灯不亮", "region": "330424001001001"},
        format="json",
    )
    response = signed_in(world.wuyuan_dispatcher).post(
        f"/api/events/{created.json()['id']}/accept/", {}, format="json"
    )
    assert response.status_code in (403, 409)
    assert_problem(response, response.status_code, response.json()["code"])


def test_not_signed_in_is_a_401_problem_that_still_says_how_to_authenticate(world):
    response = APIClient().get("/api/events/")
    assert_problem(response, 401, "not_authenticated")
    assert response.has_header("WWW-Authenticate")


def test_an_unknown_api_address_is_a_404_problem(world):
    assert_problem(APIClient().get("/api/no-such-thing/"), 404, "not_found")


def test_a_body_over_the_upload_limit_is_a_json_problem_not_an_html_page(world, settings):
    """Django refuses it before any view; under /api/ that used to be the HTML 400 page."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = signed_in(world.grid_worker)
    response = client.post(
        "/api/events/",
        json.dumps({"source": "grid_patrol", "description": "长" * 2000}),
        content_type="application/json",
    )
    assert_problem(response, 400, "invalid")
    # Pages keep their page.
    page = Client().post("/report/", "x" * 2000, content_type="application/octet-stream")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_a_nul_character_is_a_400_problem(world):
    response = signed_in(world.grid_worker).get("/api/events/", {"q": "a\x00b"})
    assert_problem(response, 400, "invalid_text")


def test_a_lost_database_is_a_503_problem_with_retry_after(world, monkeypatch):
    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("civicloop.events.api.public.tracked_event", gone)
    response = APIClient(raise_request_exception=False).get("/api/public/track/ABCDEFGHJK/")
    assert_problem(response, 503, "unavailable")
    assert response["Retry-After"] == "5"


def test_the_title_follows_the_request_language(world):
    with override("en"):
        response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/no-such-thing/")
        assert response.json()["title"] == "Not found"
