"""A task lost with a killed worker is found by the recovery sweep and run again (issue 14,
finding 8): stale against beating workers, the retry limit, one recovery when two sweep, and a
history row for each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from civicloop.core import taskqueue
from civicloop.core.models import TaskRecovery, WorkerHeartbeat
from civicloop.core.taskqueue import (
    WORKER_LOST,
    Heartbeat,
    beat,
    claim_is_live,
    recover_stale_tasks,
    running_tokens,
    start_worker,
    stop_worker,
)

TASK = "civicloop.notifications.tasks.deliver_notifications"
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)


def running(*, worker="worker-a", started=NOW - dt.timedelta(minutes=10), args=([1, 2, 3],)):
    return DBTaskResult.objects.create(
        task_path=TASK,
        args_kwargs={"args": list(args), "kwargs": {}},
        status="RUNNING",
        started_at=started,
        worker_ids=[worker],
        priority=5,
        queue_name="default",
        backend_name="default",
        run_after=get_date_max(),
        exception_class_path="",
        traceback="",
    )


def heartbeat(worker, *, beat_at, stopped_at=None):
    return WorkerHeartbeat.objects.create(
        worker_id=worker,
        host="h",
        pid=42,
        started_at=beat_at,
        beat_at=beat_at,
        stopped_at=stopped_at,
    )


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.CIVICLOOP_TASK_LEASE_SECONDS = 120
    settings.CIVICLOOP_TASK_MAX_RETRIES = 3


@pytest.mark.django_db
def test_a_task_whose_worker_stopped_beating_is_failed_and_queued_again_with_its_arguments():
    heartbeat("worker-a", beat_at=NOW - dt.timedelta(seconds=121))
    lost = running()

    [recovery] = recover_stale_tasks(now=NOW)

    lost.refresh_from_db()
    assert lost.status == "FAILED" and lost.exception_class_path == WORKER_LOST
    assert lost.finished_at == NOW
    retry = DBTaskResult.objects.get(pk=recovery.retry_result)
    assert retry.status == "READY" and retry.task_path == TASK
    assert retry.args_kwargs == {"args": [[1, 2, 3]], "kwargs": {}}
    assert (retry.priority, retry.queue_name, retry.backend_name) == (5, "default", "default")
    assert retry in DBTaskResult.objects.ready()
    # The history row: the system acted, when, on which task and worker, which attempt.
    row = TaskRecovery.objects.get()
    assert row.actor is None and row.at == NOW
    assert (row.action, row.from_state, row.to_state) == ("retry", "RUNNING", "READY")
    assert row.task_result == lost.pk and row.task_path == TASK
    assert (row.worker_id, row.attempt) == ("worker-a", 1)
    assert row.details["host"] == "h" and row.details["pid"] == 42
    assert row.reason  # in the deployment's language (NEW_MESSAGES_tasks.po until merged)


@pytest.mark.django_db
def test_a_long_task_of_a_worker_that_still_beats_keeps_running():
    heartbeat("worker-a", beat_at=NOW - dt.timedelta(seconds=30))
    task = running(started=NOW - dt.timedelta(hours=2))

    assert recover_stale_tasks(now=NOW) == []

    task.refresh_from_db()
    assert task.status == "RUNNING"
    assert DBTaskResult.objects.count() == 1 and not TaskRecovery.objects.exists()


@pytest.mark.django_db
def test_a_worker_that_stopped_cleanly_leaves_nothing_running_to_wait_for():
    heartbeat("worker-a", beat_at=NOW, stopped_at=NOW)
    running(started=NOW - dt.timedelta(seconds=5))

    assert len(recover_stale_tasks(now=NOW)) == 1


@pytest.mark.django_db
def test_a_task_of_a_worker_without_heartbeat_is_recovered_only_once_it_ran_for_a_lease():
    young = running(worker="plain-db-worker", started=NOW - dt.timedelta(seconds=60))
    old = running(worker="plain-db-worker", started=NOW - dt.timedelta(seconds=180))

    [recovery] = recover_stale_tasks(now=NOW)

    assert recovery.task_result == old.pk
    young.refresh_from_db()
    assert young.status == "RUNNING"


@pytest.mark.django_db
def test_a_task_lost_again_and_again_is_left_failed_after_the_retry_limit(settings):
    settings.CIVICLOOP_TASK_MAX_RETRIES = 2
    heartbeat("worker-a", beat_at=NOW - dt.timedelta(hours=1))
    current = running()
    actions = []
    for _round in range(3):
        [recovery] = recover_stale_tasks(now=NOW)
        actions.append((recovery.action, recovery.attempt))
        if recovery.retry_result is None:
            break
        # The retry is claimed by a worker that is killed too.
        current = DBTaskResult.objects.get(pk=recovery.retry_result)
        current.claim("worker-a")
        DBTaskResult.objects.filter(pk=current.pk).update(started_at=NOW - dt.timedelta(hours=1))

    assert actions == [("retry", 1), ("retry", 2), ("give_up", 3)]
    assert not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3
    last = TaskRecovery.objects.get(action="give_up")
    assert last.to_state == "FAILED" and last.retry_result is None
    assert recover_stale_tasks(now=NOW) == []


@pytest.mark.django_db
def test_two_workers_sweeping_at_once_recover_a_lost_task_once(monkeypatch):
    heartbeat("worker-a", beat_at=NOW - dt.timedelta(hours=1))
    lost = running()
    # Both sweeps read the task as stale before either marks it failed.
    seen = taskqueue.stale_running_tasks(now=NOW)
    monkeypatch.setattr(taskqueue, "stale_running_tasks", lambda now=None: list(seen))

    first = recover_stale_tasks(now=NOW)
    second = recover_stale_tasks(now=NOW)

    assert len(first) == 1 and second == []
    assert TaskRecovery.objects.filter(task_result=lost.pk).count() == 1
    assert DBTaskResult.objects.filter(status="READY").count() == 1


@pytest.mark.django_db
def test_a_task_that_finished_meanwhile_is_not_run_again(monkeypatch):
    heartbeat("worker-a", beat_at=NOW - dt.timedelta(hours=1))
    task = running()
    seen = taskqueue.stale_running_tasks(now=NOW)
    monkeypatch.setattr(taskqueue, "stale_running_tasks", lambda now=None: list(seen))
    task.set_successful(3)  # the worker was only slow, and finished

    assert recover_stale_tasks(now=NOW) == []
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_recovery_rows_are_append_only():
    heartbeat("worker-a", beat_at=NOW - dt.timedelta(hours=1))
    running()
    [row] = recover_stale_tasks(now=NOW)

    with pytest.raises(TypeError):
        TaskRecovery.objects.update(attempt=9)
    with pytest.raises(TypeError):
        row.delete()


@pytest.mark.django_db
def test_a_worker_records_its_start_its_beats_and_its_stop():
    heartbeat("gone-long-ago", beat_at=NOW - dt.timedelta(days=31))
    heartbeat("gone-lately", beat_at=NOW - dt.timedelta(days=29))
    row = start_worker("worker-b", now=NOW)
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {
        "gone-lately",
        "worker-b",
    }
    assert row.pid and row.host and row.beat_at == NOW and row.stopped_at is None

    beat("worker-b", now=NOW + dt.timedelta(seconds=30))
    stop_worker("worker-b", now=NOW + dt.timedelta(seconds=40))

    row.refresh_from_db()
    assert row.beat_at == NOW + dt.timedelta(seconds=30)
    assert row.stopped_at == NOW + dt.timedelta(seconds=40)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_round_beats_and_recovers_what_a_dead_worker_left(settings):
    heartbeat("worker-dead", beat_at=timezone.now() - dt.timedelta(seconds=300))
    lost = running(worker="worker-dead", started=timezone.now() - dt.timedelta(seconds=300))
    start_worker("worker-alive", now=timezone.now() - dt.timedelta(seconds=100))

    Heartbeat("worker-alive").round()

    alive = WorkerHeartbeat.objects.get(worker_id="worker-alive")
    assert timezone.now() - alive.beat_at < dt.timedelta(seconds=60)
    assert TaskRecovery.objects.get().task_result == lost.pk


@pytest.mark.django_db
def test_a_claim_stands_only_while_its_task_is_running():
    task = running()

    assert claim_is_live(str(task.pk))
    assert running_tokens([str(task.pk), "not-a-task", ""]) == {str(task.pk)}
    task.set_failed(RuntimeError("lost"))
    assert not claim_is_live(str(task.pk))
    assert not claim_is_live("0b6e8f0e-3d5c-4d47-9d38-6f7d1c3a1b2e")  # pruned or immediate
