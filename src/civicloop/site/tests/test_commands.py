"""The site-wide commands: worker, serve, demo --serve."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation

from civicloop.core.registry import DemoContext, demo_steps, resolve
from civicloop.events.models import EventHistory
from civicloop.site.management.commands import demo
from civicloop.site.management.commands.worker import (
    Command,
    enqueue_sweep,
    enqueue_unless_pending,
)
from civicloop.testing.journeys import report

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def command(name, *args, **options):
    out = io.StringIO()
    call_command(name, *args, language="en", stdout=out, stderr=out, **options)
    return out.getvalue()


# --- worker -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_once_escalates_an_event_whose_deadline_passed(world, settings):
    settings.TASKS = DB_TASKS
    event = report(world)
    assert event.deadline_at is not None

    with time_machine.travel(event.deadline_at + dt.timedelta(minutes=5), tick=False):
        output = command("worker", once=True)

    event.refresh_from_db()
    assert event.escalation_level == 1
    row = EventHistory.objects.get(event=event, action="escalate")
    assert row.actor is None and row.details["automatic"] is True
    assert "a deadline sweep enqueued now" in output


@pytest.mark.django_db(transaction=True)
def test_worker_never_queues_a_second_sweep_while_one_is_pending(world, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    assert enqueue_sweep(every=60) is True
    assert enqueue_sweep(every=60) is False
    assert DBTaskResult.objects.count() == 1

    output = command("worker", once=True)

    assert "the deadline sweep that was already waiting" in output
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_the_worker_scheduler_enqueues_sweeps_and_prunes_old_task_results(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    old = _sweep_now_and_finish()
    DBTaskResult.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=30)
    )

    class OneRound:
        rounds = 0

        def is_set(self):
            return self.rounds > 0

        def wait(self, seconds):
            self.rounds += 1

    Command._schedule(OneRound(), 60, 14)

    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert (
        DBTaskResult.objects.filter(status="READY", task_path__endswith="sweep_deadlines").count()
        == 1
    )


# Transactional: the scheduler closes its database connection after each round.
def test_the_worker_schedules_the_spike_scan_like_the_deadline_sweep(transactional_db, settings):
    from django_tasks_db.models import DBTaskResult

    from civicloop.hotspots.tasks import scan_hotspots

    settings.TASKS = DB_TASKS

    class OneRound:
        rounds = 0

        def is_set(self):
            return self.rounds > 0

        def wait(self, seconds):
            self.rounds += 1

    Command._schedule(OneRound(), 60, 0, {"hotspots.scan": 3600})

    scans = DBTaskResult.objects.filter(task_path__endswith="scan_hotspots")
    assert scans.filter(status="READY").count() == 1
    assert enqueue_unless_pending(scan_hotspots, every=3600) is False  # one is already waiting
    assert scans.count() == 1


def _sweep_now_and_finish():
    from django_tasks_db.models import DBTaskResult

    from civicloop.events.tasks import sweep_deadlines

    result = sweep_deadlines.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="SUCCESSFUL", finished_at=timezone.now()
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_worker_once_with_an_immediate_backend_just_sweeps(world):
    event = report(world)

    with time_machine.travel(event.deadline_at + dt.timedelta(minutes=5), tick=False):
        output = command("worker", once=True)

    assert "Deadline sweep ran: 1 escalated" in output


# --- serve ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_gunicorn_and_serves_static_files(tmp_path):
    port = _free_port()
    env = {**os.environ, "CIVICLOOP_VAR_DIR": str(tmp_path), "DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "civicloop.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-access-log",
            "--language",
            "en",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/static/vendor/htmx/htmx.min.js"
        deadline = time.monotonic() + 30
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = response.read()
                    break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        assert body, process.stdout.read().decode() if process.poll() is not None else "no answer"
        assert (tmp_path / "static" / "vendor" / "htmx" / "htmx.min.js").exists()
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
    assert f"Civicloop is running at http://127.0.0.1:{port}/" in output


def test_demo_serve_starts_the_worker_beside_the_server_and_stops_it(
    db, monkeypatch, settings, tmp_path
):
    settings.STATIC_ROOT = tmp_path / "static"
    calls = {}

    class FakeProcess:
        pid = 4242

        def __init__(self, args, **kwargs):
            calls["args"] = args

        def poll(self):
            return 0 if calls.get("terminated") else None

        def terminate(self):
            calls["terminated"] = True

        def kill(self):
            calls["killed"] = True

        def wait(self, timeout=None):
            if not calls.get("terminated"):
                raise demo.subprocess.TimeoutExpired("worker", timeout)
            return 0

    def fake_gunicorn(**options):
        calls["gunicorn"] = options

    monkeypatch.setattr(demo.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(demo, "run_gunicorn", fake_gunicorn)
    out = io.StringIO()

    with translation.override("en"):
        demo.Command(stdout=out)._serve(
            host="127.0.0.1", port=8123, workers=2, url="http://127.0.0.1:8123/", worker=True
        )

    assert calls["args"][-2:] == ["civicloop.cli", "worker"]
    assert calls["gunicorn"]["port"] == 8123 and calls["gunicorn"]["workers"] == 2
    assert calls["terminated"] is True and "killed" not in calls


def test_demo_serve_fits_the_starter_routing_model_before_the_first_judgement_page(db):
    from civicloop.router.models import RouterModel

    said = []
    step = demo_steps.get("router.starter")
    context = DemoContext(
        events=0, seed=1, serving=True, say=said.append, detail=said.append, skip=None, warn=None
    )

    with translation.override("en"):
        resolve(step.run)(context)

    # Only `demo --serve` pays for it; a demo loaded for tests or a later `serve` does not.
    assert step.serving_only is True
    assert RouterModel.objects.filter(source="starter").count() == 1
    assert said[0].startswith("Routing model ready: starter-")


def test_now_is_real_outside_time_travel():
    # Guard: the worker tests travel in time; nothing leaks out of their blocks.
    assert abs(timezone.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
