"""Background work shared by every app (run by ``civicloop worker``)."""

from __future__ import annotations

import logging

from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger(__name__)

# Each app's deadline sweep: a function taking no argument and returning how many items it
# escalated or warned about. One queued task runs them all, so sweeps never pile up.
DEADLINE_SWEEPS = (
    "civicloop.events.services.escalate_overdue",
    "civicloop.cases.deadlines.sweep_case_deadlines",
    "civicloop.leniency.tasks.sweep",
)


@task()
def sweep_deadlines() -> int:
    """Run every app's deadline sweep; one failing sweep does not stop the others."""
    total = 0
    for path in DEADLINE_SWEEPS:
        try:
            count = import_string(path)()
        except Exception:
            logger.exception("deadline sweep %s failed", path)
            continue
        if count:
            logger.info("%s: %d escalated or warned", path, count)
        total += count
    return total
