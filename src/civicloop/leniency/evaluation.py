"""Which "一免一减" items apply to THIS case, and why — evaluated at decision time.

For each item of the case's matters, the version that counts is chosen as Art. 37 asks of
the rules themselves: the version in force on the day of the violation, unless the version
in force on the day of the decision is more favourable to the party (here: it applies
where the old one does not) — "从旧兼从轻". Each condition answers met / not met / not known
with its evidence (``conditions.py``); an item:

* **applies** when every condition is met;
* **does not apply** when one condition is not met;
* is **not known yet** otherwise — the conditions still unknown say what to record.

The decision page and ``GET /api/case-leniency/{case}/`` show this; ``decide_case`` refuses
an item that does not apply (``services.apply_items_to_decision``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from civicloop.cases.choices import NoPenaltyGround, Outcome

from .choices import ItemKind, ItemStatus, LegalBasis
from .conditions import CaseContext, Check, evaluate
from .models import LeniencyItem, LeniencyItemVersion

# The decision outcome each kind of item goes with.
OUTCOME_OF_KIND = {
    ItemKind.EXEMPTION: Outcome.NO_PENALTY,
    ItemKind.REDUCED: Outcome.REDUCED_PENALTY,
    ItemKind.LIGHTER: Outcome.PENALTY,
}
# The no-penalty grounds an exemption item may rest on, by its legal basis.
GROUNDS_OF_BASIS = {
    LegalBasis.ART33_FIRST: (NoPenaltyGround.FIRST_MINOR,),
    LegalBasis.ART33_MINOR: (NoPenaltyGround.MINOR_CORRECTED,),
    LegalBasis.LOCAL: (
        NoPenaltyGround.FIRST_MINOR,
        NoPenaltyGround.MINOR_CORRECTED,
        NoPenaltyGround.OTHER,
    ),
}
STATUS_RANK = {ItemStatus.APPLIES: 0, ItemStatus.UNDETERMINED: 1, ItemStatus.NOT_APPLICABLE: 2}


@dataclass(frozen=True)
class ItemEvaluation:
    item: LeniencyItem
    version: LeniencyItemVersion
    checks: tuple[Check, ...]
    # The day whose version this is: the violation's, or the decision's (more favourable).
    version_day: dt.date

    @property
    def status(self) -> str:
        if any(c.met is False for c in self.checks):
            return ItemStatus.NOT_APPLICABLE
        if all(c.met for c in self.checks):
            return ItemStatus.APPLIES
        return ItemStatus.UNDETERMINED

    @property
    def status_label(self):
        return ItemStatus(self.status).label

    @property
    def applies(self) -> bool:
        return self.status == ItemStatus.APPLIES

    @property
    def outcome(self) -> str:
        return OUTCOME_OF_KIND[self.item.kind]

    @property
    def blocking(self) -> list[Check]:
        return [c for c in self.checks if not c.met]

    def explain(self) -> str:
        return "；".join(f"{c.label}：{c.evidence}" for c in self.blocking)

    def as_dict(self) -> dict:
        return {
            "item": self.item.code,
            "kind": self.item.kind,
            "matter": self.item.matter.code,
            "version": self.version.number,
            "version_day": self.version_day.isoformat(),
            "title": self.version.title,
            "legal_basis": self.version.legal_basis,
            "basis_text": self.version.basis_text,
            "document_number": self.version.document_number,
            "outcome": self.outcome,
            "status": self.status,
            "checks": [c.as_dict() for c in self.checks],
        }


def _items_for(case):
    matter_ids = [link.matter_id for link in case.matter_links.all()]
    return (
        LeniencyItem.objects.filter(matter_id__in=matter_ids)
        .select_related("matter")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=LeniencyItemVersion.objects.order_by("effective_from"),
                to_attr="prefetched_versions",
            )
        )
        .order_by("kind", "code")
    )


def evaluate_item(
    item: LeniencyItem, case, *, ctx: CaseContext | None = None, today: dt.date | None = None
) -> ItemEvaluation | None:
    """The item for the case (None when no version was in force on either day)."""
    ctx = ctx or CaseContext.of(case, today=today)
    days = (
        [ctx.violation_date, ctx.today] if ctx.today != ctx.violation_date else [ctx.violation_date]
    )
    found: list[ItemEvaluation] = []
    seen = set()
    for day in days:
        version = item.version_on(day)
        if version is None or version.pk in seen:
            continue
        seen.add(version.pk)
        checks = tuple(evaluate(condition, ctx, item.matter) for condition in version.conditions)
        found.append(ItemEvaluation(item=item, version=version, checks=checks, version_day=day))
    if not found:
        return None
    # The violation day's version unless the decision day's one is more favourable.
    return min(found, key=lambda e: STATUS_RANK[e.status])


def evaluate_case(case, *, today: dt.date | None = None) -> list[ItemEvaluation]:
    """Every item of the case's matters with a version in force on the violation day or today:
    those that apply first, then those not known yet, then the others."""
    ctx = CaseContext.of(case, today=today or timezone.localdate())
    results = [
        e
        for e in (evaluate_item(item, case, ctx=ctx) for item in _items_for(case))
        if e is not None
    ]
    return sorted(results, key=lambda e: (STATUS_RANK[e.status], e.item.kind, e.item.code))


def evaluation_for_decision(case) -> list[ItemEvaluation]:
    """What the decision page shows: the evaluation as of now (before the decision), or —
    once decided — nothing (the applied items are the record)."""
    return [] if case.decided_at else evaluate_case(case)
