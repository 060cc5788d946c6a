"""Background work of the hotspots app (run by ``civicloop worker``)."""

from __future__ import annotations

import logging

from django_tasks import task

from .services import scan_spikes

logger = logging.getLogger(__name__)


@task()
def scan_hotspots() -> dict:
    """突发预警: test today's window of every place × subject; raise or extend warnings."""

    report = scan_spikes()
    if report.raised or report.extended:
        logger.info(
            "spike scan %s: %d raised, %d extended",
            report.at,
            len(report.raised),
            len(report.extended),
        )
    return {
        "at": report.at.isoformat(),
        "tested": report.tested,
        "raised": len(report.raised),
        "extended": len(report.extended),
    }
