"""Background work of the event loop (run by ``civicloop worker``)."""

from __future__ import annotations

import logging

from django_tasks import task

from .services import escalate_overdue

logger = logging.getLogger(__name__)


@task()
def sweep_deadlines() -> int:
    """Escalate (督办) everything whose deadline passed since the last sweep."""

    count = escalate_overdue()
    if count:
        logger.info("escalated %d overdue events/sub-tasks", count)
    return count
