"""Background work of flexible enforcement. ``civicloop worker`` runs :func:`sweep` through
``core.tasks.sweep_deadlines`` (``core.tasks.DEADLINE_SWEEPS``)."""

from __future__ import annotations


def sweep() -> int:
    """Follow-up checks that have come due, then penalties that became repairable."""
    from .credit import sweep_credit_repairs
    from .services import sweep_commitments

    return sweep_commitments() + sweep_credit_repairs()
