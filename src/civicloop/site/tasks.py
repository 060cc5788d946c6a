"""The one deadline task run by ``civicloop worker``: every app's registered deadline sweep."""

from __future__ import annotations

import logging

from django_tasks import task

from civicloop.core.registry import deadline_sweeps, resolve

logger = logging.getLogger(__name__)


@task()
def sweep_deadlines() -> int:
    """Run every app's deadline sweep (``core.registry.register_deadline_sweep``); one
    failing sweep does not stop the others."""
    total = 0
    for sweep in deadline_sweeps:
        try:
            count = resolve(sweep.function)()
        except Exception:
            logger.exception("deadline sweep %s failed", sweep.name)
            continue
        if count:
            logger.info("%s: %d escalated or warned", sweep.name, count)
        total += count
    return total
