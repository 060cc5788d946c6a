"""Background work of the grid toolkit (run by ``civicloop worker``).

``refresh_toolkits`` regenerates every grid's toolkit (a grid gets a new version only
when its content changed). ``nightly_refresh`` does the same and then queues itself for
the next night (``NIGHTLY_AT``, local time), so once ``civicloop gridkit schedule`` has
queued the first one, the worker keeps the toolkits current without cron. Queuing for
later needs a backend that can defer tasks (the database backend can).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task, task_backends

from .services import refresh_toolkits as refresh

logger = logging.getLogger(__name__)

NIGHTLY_AT = dt.time(2, 0)


@task()
def refresh_toolkits() -> int:
    """Regenerate every grid's toolkit; returns the number of new versions."""

    created = sum(1 for result in refresh() if result.created)
    if created:
        logger.info("grid toolkit: %d new versions", created)
    return created


@task()
def nightly_refresh() -> int:
    try:
        return refresh_toolkits.call()
    finally:
        schedule_nightly()


def next_night(now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=NIGHTLY_AT.hour, minute=NIGHTLY_AT.minute, second=0, microsecond=0)
    return run if run > local else run + dt.timedelta(days=1)


def nightly_pending() -> bool:
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=nightly_refresh.module_path, status=TaskResultStatus.READY
    ).exists()


def schedule_nightly(now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue the next nightly refresh unless one is waiting; the time it will run, or None
    when the task backend cannot defer tasks (e.g. the immediate backend of the tests)."""
    backend = task_backends[nightly_refresh.backend]
    if not backend.supports_defer:
        return None
    when = next_night(now)
    if not nightly_pending():
        nightly_refresh.using(run_after=when).enqueue()
    return when
