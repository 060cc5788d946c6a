"""Background work of penalty discretion: the daily risk sweep, enqueued by ``civicloop worker``
(registered in ``DiscretionConfig.ready()``; ``--risk-sweep-every`` overrides the interval)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from .risks import sweep

logger = logging.getLogger(__name__)


def sweep_seconds() -> int:
    """``CIVICLOOP_DISCRETION_SWEEP_SECONDS`` (default a day; 0 turns the sweep off)."""
    return int(getattr(settings, "CIVICLOOP_DISCRETION_SWEEP_SECONDS", 86400))


@task()
def sweep_risks() -> dict:
    """裁量风险排查: flag the risks of every decided case, resolve those no longer found."""
    report = sweep()
    if report.total_found or report.resolved:
        logger.info(
            "risk sweep %s: %d found, %d resolved", report.run, report.total_found, report.resolved
        )
    return {
        "run": report.run,
        "cases": report.cases,
        "found": report.total_found,
        "updated": report.updated,
        "resolved": report.resolved,
    }


def demo_step(context) -> None:
    """``civicloop demo``: sweep the demo's decided cases, so the review queue and the cockpit's
    discretion figures have something to show."""
    report = sweep()
    context.say(
        _("Discretion risk sweep: %(cases)d decided cases, %(found)d risk flags found.")
        % {"cases": report.cases, "found": report.total_found}
    )
