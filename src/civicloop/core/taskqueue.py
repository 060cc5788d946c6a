"""Background work that finishes: worker heartbeats, and lost tasks run again.

The database task backend (``django_tasks_db``) marks a task RUNNING when a worker claims it and
SUCCESSFUL or FAILED when the task returns or raises. A worker that is killed (``kill -9``, the
OOM killer, a power cut) does neither: its task stays RUNNING forever and nothing runs it again.

Here each ``civicloop worker`` writes a :class:`~civicloop.core.models.WorkerHeartbeat` row and
beats it every quarter of ``CIVICLOOP_TASK_LEASE_SECONDS`` from a thread beside the tasks. The
recovery sweep (:func:`recover_stale_tasks`, run by every worker at start and at every beat)
finds each RUNNING task whose worker has not beaten for the lease, marks it FAILED
(:class:`WorkerLost`) and queues the same task with the same arguments again, up to
``CIVICLOOP_TASK_MAX_RETRIES`` times; each recovery is a :class:`~civicloop.core.models.TaskRecovery`
history row. Marking the lost result failed is a conditional update, so when several workers sweep
at once exactly one of them recovers each task.

A task may therefore run more than once (a retry after a kill, or after a worker that was only
frozen for longer than the lease comes back): every task must be idempotent. Side effects that must
happen at most once claim their rows first — :func:`claim_is_live` tells whether the task that holds
a claim may still be running (notifications/delivery.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import TaskRecovery, WorkerHeartbeat

logger = logging.getLogger("civicloop.worker")

RETRY = "retry"
GIVE_UP = "give_up"


class WorkerLost(Exception):
    """The worker running a task stopped beating (killed); the task was marked failed."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def lease_seconds() -> int:
    return int(getattr(settings, "CIVICLOOP_TASK_LEASE_SECONDS", 120))


def max_retries() -> int:
    return int(getattr(settings, "CIVICLOOP_TASK_MAX_RETRIES", 3))


def beat_seconds() -> float:
    """Every quarter of the lease: a live worker misses three beats before it looks lost."""
    return max(lease_seconds() / 4, 0.5)


# --- heartbeats ------------------------------------------------------------------------------


# Heartbeats of workers gone this long are deleted when a worker starts (the recoveries they led
# to are kept in TaskRecovery).
KEEP_HEARTBEATS = dt.timedelta(days=30)


def start_worker(worker_id: str, *, now: dt.datetime | None = None) -> WorkerHeartbeat:
    """Record a worker starting (before it claims its first task)."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.filter(beat_at__lt=now - KEEP_HEARTBEATS).delete()
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": now,
            "beat_at": now,
            "stopped_at": None,
        },
    )
    return heartbeat


def beat(worker_id: str, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now):
        start_worker(worker_id, now=now)


def stop_worker(worker_id: str, *, now: dt.datetime | None = None) -> None:
    """A worker that stops cleanly says so (its tasks have finished by then)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=now or timezone.now())


class Heartbeat(threading.Thread):
    """Beside the worker loop: wait a quarter of the lease, beat, sweep for lost tasks; again.

    The beats go on while a task runs (a long task keeps its lease); they stop with the process.
    A round that fails (a locked SQLite file, a database restart) is logged and the next one
    tries again."""

    def __init__(self, worker_id: str):
        super().__init__(daemon=True, name="civicloop-heartbeat")
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        # The worker beat and swept once as it started; the thread goes on from there.
        while not self.stopping.wait(beat_seconds()):
            self.round()

    def round(self) -> None:
        try:
            close_old_connections()
            beat(self.worker_id)
            recovered = recover_stale_tasks()
            if recovered:
                logger.warning("recovered %d lost tasks", len(recovered))
        except Exception:
            logger.exception("heartbeat or recovery sweep failed; trying again at the next beat")
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()


# --- the recovery sweep ------------------------------------------------------------------------


def _last_worker(result: DBTaskResult) -> str:
    return result.worker_ids[-1] if result.worker_ids else ""


def stale_running_tasks(*, now: dt.datetime | None = None) -> list[DBTaskResult]:
    """RUNNING task results whose worker is lost: it stopped, or has not beaten for the lease, or
    never wrote a heartbeat (a plain ``db_worker``) and the task started more than a lease ago."""
    now = now or timezone.now()
    expired = now - dt.timedelta(seconds=lease_seconds())
    running = list(DBTaskResult.objects.running().order_by("started_at"))
    beats = {
        h.worker_id: h
        for h in WorkerHeartbeat.objects.filter(worker_id__in={_last_worker(r) for r in running})
    }
    stale = []
    for result in running:
        heartbeat = beats.get(_last_worker(result))
        if heartbeat is None:
            lost = result.started_at is None or result.started_at < expired
        else:
            lost = heartbeat.stopped_at is not None or heartbeat.beat_at < expired
        if lost:
            stale.append(result)
    return stale


def _attempt_of(result_id) -> int:
    """How many times the task of ``result_id`` had already been run again (0: the first run)."""
    earlier = TaskRecovery.objects.filter(retry_result=result_id).values_list("attempt", flat=True)
    return max(earlier, default=0)


def recover_stale_tasks(*, now: dt.datetime | None = None) -> list[TaskRecovery]:
    """Run again every task lost with its worker (see the module's docstring); the history rows
    written. Several workers may sweep at once: each lost task is recovered by one of them."""
    now = now or timezone.now()
    limit = max_retries()
    stale = stale_running_tasks(now=now)
    if not stale:
        return []
    beats = {
        h.worker_id: h
        for h in WorkerHeartbeat.objects.filter(worker_id__in={_last_worker(r) for r in stale})
    }
    recoveries = []
    for result in stale:
        worker_id = _last_worker(result)
        heartbeat = beats.get(worker_id)
        attempt = _attempt_of(result.id) + 1
        retry = attempt <= limit
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(
                (
                    _("The worker running this task stopped; the task runs again (attempt %(n)d).")
                    if retry
                    else _("The worker running this task stopped; no retry is left (%(n)d done).")
                )
                % {"n": attempt if retry else attempt - 1}
            )
        with transaction.atomic():
            won = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=WORKER_LOST,
                traceback=f"{WORKER_LOST}: {reason}\n",
            )
            if not won:  # another worker recovered it, or it finished after all
                continue
            replacement = None
            if retry:
                replacement = DBTaskResult.objects.create(
                    task_path=result.task_path,
                    args_kwargs=result.args_kwargs,
                    priority=result.priority,
                    queue_name=result.queue_name,
                    backend_name=result.backend_name,
                    run_after=get_date_max(),
                    exception_class_path="",
                    traceback="",
                )
            recoveries.append(
                TaskRecovery.objects.create(
                    actor=None,
                    action=RETRY if retry else GIVE_UP,
                    from_state=TaskResultStatus.RUNNING,
                    to_state=TaskResultStatus.READY if retry else TaskResultStatus.FAILED,
                    at=now,
                    reason=reason,
                    task_path=result.task_path[:255],
                    task_result=result.pk,
                    retry_result=replacement.pk if replacement else None,
                    worker_id=worker_id[:64],
                    attempt=attempt,
                    details={
                        "started_at": result.started_at.isoformat() if result.started_at else None,
                        "host": heartbeat.host if heartbeat else "",
                        "pid": heartbeat.pid if heartbeat else None,
                        "last_beat": heartbeat.beat_at.isoformat() if heartbeat else None,
                        "lease_seconds": lease_seconds(),
                    },
                )
            )
        logger.warning(
            "task %s (%s) lost with worker %s: %s",
            result.pk,
            result.task_path,
            worker_id or "?",
            "queued again" if retry else "left failed",
        )
    return recoveries


# --- claims held by a running task -----------------------------------------------------------


def claim_is_live(token: str) -> bool:
    """Whether the task whose result id is ``token`` may still be running (so its claims on rows
    stand). Its result FAILED (lost and recovered, or raised), SUCCESSFUL, or unknown (an
    immediate backend, a pruned result): the claim is stale and may be taken over."""
    return bool(running_tokens([token]))


def running_tokens(tokens: Iterable[str]) -> set[str]:
    """Those of ``tokens`` (task result ids) whose task is RUNNING."""
    ids = {}
    for token in tokens:
        try:
            ids[uuid.UUID(str(token))] = token
        except ValueError:
            continue
    if not ids:
        return set()
    running = DBTaskResult.objects.filter(pk__in=list(ids), status=TaskResultStatus.RUNNING)
    return {ids[uuid.UUID(str(pk))] for pk in running.values_list("pk", flat=True)}
