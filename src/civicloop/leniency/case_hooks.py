"""What flexible enforcement adds to penalty cases through ``cases.hooks`` and
``cases.kpis.FIGURES`` (core/registry.py); :func:`register` runs from ``LeniencyConfig.ready()``,
so cases never imports leniency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from civicloop.cases import hooks
from civicloop.cases import kpis as case_kpis

from . import kpis
from .forms import leniency_item_choices
from .services import apply_items_to_decision


class LeniencyDecisionItems:
    """The "一免一减" items of the decision form (``DecideForm.leniency_items``)."""

    def choices(self, case) -> list[tuple[str, str]]:
        return leniency_item_choices(case)

    def apply(
        self,
        case,
        *,
        items: Iterable[str],
        outcome: str,
        no_penalty_ground: str,
        by,
        at: dt.datetime,
    ) -> list[str]:
        rows = apply_items_to_decision(
            case, items=items, outcome=outcome, no_penalty_ground=no_penalty_ground, by=by, at=at
        )
        return [row.item.code for row in rows]


def leniency_items(period: case_kpis.Period) -> int:
    """ "一免一减" items applied in decisions of the period (``kpis.items_applied``)."""
    return kpis.items_applied(period.start, period.end)


def credit_repairs(period: case_kpis.Period) -> int:
    """Credit repairs completed in the period (``kpis.repairs_completed``)."""
    return kpis.repairs_completed(period.start, period.end)


def register() -> None:
    hooks.decision_items.register("leniency_items", LeniencyDecisionItems())
    case_kpis.FIGURES.register("leniency_items", leniency_items)
    case_kpis.FIGURES.register("credit_repairs", credit_repairs)
