"""Figures of flexible enforcement (docs/kpis.md). ``cases.kpis`` reports them as
``leniency_items`` and ``credit_repairs``; each takes the period's first and last local
dates (either may be None: open)."""

from __future__ import annotations

import datetime as dt

from .models import AppliedItem, CreditRepair


def items_applied(start: dt.date | None = None, end: dt.date | None = None) -> int:
    """ "一免一减" items applied in decisions made in the period: one per item and decision (a
    decision applying two items counts two), dated by the decision (``Case.decided_at``)."""
    return AppliedItem.objects.decided_between(start, end).count()


def repairs_completed(start: dt.date | None = None, end: dt.date | None = None) -> int:
    """Credit repairs approved (state "repaired") on a date in the period."""
    return CreditRepair.objects.repaired_between(start, end).count()
