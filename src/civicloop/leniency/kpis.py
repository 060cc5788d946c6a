"""Figures of flexible enforcement (docs/kpis.md), reported with the penalty cases' figures
(``civicloop kpi cases``) as ``leniency_items`` and ``credit_repairs``: :data:`FIGURES` is
registered by ``LeniencyConfig.ready()``. The counting functions take the period's first and
last local dates (either may be None: open)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from civicloop.cases.kpis import SUBJECT as CASES
from civicloop.core.figures import Figure, Period

from .models import AppliedItem, CreditRepair


def items_applied(start: dt.date | None = None, end: dt.date | None = None) -> int:
    """ "一免一减" items applied in decisions made in the period: one per item and decision (a
    decision applying two items counts two), dated by the decision (``Case.decided_at``)."""
    return AppliedItem.objects.decided_between(start, end).count()


def repairs_completed(start: dt.date | None = None, end: dt.date | None = None) -> int:
    """Credit repairs approved (state "repaired") on a date in the period."""
    return CreditRepair.objects.repaired_between(start, end).count()


def leniency_items(period: Period) -> int:
    return items_applied(period.start, period.end)


def credit_repairs(period: Period) -> int:
    return repairs_completed(period.start, period.end)


# Reported under the penalty cases' subject, after its own figures.
FIGURES = (
    Figure(
        CASES,
        "leniency_items",
        definition=_(
            "“一免一减” items applied in decisions made in the period, one per item and decision."
        ),
        unit=_("items"),
        compute=leniency_items,
        order=50,
        regional=False,
    ),
    Figure(
        CASES,
        "credit_repairs",
        definition=_("Credit repairs approved in the period."),
        unit=_("repairs"),
        compute=credit_repairs,
        order=60,
        regional=False,
    ),
)
