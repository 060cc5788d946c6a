"""Delivery claims each notification before pushing it: two deliverers at once, a retry after a
killed worker, a failed push — each notification is pushed once and none is lost (issue 14,
finding 8)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from civicloop.notifications.delivery import claim, deliver, undelivered_ids
from civicloop.notifications.models import Notification
from civicloop.notifications.services import notify_users
from civicloop.notifications.tasks import redeliver_notifications
from civicloop.testing.factories import UserFactory

PUSHED: list[int] = []
HOOKS: dict[str, object] = {}


def record(notification):
    """The push configured for these tests: remembers what it pushed, may run a hook first."""
    hook = HOOKS.pop("before", None)
    if hook is not None:
        hook(notification)
    PUSHED.append(notification.pk)


@pytest.fixture(autouse=True)
def _push(settings):
    settings.CIVICLOOP_NOTIFICATION_PUSH = f"{__name__}.record"
    settings.CIVICLOOP_TASK_LEASE_SECONDS = 120
    PUSHED.clear()
    HOOKS.clear()
    yield
    PUSHED.clear()
    HOOKS.clear()


def task_row(status="RUNNING"):
    """A delivery task's result row: its id is the token its claims carry."""
    row = DBTaskResult.objects.create(
        task_path="civicloop.notifications.tasks.deliver_notifications",
        args_kwargs={"args": [[]], "kwargs": {}},
        status=status,
        started_at=timezone.now(),
        worker_ids=["w"],
        backend_name="default",
        run_after=get_date_max(),
        exception_class_path="",
        traceback="",
    )
    return str(row.pk)


def notices(n=5, **fields):
    user = UserFactory()
    return [
        Notification.objects.create(recipient=user, verb="test", message=f"第{i}条", **fields).pk
        for i in range(n)
    ]


@pytest.mark.django_db
def test_notifications_written_in_a_transaction_are_pushed_once_after_it_commits(
    django_capture_on_commit_callbacks,
):
    users = [UserFactory(), UserFactory()]
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify_users(users, verb="test", message="有新的待办")
        assert PUSHED == []  # nothing leaves before the change is committed

    assert sorted(PUSHED) == sorted(n.pk for n in rows)
    assert not Notification.objects.undelivered().exists()


@pytest.mark.django_db
def test_delivering_the_same_notifications_again_pushes_nothing_twice():
    ids = notices(3)

    assert deliver(ids, token=task_row()) == 3
    assert deliver(ids, token=task_row()) == 0

    assert sorted(PUSHED) == ids
    row = Notification.objects.get(pk=ids[0])
    assert row.delivered_at is not None and row.delivery_claim and row.delivery_claimed_at


@pytest.mark.django_db
def test_two_deliverers_at_once_push_each_notification_once():
    ids = notices(5)
    first, second = task_row(), task_row()
    delivered_by_second = []
    # While the first pushes its first notification, the second delivers the same rows.
    HOOKS["before"] = lambda n: delivered_by_second.append(deliver(ids, token=second))

    delivered_by_first = deliver(ids, token=first)

    assert sorted(PUSHED) == ids  # each exactly once
    assert delivered_by_first + delivered_by_second[0] == 5
    assert delivered_by_second == [4]  # it skipped the one the first one held
    assert not Notification.objects.undelivered().exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliverers_in_parallel_on_postgresql_push_each_notification_once():
    ids = notices(40)
    tokens = [task_row(), task_row()]
    start = threading.Barrier(2)
    counts = []

    def run(token):
        try:
            start.wait()
            counts.append(deliver(ids, token=token))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(PUSHED) == ids
    assert sum(counts) == 40
    assert not Notification.objects.undelivered().exists()


@pytest.mark.django_db
def test_a_notification_claimed_by_a_killed_task_is_pushed_by_its_retry_and_not_before():
    ids = notices(3)
    killed = task_row()
    assert claim(ids[0], token=killed)  # claimed, then the worker was killed before its push
    retry = task_row()

    # While the killed task still counts as running, its claim stands.
    assert deliver(ids, token=retry) == 2
    assert PUSHED == ids[1:]

    # The recovery sweep marks it failed (core/taskqueue.py); its retry takes the claim over.
    DBTaskResult.objects.filter(pk=killed).update(status="FAILED")
    assert deliver(ids, token=task_row()) == 1
    assert sorted(PUSHED) == ids


@pytest.mark.django_db
def test_a_failed_push_gives_the_claim_back_and_the_sweep_delivers_it_later():
    ids = notices(3)

    def gateway_down(notification):
        raise ConnectionError("SMS gateway unreachable")

    HOOKS["before"] = gateway_down
    assert deliver(ids, token=task_row()) == 2

    failed = Notification.objects.get(pk=ids[0])
    assert failed.delivered_at is None and failed.delivery_claim == ""
    later = timezone.now() + dt.timedelta(seconds=121)
    assert undelivered_ids(now=later) == [ids[0]]

    with time_machine.travel(later, tick=False):
        assert redeliver_notifications.enqueue().return_value == 1
    assert sorted(PUSHED) == ids


@pytest.mark.django_db
def test_the_sweep_leaves_fresh_day_old_and_held_notifications_alone():
    now = timezone.now()
    fresh = notices(1, created_at=now - dt.timedelta(seconds=30))
    due = notices(1, created_at=now - dt.timedelta(minutes=5))
    stale_claim = notices(
        1, created_at=now - dt.timedelta(minutes=5), delivery_claim=task_row("FAILED")
    )
    held = notices(1, created_at=now - dt.timedelta(minutes=5), delivery_claim=task_row())
    too_old = notices(1, created_at=now - dt.timedelta(days=2))
    done = notices(1, created_at=now - dt.timedelta(minutes=5), delivered_at=now)

    found = undelivered_ids(now=now)

    assert found == [due[0], stale_claim[0]]
    assert not set(found) & set(fresh + held + too_old + done)


@pytest.mark.django_db
def test_without_a_push_delivery_marks_the_inbox_rows_delivered_once(settings):
    settings.CIVICLOOP_NOTIFICATION_PUSH = ""
    ids = notices(2)

    assert deliver(ids, token=task_row()) == 2
    assert deliver(ids, token=task_row()) == 0
    assert PUSHED == [] and not Notification.objects.undelivered().exists()


@pytest.mark.django_db
def test_every_attempt_pushes_a_notification_under_the_same_key():
    [pk] = notices(1)
    assert Notification.objects.get(pk=pk).delivery_key == f"civicloop-notification-{pk}"
