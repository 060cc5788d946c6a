"""Civicloop's own commands: export, worker, prune_attachments, import divisions, serve."""

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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation
from openpyxl import load_workbook
from PIL import Image

from civicloop import cli
from civicloop.events.choices import EventState
from civicloop.events.models import EventHistory
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region
from civicloop.testing.journeys import report, walk

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def command(name, *args, **options):
    out = io.StringIO()
    call_command(name, *args, language="en", stdout=out, stderr=out, **options)
    return out.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


# --- export -----------------------------------------------------------------------


def read_sheet(path):
    sheet = load_workbook(path).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_export_holds_only_what_the_user_may_see_with_personal_data_masked(world, tmp_path):
    mine = report(
        world,
        reporter_name="张三丰",
        reporter_phone="13912345678",
        reporter_id_number="330424199001011239",
    )
    report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid)
    path = tmp_path / "export.xlsx"

    output = command("export_events", str(path), username="wuyuan_dispatcher")

    rows = read_sheet(path)
    assert len(rows) == 2 and "Wrote 1 events" in output
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["number"] == mine.number
    assert record["reporter name"] == "张**"
    assert record["reporter phone"] == "139****5678"
    assert record["reporter ID number"] == "330424********1239"
    assert record["town / street"] == "武原街道"
    flat = " ".join(str(v) for r in rows for v in r)
    assert "13912345678" not in flat and "张三丰" not in flat and "199001011239" not in flat


def test_export_filters_by_state_and_town(world, tmp_path):
    first = report(world)
    walk(world, report(world), EventState.JUDGED)
    report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid)

    command(
        "export_events",
        str(tmp_path / "a.xlsx"),
        username="centre",
        state=["collected"],
        town="330424001",
    )
    command(
        "export_events", str(tmp_path / "b.xlsx"), username="centre", state=["judged,collected"]
    )

    assert [r[0] for r in read_sheet(tmp_path / "a.xlsx")[1:]] == [first.number]
    assert len(read_sheet(tmp_path / "b.xlsx")) == 4
    with pytest.raises(CommandError, match="Unknown state"):
        command("export_events", str(tmp_path / "c.xlsx"), username="centre", state=["lost"])
    with pytest.raises(CommandError, match="ending in .xlsx"):
        command("export_events", str(tmp_path / "c.csv"), username="centre")


def test_export_writes_formula_like_text_as_plain_text(world, tmp_path):
    report(world, title='=HYPERLINK("http://x")', description="=1+1 占道")

    command("export_events", str(tmp_path / "f.xlsx"), username="centre")

    sheet = load_workbook(tmp_path / "f.xlsx").active
    assert sheet["B2"].value.startswith("=HYPERLINK") and sheet["B2"].data_type == "s"


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

    from civicloop.core.management.commands.worker import enqueue_sweep

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

    from civicloop.core.management.commands.worker import Command

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


# --- prune_attachments ------------------------------------------------------------------


def test_prune_attachments_dry_run_lists_orphans_and_deletes_nothing(world, settings):
    event = report(world, attachments=[SimpleUploadedFile("photo.png", png_bytes())])
    kept = settings.MEDIA_ROOT / event.attachments.get().file.name
    orphan = settings.MEDIA_ROOT / "attachments" / "ab" / "orphan.png"
    young = settings.MEDIA_ROOT / "attachments" / "cd" / "young.png"
    for path in (orphan, young):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 2048)
    old = time.time() - 3 * 3600
    os.utime(orphan, (old, old))
    os.utime(kept, (old, old))

    output = command("prune_attachments", dry_run=True)

    assert (
        "attachments/ab/orphan.png" in output
        and "Would delete 1 unreferenced files (2 KB)" in output
    )
    assert "Kept 1 unreferenced files younger than 60 minutes" in output
    assert orphan.exists() and young.exists() and kept.exists()

    output = command("prune_attachments")

    assert "Deleted 1 unreferenced files" in output
    assert not orphan.exists() and not orphan.parent.exists()
    assert young.exists() and kept.exists()


# --- import divisions -------------------------------------------------------------------


# Transactional: the `civicloop` entry point closes the database connections when it ends.
@pytest.mark.django_db(transaction=True)
def test_import_divisions_loads_the_county_through_the_civicloop_command(capsys):
    cli.main(["civicloop", "import", "divisions", "--county", "330424", "--language", "en"])

    assert "9 towns/streets, 122 villages/communities, 122 grids" in capsys.readouterr().out
    assert Region.objects.filter(level=RegionLevel.TOWN).count() == 9
    assert Region.objects.get(code="330424001001001").parent.code == "330424001001"


def test_import_divisions_refuses_a_county_it_has_no_data_for(db):
    with pytest.raises(CommandError, match="not in the shipped division data"):
        command("import_divisions", county="110101")
    with pytest.raises(CommandError, match="6 digits"):
        command("import_divisions", county="33")


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
    from civicloop.core.management.commands import demo

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
    # The starter routing model is fitted before the first judgement page asks for it.
    from civicloop.router.models import RouterModel

    assert RouterModel.objects.filter(source="starter").count() == 1
    assert "Routing model ready: starter-" in out.getvalue()


def test_now_is_real_outside_time_travel():
    # Guard: the worker tests travel in time; nothing leaks out of their blocks.
    assert abs(timezone.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
