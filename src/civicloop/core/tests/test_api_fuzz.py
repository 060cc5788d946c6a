"""Fuzzing the API: schemathesis generates requests for every operation of ``/api/schema/``
(valid ones and ones that break the schema) and no answer may be a server error (5xx).

Bounded for CI: ``CIVICLOOP_FUZZ_EXAMPLES`` (default 5) examples per operation and per kind of
input (valid, invalid), no deadline per example, the same examples on every run
(``CIVICLOOP_FUZZ_SEED`` picks another fixed seed). See docs/security.md, "Fuzzing the API".

The requests go through the whole WSGI stack (every middleware) as a county centre operator
with a real API token, against a small county with events, a penalty case with evidence and a
generated document, an assessment round and notifications, so that the operations on one
object (``/api/events/{id}/…``) reach their code with ids that exist, not only 404s.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import traceback

import hypothesis
import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from civicloop.assessment import services as assessment_services
from civicloop.documents import services as document_services
from civicloop.documents.choices import DocumentKind
from civicloop.events.choices import EventState
from civicloop.org import tokens
from civicloop.testing import cases as case_steps
from civicloop.testing.journeys import report, walk
from civicloop.testing.world import build_world, equip_for_cases

EXAMPLES = int(os.environ.get("CIVICLOOP_FUZZ_EXAMPLES", "5"))
SEED = os.environ.get("CIVICLOOP_FUZZ_SEED", "")
MODES = {"valid": GenerationMode.POSITIVE, "invalid": GenerationMode.NEGATIVE}
ROWS_PER_COLLECTION = 3
# Locally, more of schemathesis' checks: e.g. response_schema_conformance,status_code_conformance
# (not in CI: see docs/security.md, "Fuzzing the API").
CHECKS = [not_a_server_error] + [
    getattr(openapi_checks, name.strip())
    for name in os.environ.get("CIVICLOOP_FUZZ_CHECKS", "").split(",")
    if name.strip()
]


def _load_schema():
    # The document /api/schema/ serves, generated in-process (no request, no database).
    document = SchemaGenerator().get_schema(request=None, public=True)
    document = json.loads(OpenApiJsonRenderer().render(document))
    return schemathesis.openapi.from_dict(document)


SCHEMA = _load_schema()
OPERATIONS = {
    operation.label: operation
    for result in SCHEMA.get_all_operations()
    for operation in [result.ok()]
}


def _settings() -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not SEED,
        database=None,
        # No shrinking: a failure is reported with the example that failed, and a run stays
        # bounded (shrinking replays requests against the database many times).
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


# --- the world the requests act on ---------------------------------------------------------


def _build() -> dict:
    """A small county with objects of most kinds; the world and, for the collections the API
    lists nowhere, rows of path values that exist."""
    world = equip_for_cases(build_world())
    collected = report(
        world, description="健康路人行道流动摊贩占道经营", attachments=[case_steps.photo()]
    )
    dispatched = walk(world, report(world), EventState.DISPATCHED)
    closed = walk(world, report(world, description="澉浦镇垃圾乱堆放"), EventState.CLOSED)
    events = [collected, dispatched, closed]
    case = case_steps.investigate(world, case_steps.file(world))
    document_services.issue_document(
        case, kind=DocumentKind.FILING_APPROVAL, by=world.wuyuan_officer
    )
    assessment_services.open_round(
        by=world.centre,
        name="2026年第一季度",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
    )
    rows = {
        "/api/gridkit/events/": [{"id": e.pk} for e in events],
        "/api/public/track/": [{"code": e.tracking_code} for e in events],
        "/api/assignments/": [{"id": a.pk} for a in dispatched.assignments.all()],
        "/api/attachments/": [{"id": a.pk} for a in collected.attachments.all()],
        "/api/case-evidence/": [{"id": e.pk} for e in case.evidence.all()],
        "/api/case-leniency/": [{"case_id": case.pk}],
        "/api/generated-documents/": [{"id": d.pk} for d in case.documents.all()],
        "/api/enterprises/": [{"credit_code": world.enterprise.credit_code}],
    }
    return {"world": world, "rows": rows}


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at its end; each test
    runs in a savepoint of it (pytest-django's ``db``), so what one operation changes does not
    reach the next."""
    media_root = tmp_path_factory.mktemp("fuzz-media")
    with django_db_blocker.unblock():
        from django.test import override_settings

        with override_settings(MEDIA_ROOT=media_root), transaction.atomic():
            built = _build()
            built["media_root"] = media_root
            built["rows"] = {**_listed_rows(built["world"].centre), **built["rows"]}
            yield built
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def wsgi_app():
    """The deployed WSGI application. Django's test client keeps the database connection open
    between requests (the test's transaction lives on it); so do we."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _listed_rows(user) -> dict[str, list[dict]]:
    """For each collection the API lists, the first rows the user sees: ``/api/events/{id}/…``
    is asked about events that exist (in different states), not only about ids that do not."""
    client = APIClient()
    client.force_authenticate(user)
    rows: dict[str, list[dict]] = {}
    for label in OPERATIONS:
        method, path = label.split(" ", 1)
        if method != "GET" or "{" in path:
            continue
        response = client.get(path)
        if response.status_code != 200:
            continue
        body = response.json()
        listed = body.get("results") if isinstance(body, dict) else body
        if isinstance(listed, list):
            rows[path] = [row for row in listed[:ROWS_PER_COLLECTION] if isinstance(row, dict)]
    return rows


def _cases(operation, mode: str, rows: dict[str, list[dict]]):
    """The operation's strategy: with the path parameters of existing objects (one strategy
    per object), and with generated ones."""
    generation_mode = MODES[mode]
    strategies = [operation.as_strategy(generation_mode=generation_mode)]
    names = [parameter.name for parameter in operation.path_parameters]
    if names:
        for row in rows.get(operation.path.split("{", 1)[0], []):
            fixed = {}
            for name in names:
                key = next((k for k in (name, "id", "code") if k in row), None)
                if key is not None:
                    fixed[name] = row[key]
            if len(fixed) == len(names):
                strategies.append(
                    operation.as_strategy(generation_mode=generation_mode, path_parameters=fixed)
                )
    return st.one_of(strategies)


# --- the test --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("label", list(OPERATIONS))
def test_no_operation_answers_a_server_error(
    label, mode, fuzz_world, wsgi_app, db, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = fuzz_world["media_root"]
    operation = OPERATIONS[label]
    user = fuzz_world["world"].centre
    errors: list[str] = []

    def record(sender, request=None, **kwargs):
        errors.append(traceback.format_exc())

    strategy = _cases(operation, mode, fuzz_world["rows"])

    @_settings()
    @given(case=strategy)
    def run(case):
        # A fresh token each time: DELETE /api/auth/token/ ends the one before.
        key = tokens.issue(user).key
        errors.clear()
        # What runs after a commit (notifications, their delivery) runs here too.
        with django_capture_on_commit_callbacks(execute=True):
            response = case.call(app=wsgi_app, headers={"Authorization": f"Token {key}"})
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as failure:
            raise AssertionError(f"{failure}\n{''.join(errors)}") from None

    got_request_exception.connect(record)
    try:
        if SEED:
            run = hypothesis.seed(int(SEED))(run)
        run()
    except hypothesis.errors.Unsatisfiable:
        pytest.skip("no input of this kind can be generated for this operation")
    finally:
        got_request_exception.disconnect(record)
