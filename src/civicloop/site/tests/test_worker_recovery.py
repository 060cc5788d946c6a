"""A worker killed mid-task loses nothing (issue 14, finding 8: 53 of 59 notifications of the
killed task were never delivered).

End to end: a real ``civicloop worker`` process on a database file (SQLite) or the test
database (PostgreSQL) starts delivering 59 notifications, is paused by the test's push before
the seventh and killed with SIGKILL; a second worker finds the task lost once the first stopped
beating, runs it again, and every notification is pushed exactly once.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import civicloop
from civicloop.core.models import TaskRecovery, WorkerHeartbeat
from civicloop.core.taskqueue import WORKER_LOST
from civicloop.notifications.models import Notification
from civicloop.notifications.tasks import deliver_notifications
from civicloop.testing.factories import UserFactory

LOG = "CIVICLOOP_TEST_PUSH_LOG"
PAUSE_BEFORE = "CIVICLOOP_TEST_PUSH_PAUSE_BEFORE"
# A ceiling, not a measurement: a worker starts in a few seconds, but in a minute on a CI machine
# shared by many jobs. Each wait ends as soon as its condition holds.
STARTUP = 90
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def probe_push(notification) -> None:
    """The push of the worker processes below: appends the notification's id to a log; with
    ``PAUSE_BEFORE=n`` it stops for good before the n-th push of the log (the test kills it)."""
    log = Path(os.environ[LOG])
    pause = int(os.environ.get(PAUSE_BEFORE) or 0)
    if pause and log.exists() and len(log.read_text().split()) >= pause - 1:
        Path(f"{log}.paused").write_text(str(notification.pk))
        time.sleep(3600)
    with log.open("a") as file:
        file.write(f"{notification.pk}\n")


def _database_url(tmp_path: Path) -> str:
    """A database the worker processes share with this test."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        return (
            f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
            f"/{settings['NAME']}"
        )
    # SQLite: the test database lives in memory; the workers get a copy in a file.
    path = tmp_path / "worker.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{path}"


def _read_back(url: str) -> None:
    """SQLite: what the workers wrote in the file, back into the test database."""
    if url.startswith("sqlite:///"):
        copy = sqlite3.connect(url.removeprefix("sqlite:///"))
        copy.backup(connection.connection)
        copy.close()


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "civicloop.cli",
            "worker",
            "--interval",
            "0.2",
            "--sweep-every",
            "3600",
            "--scan-every",
            "0",
            "--rollups-every",
            "0",
            "--risk-sweep-every",
            "0",
            "--redeliver-every",
            "0",  # the retry alone must deliver them, not the sweep
            "--keep-results-days",
            "0",
            "--language",
            "en",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


def _wait_for(condition, process: subprocess.Popen, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {what} within {seconds} s:\n{process.communicate()[0].decode()}")
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_no_notification_and_pushes_none_twice(
    settings, tmp_path
):
    settings.TASKS = DB_TASKS
    users = [UserFactory() for _ in range(59)]
    ids = [
        Notification.objects.create(recipient=user, verb="test", message="新的待办").pk
        for user in users
    ]
    task = deliver_notifications.enqueue(ids)
    url = _database_url(tmp_path)
    log = tmp_path / "pushed.log"
    src = str(Path(civicloop.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "DATABASE_URL": url,
        "CIVICLOOP_VAR_DIR": str(tmp_path / "var"),
        "CIVICLOOP_TASK_LEASE_SECONDS": "2",
        "CIVICLOOP_NOTIFICATION_PUSH": f"{__name__}.probe_push",
        LOG: str(log),
    }
    env.pop("TASKS_BACKEND", None)

    first = _worker({**env, PAUSE_BEFORE: "7"})
    try:
        paused = Path(f"{log}.paused")
        _wait_for(paused.exists, first, seconds=STARTUP, what="pause before the 7th push")
    finally:
        first.kill()  # SIGKILL: no clean-up, the task stays RUNNING
        first.communicate(timeout=10)
    assert len(log.read_text().split()) == 6

    second = _worker(env)
    try:
        _wait_for(
            lambda: len(log.read_text().split()) >= 59,
            second,
            seconds=STARTUP,
            what="all 59 pushes",
        )
    finally:
        second.send_signal(signal.SIGTERM)  # finishes its task, then stops
        output = second.communicate(timeout=20)[0].decode()
    _read_back(url)

    pushed = [int(line) for line in log.read_text().split()]
    assert sorted(pushed) == ids, output  # every notification exactly once
    assert not Notification.objects.filter(pk__in=ids, delivered_at__isnull=True).exists()
    lost = DBTaskResult.objects.get(pk=task.id)
    assert lost.status == "FAILED" and lost.exception_class_path == WORKER_LOST
    recovery = TaskRecovery.objects.get(task_result=lost.pk)
    assert (recovery.action, recovery.attempt, recovery.actor) == ("retry", 1, None)
    retry = DBTaskResult.objects.get(pk=recovery.retry_result)
    assert retry.status == "SUCCESSFUL" and retry.return_value == 53


@pytest.mark.django_db(transaction=True)
def test_a_worker_starting_runs_again_what_a_killed_worker_left_running(settings):
    settings.TASKS = DB_TASKS
    settings.CIVICLOOP_NOTIFICATION_PUSH = ""
    user = UserFactory()
    ids = [Notification.objects.create(recipient=user, verb="t", message="m").pk for _ in range(3)]
    task = deliver_notifications.enqueue(ids)
    # A worker claimed it, then was killed: its last beat is older than the lease.
    long_ago = timezone.now() - dt.timedelta(seconds=settings.CIVICLOOP_TASK_LEASE_SECONDS + 60)
    DBTaskResult.objects.get(pk=task.id).claim("killed-worker")
    WorkerHeartbeat.objects.create(worker_id="killed-worker", beat_at=long_ago, started_at=long_ago)

    call_command("worker", once=True, language="en", stdout=io.StringIO())

    assert DBTaskResult.objects.get(pk=task.id).status == "FAILED"
    recovery = TaskRecovery.objects.get(task_result=task.id)
    assert DBTaskResult.objects.get(pk=recovery.retry_result).status == "SUCCESSFUL"
    assert not Notification.objects.undelivered().exists()
    assert WorkerHeartbeat.objects.exclude(worker_id="killed-worker").get().stopped_at is not None
