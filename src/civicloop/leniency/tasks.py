"""Background work of flexible enforcement. ``civicloop worker`` runs :func:`sweep` through
``site.tasks.sweep_deadlines`` (registered in ``LeniencyConfig.ready()``); the task runs it alone."""

from __future__ import annotations

from .credit import sweep_credit_repairs
from .services import sweep_commitments


def sweep() -> int:
    """Follow-up checks that have come due, then penalties that became repairable."""

    return sweep_commitments() + sweep_credit_repairs()
