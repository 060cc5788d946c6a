"""Items applied in a decision (called by ``cases.services.decide_case``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.choices import Outcome
from civicloop.core.errors import InvalidInput
from civicloop.org.models import User

from ..choices import ItemKind, LegalBasis
from ..evaluation import GROUNDS_OF_BASIS, OUTCOME_OF_KIND, evaluate_case
from ..models import (
    AppliedItem,
)


def apply_items_to_decision(
    case, *, items: Iterable, outcome: str, no_penalty_ground: str, by: User, at: dt.datetime
) -> list[AppliedItem]:
    """Record the 一免一减 items a decision applies. Runs inside ``decide_case``'s transaction,
    after the decision's own checks: each item must be of one of the case's matters (one per
    matter), go with the decision's outcome (exemption → no penalty with an Art. 33 ground,
    reduction → reduced penalty, lighter → penalty) and *apply* — every condition met, as
    evaluated now. Any refusal rolls the whole decision back."""

    codes = list(dict.fromkeys(str(getattr(i, "code", i)).strip().upper() for i in items if i))
    if not codes:
        return []
    evaluations = {e.item.code: e for e in evaluate_case(case, today=timezone.localdate(at))}
    unknown = [c for c in codes if c not in evaluations]
    if unknown:
        raise InvalidInput(
            _("Not an item of this case's matters in force: %(codes)s.")
            % {"codes": ", ".join(unknown)},
            field="leniency_items",
        )
    chosen = [evaluations[c] for c in codes]
    matters = [e.item.matter_id for e in chosen]
    if len(set(matters)) != len(matters):
        raise InvalidInput(_("Apply at most one item per matter."), field="leniency_items")
    for evaluation in chosen:
        item = evaluation.item
        if OUTCOME_OF_KIND[item.kind] != outcome:
            raise InvalidInput(
                _("%(code)s is a %(kind)s item: it goes with the outcome “%(outcome)s”.")
                % {
                    "code": item.code,
                    "kind": ItemKind(item.kind).label,
                    "outcome": _outcome_label(OUTCOME_OF_KIND[item.kind]),
                },
                field="leniency_items",
            )
        if (
            item.kind == ItemKind.EXEMPTION
            and no_penalty_ground not in GROUNDS_OF_BASIS[evaluation.version.legal_basis]
        ):
            raise InvalidInput(
                _("%(code)s rests on %(basis)s; choose that ground for no penalty.")
                % {"code": item.code, "basis": LegalBasis(evaluation.version.legal_basis).label},
                field="no_penalty_ground",
            )
        if not evaluation.applies:
            raise InvalidInput(
                _("%(code)s does not apply to this case (%(status)s): %(why)s")
                % {
                    "code": item.code,
                    "status": evaluation.status_label,
                    "why": evaluation.explain(),
                },
                field="leniency_items",
            )
    return [
        AppliedItem.objects.create(
            case=case,
            item=e.item,
            version=e.version,
            kind=e.item.kind,
            outcome=outcome,
            checks=[c.as_dict() for c in e.checks],
            applied_at=at,
            applied_by=by,
        )
        for e in chosen
    ]


def _outcome_label(outcome: str):

    return Outcome(outcome).label
