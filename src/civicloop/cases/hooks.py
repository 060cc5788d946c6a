"""What apps above cases add to the case workflow (core/registry.py explains the mechanism).

* :data:`decision_items` — items a penalty decision may apply besides the penalty itself, keyed by
  the :class:`~civicloop.cases.services.Decision` field that carries their codes. The leniency app
  registers the "一免一减" items as ``leniency_items``: the decision form offers its
  :meth:`DecisionItems.choices`, and ``decide_case`` has them checked and recorded by
  :meth:`DecisionItems.apply` inside its transaction (a refusal rolls the decision back).
* :data:`fine_checks` — checks of a proposed or decided fine beyond the statutory range (the
  discretion app's benchmark band, 裁量基准). Each adds its inputs to the findings and decision
  forms (:meth:`FineCheck.fields`) and is run by ``_apply_findings`` and ``decision_checks``
  with those inputs (:func:`run_fine_checks`), inside the service's transaction: it may record
  what it found and refuses with ``InvalidInput``.
* :data:`review_reasons` — reasons for legal review other apps add (:class:`ReviewReasonRule`);
  ``review.review_reasons`` lists the code of each that applies, ``review.reason_label`` names it.
* :data:`civicloop.cases.kpis.FIGURES` — case figures counted by other apps
  (``leniency_items``, ``credit_repairs``).
* :data:`case_panels` — sections other apps add to the case page (e.g. the discretion app's
  reconsideration and litigation records). ``{% case_panels case %}`` (cases_tags) renders
  each registered :class:`CasePanel` by ``order``: its ``context(request, case)`` gives the data
  (``None``: nothing to show) and its ``template`` is rendered with that data plus ``case``.
  A panel that fails is logged and left out: it must never stop anyone seeing the case.
  A panel's ``pages`` name where it shows: :data:`DETAIL` (the case page) and/or the names of
  case actions whose form shows it (``{% case_panels case transition.name %}``), e.g. the
  discretion calculator on the decision form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
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
    # DETAIL and/or names of case actions whose form shows the panel.
    pages: frozenset[str] = frozenset({"detail"})


# The case page, for ``CasePanel.pages``; action forms are named by their transition.
DETAIL = "detail"


case_panels: Registry[CasePanel] = Registry("panel on the case page")


# The two moments a fine is set: the investigation's proposal and the decision.
PROPOSAL = "proposal"
DECISION = "decision"
# 当场处罚 (simple procedure): no legal review in its flow, so a check may refuse outright what
# it would otherwise send to review.
ON_THE_SPOT = "on_the_spot"


class FineCheck(Protocol):
    def fields(self, case, stage: str) -> dict:
        """Form fields (name → django.forms.Field) the check adds to the proposal or decision
        form of ``case``; their cleaned values come back in ``inputs``."""

    def check(
        self,
        case,
        *,
        stage: str,
        penalty,
        inputs: Mapping,
        applied: Mapping[str, Iterable[str]],
        by,
        at: dt.datetime,
    ) -> None:
        """Check (and record) the fine of ``penalty`` (a ``rules.Penalty``) at ``stage``.
        ``applied`` holds the codes of the :data:`decision_items` the decision applies, by
        registered name. Raises ``InvalidInput`` to refuse; runs in the service's transaction."""


fine_checks: Registry[FineCheck] = Registry("checks of a proposed or decided fine")


def fine_check_fields(case, stage: str) -> dict:
    fields: dict = {}
    for check in fine_checks:
        fields.update(check.fields(case, stage))
    return fields


def run_fine_checks(
    case,
    *,
    stage: str,
    penalty,
    inputs: Mapping | None = None,
    applied: Mapping[str, Iterable[str]] | None = None,
    by=None,
    at: dt.datetime,
) -> None:
    for check in fine_checks:
        check.check(
            case,
            stage=stage,
            penalty=penalty,
            inputs=inputs or {},
            applied=applied or {},
            by=by,
            at=at,
        )


@dataclass(frozen=True)
class ReviewReasonRule:
    """A reason for legal review before the decision that another app adds: ``applies(case)``
    says whether the case has it; ``code`` is stored in ``LegalReview.reasons``."""

    code: str
    label: object  # str or lazy translation
    applies: Callable[[object], bool]


review_reasons: Registry[ReviewReasonRule] = Registry(
    "reasons for legal review", key=lambda rule: rule.code
)
