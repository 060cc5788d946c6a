"""Background work of flexible enforcement. ``civicloop worker`` runs :func:`sweep` through
``site.tasks.sweep_deadlines`` (registered in ``LeniencyConfig.ready()``); the task runs it alone."""

from __future__ import annotations


def sweep() -> int:
    """Follow-up checks that have come due, then penalties that became repairable."""
    from .credit import sweep_credit_repairs
    from .services import sweep_commitments

    return sweep_commitments() + sweep_credit_repairs()
