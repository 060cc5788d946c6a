"""What flexible enforcement adds to penalty cases through ``cases.hooks`` (core/registry.py);
:func:`register` runs from ``LeniencyConfig.ready()``, so cases never imports leniency.
(Its figures are registered in ``leniency/kpis.py``.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from civicloop.cases import hooks

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


def register() -> None:
    hooks.decision_items.register("leniency_items", LeniencyDecisionItems())
