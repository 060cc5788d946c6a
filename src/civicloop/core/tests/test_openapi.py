"""The API documentation lists every operation: each manual transition of both
workflows has its POST endpoint, every operation is named and tagged, the schema
is valid, and the docs page renders."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from civicloop.events.workflow import ASSIGNMENT_WORKFLOW, EVENT_WORKFLOW

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_every_manual_event_transition_has_a_post_endpoint(schema):
    manual = [t.name for t in EVENT_WORKFLOW if t.manual]
    assert len(manual) >= 16
    for name in manual:
        path = f"/api/events/{{id}}/{name.replace('_', '-')}/"
        assert "post" in schema["paths"].get(path, {}), f"{name} is missing from the API ({path})"


def test_every_manual_subtask_transition_has_a_post_endpoint(schema):
    manual = [t.name for t in ASSIGNMENT_WORKFLOW if t.manual]
    assert manual
    for name in manual:
        path = f"/api/assignments/{{id}}/{name.removesuffix('_subtask')}/"
        assert "post" in schema["paths"].get(path, {}), f"{name} is missing from the API ({path})"


def test_system_moves_are_not_offered_as_endpoints(schema):
    for t in [*EVENT_WORKFLOW, *ASSIGNMENT_WORKFLOW]:
        if not t.manual:
            assert not any(
                path.rstrip("/").endswith(t.name.replace("_", "-")) for path in schema["paths"]
            )


def test_every_operation_has_an_id_a_tag_and_documented_errors(schema):
    seen = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            assert operation.get("operationId"), (method, path)
            assert operation["operationId"] not in seen
            seen.add(operation["operationId"])
            assert operation.get("tags"), (method, path)
            errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
            assert errors, f"{method} {path} documents no error response"


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/auth/token/"),
        ("get", "/api/me/"),
        ("get", "/api/regions/"),
        ("get", "/api/units/"),
        ("get", "/api/categories/"),
        ("get", "/api/events/"),
        ("post", "/api/events/"),
        ("get", "/api/events/{id}/"),
        ("get", "/api/events/{id}/history/"),
        ("get", "/api/events/{id}/contact/"),
        ("post", "/api/events/{id}/add-subtask/"),
        ("get", "/api/attachments/{id}/"),
        ("post", "/api/public/reports/"),
        ("get", "/api/public/track/{code}/"),
        ("post", "/api/public/track/{code}/rate/"),
        ("get", "/api/notifications/"),
        ("post", "/api/notifications/{id}/read/"),
    ],
)
def test_the_other_operations_are_documented(schema, method, path):
    assert method in schema["paths"].get(path, {}), f"{method.upper()} {path}"


def test_public_operations_need_no_credentials(schema):
    for path, operations in schema["paths"].items():
        if path.startswith("/api/public/") or path == "/api/auth/token/":
            for method, operation in operations.items():
                if (path, method) == ("/api/auth/token/", "delete"):
                    # Revoking a token needs that token (or a session).
                    assert {} not in operation["security"], path
                    continue
                assert operation.get("security") in (None, [], [{}]), path


def test_the_schema_is_valid_and_generates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert (tmp_path / "schema.yml").read_text().startswith("openapi:")


@pytest.mark.django_db
def test_the_api_docs_page_renders():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
    # Its start-up script is a second request (no inline script under the CSP); it loads the schema.
    script = APIClient().get("/api/docs/", {"script": ""})
    assert b"/api/schema/" in script.content
    # Its script and styles are our static files: no CDN, nothing unpinned.
    page = response.content.decode()
    assert "cdn" not in page.lower() and "https://" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page


@pytest.mark.django_db
def test_the_api_root_says_where_the_schema_and_docs_are():
    body = APIClient().get("/api/").json()
    assert body["schema"].endswith("/api/schema/") and body["docs"].endswith("/api/docs/")
    assert APIClient().get(body["docs"]).status_code == 200
