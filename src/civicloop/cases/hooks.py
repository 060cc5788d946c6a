"""What apps above cases add to the case workflow (core/registry.py explains the mechanism).

* :data:`decision_items` — items a penalty decision may apply besides the penalty itself, keyed by
  the :class:`~civicloop.cases.services.Decision` field that carries their codes. The leniency app
  registers the "一免一减" items as ``leniency_items``: the decision form offers its
  :meth:`DecisionItems.choices`, and ``decide_case`` has them checked and recorded by
  :meth:`DecisionItems.apply` inside its transaction (a refusal rolls the decision back).
* :data:`civicloop.cases.kpis.FIGURES` — case figures counted by other apps
  (``leniency_items``, ``credit_repairs``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from civicloop.core.registry import Registry


class DecisionItems(Protocol):
    def choices(self, case) -> list[tuple[str, str]]:
        """(code, label) of the items the decision form offers for the case."""

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
        """Check and record the chosen items; return their codes for the history row. Raises
        ``InvalidInput`` (with ``field`` = the registered name) to refuse the decision."""


decision_items: Registry[DecisionItems] = Registry("items a penalty decision may apply")
