"""The calculator applied to a case: its facts (from the records and the officer's inputs on the
proposal and decision forms), the assessment recorded each time a fine is proposed or decided,
and the refusal of a fine outside the recommended band without a written reason.

The case workflow calls :class:`BandCheck` through ``cases.hooks.fine_checks``; a fine outside
the band makes the case need legal review (``cases.hooks.review_reasons``, :func:`outside_band`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.cases.choices import Outcome, PartyRole
from civicloop.cases.hooks import ON_THE_SPOT, PROPOSAL
from civicloop.core.errors import InvalidInput
from civicloop.core.inputs import clean_text
from civicloop.matters.display import format_fine_range

from . import calculator as calc
from .choices import Consequences, ItemMethod, LeniencyOutcome, PartyType
from .models import AssessmentStage, DiscretionAssessment, FactorLevel

# Form fields the fine check adds to the proposal and decision forms (their names are the keys
# of ``inputs`` and the ``field`` of a refusal).
CORRECTED = "discretion_corrected"
CONSEQUENCES = "discretion_consequences"
COOPERATIVE = "discretion_cooperative"
BASE = "discretion_base"
FACTORS = "discretion_factors"
REASON = "discretion_reason"

# The decision's outcome a "一免一减" item goes with (leniency checks the pairing).
LENIENCY_OF_OUTCOME = {
    Outcome.NO_PENALTY: LeniencyOutcome.EXEMPTION,
    Outcome.REDUCED_PENALTY: LeniencyOutcome.REDUCED,
    Outcome.PENALTY: LeniencyOutcome.LIGHTER,
}

YES, NO = "yes", "no"


def _tristate(value) -> bool | None:
    if value in (True, False):
        return value
    if value in (YES, "1", "true"):
        return True
    if value in (NO, "0", "false"):
        return False
    return None


def _amount(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("Give the amount in yuan."), field=field) from None
    if amount < 0:
        raise InvalidInput(_("Give the amount in yuan."), field=field)
    return amount


# --- the case's side --------------------------------------------------------------------------


def principal_party(case):
    link = (
        case.party_links.filter(role=PartyRole.PARTY).select_related("party").order_by("id").first()
    )
    return link.party if link is not None else None


def party_type_of(case) -> str:
    party = principal_party(case)
    if party is None or party.kind not in PartyType.values:
        return PartyType.ANY
    return party.kind


def _region(case):
    if case.region_id:
        return case.region
    return case.handling_unit.region if case.handling_unit_id else None


def benchmark_item(case, on: dt.date):
    """(matter link, item, lines): the first of the case's matters a benchmark in force covers,
    else its first matter with the reason none is covered."""
    links = list(case.matter_links.select_related("matter", "version").order_by("id"))
    if not links:
        return None, None, []
    party_type, region = party_type_of(case), _region(case)
    first = None
    for link in links:
        item, lines = calc.item_in_force(link.matter, party_type, region, on)
        if item is not None:
            return link, item, lines
        first = first or (link, lines)
    return first[0], None, first[1]


def case_facts(case, matter, inputs: Mapping, *, leniency: str = "") -> calc.Facts:
    """The facts of ``case``: prior offences from the records, the rest from the inputs."""
    party = principal_party(case)
    priors = calc.prior_offences(case, matter, [party] if party else [])
    raw_levels = inputs.get(FACTORS) or ()
    try:
        levels = tuple(sorted({int(v) for v in raw_levels}))
    except (TypeError, ValueError):
        raise InvalidInput(_("Choose the level of each factor."), field=FACTORS) from None
    consequences = inputs.get(CONSEQUENCES) or ""
    if consequences and consequences not in Consequences.values:
        raise InvalidInput(_("Choose the consequences."), field=CONSEQUENCES)
    return calc.Facts(
        first_offence=not priors,
        prior_offences=len(priors),
        prior_cases=tuple(p.number for p in priors),
        corrected=_tristate(inputs.get(CORRECTED)),
        consequences=consequences,
        cooperative=_tristate(inputs.get(COOPERATIVE)),
        leniency=leniency,
        base_amount=_amount(inputs.get(BASE), BASE),
        factor_levels=levels,
    )


def assess(case, inputs: Mapping, *, on: dt.date, leniency: str = "") -> calc.Result | None:
    """The calculator's result for ``case`` with the officer's ``inputs`` (None: no matter)."""
    link, item, lines = benchmark_item(case, on)
    if link is None:
        return None
    facts = case_facts(case, link.matter, inputs, leniency=leniency)
    result = calc.calculate(link.version, party_type_of(case), facts, item=item, item_lines=lines)
    result.matter = link.matter
    return result


def latest(case, stage: str | None = None) -> DiscretionAssessment | None:
    rows = DiscretionAssessment.objects.filter(case=case)
    if stage:
        rows = rows.filter(stage=stage)
    return rows.select_related("item__benchmark", "tier", "by").order_by("-at", "-id").first()


def outside_band(case) -> bool:
    """Whether the case's latest assessed fine lies outside the recommended band (the case then
    needs legal review before its decision)."""
    row = latest(case)
    return row is not None and row.outside_band


def inputs_of(row: DiscretionAssessment | None) -> dict:
    """The form inputs an earlier assessment was made with (the decision form starts from the
    proposal's)."""
    if row is None:
        return {}
    facts = row.facts or {}

    def tri(value):
        return "" if value is None else (YES if value else NO)

    return {
        CORRECTED: tri(facts.get("corrected")),
        CONSEQUENCES: facts.get("consequences") or "",
        COOPERATIVE: tri(facts.get("cooperative")),
        BASE: facts.get("base_amount") or None,
        FACTORS: [str(v) for v in facts.get("factor_levels") or []],
        REASON: row.reason,
    }


def record(
    case,
    *,
    stage: str,
    outcome: str,
    fine: Decimal | None,
    inputs: Mapping,
    applied: Iterable[str] = (),
    by=None,
    at: dt.datetime | None = None,
    on_the_spot: bool = False,
) -> DiscretionAssessment | None:
    """Assess the fine of a proposal or decision and record it; refuse a fine outside the
    recommended band without a written reason — and on the spot, where no legal review
    follows, at all."""
    at = at or timezone.now()
    leniency = LENIENCY_OF_OUTCOME.get(outcome, "") if list(applied) else ""
    result = assess(case, inputs, on=timezone.localdate(at), leniency=leniency)
    if result is None:
        return None
    reason = clean_text(inputs.get(REASON), field=REASON)
    fine = fine if outcome != Outcome.NO_PENALTY else None
    # No penalty rests on its own legal ground (Art. 33), checked by the case; it does not leave
    # a band.
    outside = outcome != Outcome.NO_PENALTY and not result.contains(fine)
    # A starter band is a percentage of the statutory range, made without the simple
    # procedure's small fines in mind: on the spot it advises, and the departure is recorded
    # without a reason, so the sweep flags it for review; a band the county adopted binds.
    advisory = (
        outside and on_the_spot and result.item is not None and result.item.benchmark.is_starter
    )
    shown = {
        "fine": calc.yuan(fine or Decimal("0")),
        "tier": result.tier_label or "—",
        "band": result.band_text(),
    }
    if outside and on_the_spot and not advisory:
        raise InvalidInput(
            _(
                "The fine of %(fine)s yuan lies outside the band the discretion benchmark "
                "recommends for “%(tier)s” (%(band)s). Leaving the band needs a written reason "
                "and legal review, which an on-the-spot decision does not have: fine within the "
                "band, or handle the case under the ordinary procedure."
            )
            % shown,
            field="fine",
        )
    if outside and not reason and not advisory:
        raise InvalidInput(
            _(
                "The fine of %(fine)s yuan lies outside the band the discretion benchmark "
                "recommends for “%(tier)s” (%(band)s); give the reason for leaving it. The case "
                "then needs legal review."
            )
            % shown,
            field=REASON,
        )
    statutory = result.statutory
    return DiscretionAssessment.objects.create(
        case=case,
        stage=stage,
        matter=result.matter,
        party_type=result.party_type,
        item=result.item,
        tier=result.tier,
        tier_label=result.tier_label,
        tier_rank=result.tier.rank if result.tier else None,
        stat_min=statutory.minimum if statutory else None,
        stat_max=statutory.maximum if statutory else None,
        band_min=result.band_min,
        band_max=result.band_max,
        facts=result.facts.as_json(),
        explanation=result.explanation,
        fine=fine,
        outside_band=outside,
        reason=reason if outside else "",
        at=at,
        by=by,
    )


# --- the case workflow's hook -------------------------------------------------------------------


def _tristate_field(label) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[
            ("", gettext_lazy("not known")),
            (YES, gettext_lazy("yes")),
            (NO, gettext_lazy("no")),
        ],
    )


class BandCheck:
    """``cases.hooks.fine_checks`` entry: the facts on the forms, the assessment at the
    proposal and the decision."""

    def fields(self, case, stage: str) -> dict:
        initial = inputs_of(latest(case))
        fields = {
            CORRECTED: _tristate_field(gettext_lazy("corrected in time (discretion)")),
            CONSEQUENCES: forms.ChoiceField(
                label=gettext_lazy("consequences (discretion)"),
                required=False,
                choices=[("", "—"), *Consequences.choices],
            ),
            COOPERATIVE: _tristate_field(gettext_lazy("the party cooperated (discretion)")),
            BASE: forms.DecimalField(
                label=gettext_lazy(
                    "base amount in yuan (illegal income, goods value …), when the fine is a "
                    "multiple or percentage of it"
                ),
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
            ),
        }
        _link, item, _lines = benchmark_item(case, timezone.localdate())
        if item is not None and item.method == ItemMethod.FACTORS:
            levels = FactorLevel.objects.filter(factor__item=item).select_related("factor")
            fields[FACTORS] = forms.MultipleChoiceField(
                label=gettext_lazy("discretion factors: one level of each"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (str(lv.pk), f"{lv.factor.name}：{lv.label}（{calc.yuan(lv.weight_percent)}%）")
                    for lv in levels.order_by("factor__order", "factor_id", "order", "id")
                ],
            )
        fields[REASON] = forms.CharField(
            label=gettext_lazy("reason for leaving the recommended discretion band"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        for name, value in initial.items():
            if name in fields and value not in (None, ""):
                fields[name].initial = value
        return fields

    def check(self, case, *, stage, penalty, inputs, applied, by, at) -> None:
        record(
            case,
            stage=AssessmentStage.PROPOSAL if stage == PROPOSAL else AssessmentStage.DECISION,
            on_the_spot=stage == ON_THE_SPOT,
            outcome=penalty.outcome,
            fine=penalty.fine,
            inputs=inputs,
            applied=[code for codes in applied.values() for code in codes],
            by=by,
            at=at,
        )


# --- what pages and documents show ---------------------------------------------------------------


def panel(request, case) -> dict | None:
    """The calculator on the case's pages: the latest assessment, and on the forms the result
    for the facts known now."""
    row = latest(case)
    decided = latest(case, AssessmentStage.DECISION) if case.decided_at else None
    if decided is not None:
        # A decided case shows what was assessed at its decision, under the benchmark then in
        # force — not what today's benchmark would say.
        return {"row": row, "live": as_recorded(decided)}
    live = assess(case, inputs_of(row), on=timezone.localdate())
    if live is None and row is None:
        return None
    proposed = case.proposed_fine if case.proposed_outcome != Outcome.NO_PENALTY else None
    leaves = (
        live is not None and live.has_band and proposed is not None and not live.contains(proposed)
    )
    return {"row": row, "live": live, "proposed_outside": proposed if leaves else None}


def as_recorded(row: DiscretionAssessment) -> SimpleNamespace:
    """A recorded assessment in the shape the panel shows a live result."""
    has_band = row.band_min is not None or row.band_max is not None
    has_range = row.stat_min is not None or row.stat_max is not None
    return SimpleNamespace(
        benchmark=row.item.benchmark if row.item_id else None,
        tier_label=row.tier_label,
        band_text=format_fine_range(row.band_min, row.band_max) if has_band else "",
        statutory_text=format_fine_range(row.stat_min, row.stat_max) if has_range else "",
        lines=[line for line in row.explanation.splitlines() if line.strip()],
    )


def document_block(case) -> dict | None:
    """What the decision document states: the benchmark, the tier, the band and the reason for
    leaving it (from the decision's assessment, else the latest)."""
    row = latest(case, AssessmentStage.DECISION) or latest(case)
    if row is None or row.item is None:
        return None
    benchmark = row.item.benchmark
    return {
        "benchmark": benchmark.title,
        "document_number": benchmark.document_number,
        "tier": row.tier_label,
        "band_min": row.band_min,
        "band_max": row.band_max,
        "has_band": row.band_min is not None or row.band_max is not None,
        "outside": row.outside_band,
        "reason": row.reason,
    }
