"""What apps above cases add to the case workflow (core/registry.py explains the mechanism).

* :data:`decision_items` — items a penalty decision may apply besides the penalty itself, keyed by
  the :class:`~civicloop.cases.services.Decision` field that carries their codes. The leniency app
  registers the "一免一减" items as ``leniency_items``: the decision form offers its
  :meth:`DecisionItems.choices`, and ``decide_case`` has them checked and recorded by
  :meth:`DecisionItems.apply` inside its transaction (a refusal rolls the decision back).
* :data:`civicloop.cases.kpis.FIGURES` — case figures counted by other apps
  (``leniency_items``, ``credit_repairs``).
* :data:`case_panels` — sections other apps add to the case page (e.g. the discretion app's
  reconsideration and litigation records). ``{% case_panels case %}`` (cases_tags) renders
  each registered :class:`CasePanel` by ``order``: its ``context(request, case)`` gives the data
  (``None``: nothing to show) and its ``template`` is rendered with that data plus ``case``.
  A panel that fails is logged and left out: it must never stop anyone seeing the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class CasePanel:
    """A section on the case page: ``context(request, case)`` (or its dotted path) returns the
    template's data, or ``None`` to show nothing."""

    name: str
    template: str
    context: Callable[..., dict | None] | str
    order: int = 0


case_panels: Registry[CasePanel] = Registry("panel on the case page")
