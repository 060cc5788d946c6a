"""The discretion calculator (裁量计算): from a matter version, the party type and the facts of a
case to the benchmark item in force, the tier the facts fall in, the recommended fine band in
yuan and why — the lines of "why" are what the decision page and the decision document show.

* **Which benchmark** (:func:`item_in_force`): of the benchmarks in force on the day, the one of
  the case's own region first (a town's benchmark narrows its county's), then the regions above
  it; adopted benchmarks before starter ones (a starter is generated from a stated rule until
  the county adopts its own). Within a benchmark, the item of the matter for the party type,
  else its item for any party.
* **Which tier** (:func:`choose_tier`): a tier's structured conditions (first offence, corrected
  in time, prior offences of the same kind within two years, consequences, cooperation, the
  "一免一减" outcome) must all hold; of the tiers that qualify, the one with the most conditions
  (the most specific) wins; on a tie, the heavier tier, so that going lighter is a stated
  departure. When no tier has a condition that singles it out, none is chosen: the table's
  conditions are words only, and the officer reads them.
* **Which band** (:func:`tier_band`): an amount band as it stands; a percentage band over the
  statutory range of the party type (``matters.ranges.range_for``: min + p % × (max − min));
  a multiple band times the base amount the officer gives (违法所得, 货值 …); no fine for a
  no-penalty tier. A weighted-factor item gives one amount (:func:`factor_amount`):
  min(start + Σ weights, cap) % × base.
* **The facts from the records** (:func:`prior_offences`): the decided cases of the same party
  and matter with a violation in the two years before this one's, that found the violation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from civicloop.cases.choices import CaseState, NoPenaltyGround, Outcome, PartyRole
from civicloop.cases.models import Case
from civicloop.matters.display import format_fine_range, yuan
from civicloop.matters.ranges import StatutoryRange, range_for

from .choices import (
    BandKind,
    BaseKind,
    BenchmarkStatus,
    Consequences,
    ItemMethod,
    LeniencyOutcome,
    PartyType,
)
from .models import Benchmark, BenchmarkItem, FactorLevel, Tier

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
# 国办发〔2022〕27号 and the benchmarks count repeat offences within two years.
REPEAT_YEARS = 2


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Facts:
    """What the tier conditions and bands are matched against; None: not known."""

    first_offence: bool | None = None
    corrected: bool | None = None
    prior_offences: int | None = None
    consequences: str = ""
    cooperative: bool | None = None
    leniency: str = ""
    base_amount: Decimal | None = None
    factor_levels: tuple[int, ...] = ()
    # The earlier cases counted, for the explanation and the record.
    prior_cases: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "first_offence": self.first_offence,
            "corrected": self.corrected,
            "prior_offences": self.prior_offences,
            "prior_cases": list(self.prior_cases),
            "consequences": self.consequences,
            "cooperative": self.cooperative,
            "leniency": self.leniency,
            "base_amount": str(self.base_amount) if self.base_amount is not None else None,
            "factor_levels": list(self.factor_levels),
        }


@dataclass
class Result:
    """The calculator's answer for one case (or one set of facts)."""

    party_type: str
    statutory: StatutoryRange | None = None
    item: BenchmarkItem | None = None
    tier: Tier | None = None
    band_min: Decimal | None = None
    band_max: Decimal | None = None
    lines: list[str] = field(default_factory=list)
    facts: Facts | None = None
    matter: object = None  # set by the case's side (assessing.assess)

    @property
    def benchmark(self) -> Benchmark | None:
        return self.item.benchmark if self.item is not None else None

    @property
    def has_band(self) -> bool:
        return self.band_min is not None or self.band_max is not None

    @property
    def tier_label(self) -> str:
        return self.tier.label if self.tier is not None else ""

    @property
    def explanation(self) -> str:
        return "\n".join(self.lines)

    def band_text(self) -> str:
        if not self.has_band:
            return ""
        return format_fine_range(self.band_min, self.band_max)

    def statutory_text(self) -> str:
        rng = self.statutory
        if rng is None:
            return ""
        if rng.is_multiple:
            return _("%(min)s – %(max)s times the %(base)s") % {
                "min": yuan(rng.multiple_min),
                "max": yuan(rng.multiple_max),
                "base": rng.base_text
                or (BaseKind(rng.base_kind).label if rng.base_kind in BaseKind.values else ""),
            }
        return format_fine_range(rng.minimum, rng.maximum)

    def contains(self, fine: Decimal | None) -> bool:
        """Whether ``fine`` (None or 0: no fine) lies in the band; True when there is none."""
        if not self.has_band:
            return True
        amount = fine or Decimal("0")
        if self.band_min is not None and amount < self.band_min:
            return False
        return not (self.band_max is not None and amount > self.band_max)


# --- the benchmark item in force -----------------------------------------------------------


def _regions_upwards(region) -> list:
    chain = []
    while region is not None and region not in chain:
        chain.append(region)
        region = region.parent
    return chain


def item_in_force(
    matter, party_type: str, region, on: dt.date
) -> tuple[BenchmarkItem | None, list[str]]:
    """The benchmark item that applies to ``matter`` for ``party_type`` in ``region`` on ``on``,
    and a line saying where it comes from."""
    chain = _regions_upwards(region)
    if not chain:
        return None, [_("The case has no place, so no benchmark in force is known.")]
    benchmarks = list(
        Benchmark.objects.in_force(on)
        .filter(region__in=chain)
        .select_related("region", "superior")
        .order_by("-effective_from", "-version")
    )
    depth = {r.pk: n for n, r in enumerate(chain)}
    # Adopted before starter, the nearest region first, the latest issued first.
    benchmarks.sort(key=lambda b: (b.status == BenchmarkStatus.STARTER, depth[b.region_id]))
    items = BenchmarkItem.objects.filter(
        benchmark__in=benchmarks, matter=matter, party_type__in=[party_type, PartyType.ANY]
    ).select_related("benchmark")
    by_benchmark: dict[int, list[BenchmarkItem]] = {}
    for item in items:
        by_benchmark.setdefault(item.benchmark_id, []).append(item)
    for benchmark in benchmarks:
        found = by_benchmark.get(benchmark.pk, [])
        found.sort(key=lambda i: i.party_type != party_type)
        if found:
            item = found[0]
            line = _("Benchmark in force: %(benchmark)s, item %(code)s (%(party)s).") % {
                "benchmark": benchmark,
                "code": item.code,
                "party": item.get_party_type_display(),
            }
            if benchmark.is_starter:
                line += " " + _(
                    "It is a starter benchmark made by a stated rule, until the county adopts "
                    "its own."
                )
            return item, [line]
    return None, [
        _("No benchmark in force on %(day)s covers %(matter)s for this party.")
        % {"day": on.isoformat(), "matter": matter.code}
    ]


# --- facts from the records ------------------------------------------------------------------


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def prior_offences(case, matter, parties: Iterable) -> list[Case]:
    """Decided cases of the same party and matter whose violation lies in the two years before
    this case's, and whose decision found the violation (not "facts not established" or "no
    fault"): the repeat offences of the benchmarks."""
    start = _years_before(case.violation_date, REPEAT_YEARS)
    return list(
        Case.objects.exclude(pk=case.pk)
        .filter(
            party_links__party__in=list(parties),
            party_links__role=PartyRole.PARTY,
            matter_links__matter=matter,
            violation_date__gte=start,
            violation_date__lt=case.violation_date,
            decided_at__isnull=False,
        )
        .exclude(state=CaseState.WITHDRAWN)
        .exclude(
            Q(outcome=Outcome.NO_PENALTY)
            & Q(no_penalty_ground__in=[NoPenaltyGround.NOT_ESTABLISHED, NoPenaltyGround.NO_FAULT])
        )
        .distinct()
        .order_by("violation_date", "id")
    )


# --- the tier --------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _conditions(tier: Tier, facts: Facts) -> list[tuple[bool | None, str]]:
    """Each structured condition of ``tier``: (holds — None when the fact is not known, words)."""
    out: list[tuple[bool | None, str]] = []
    if tier.first_offence is not None:
        known = facts.first_offence
        out.append(
            (
                None if known is None else known == tier.first_offence,
                _("first offence: %(wanted)s") % {"wanted": _yes_no(tier.first_offence)},
            )
        )
    if tier.corrected is not None:
        known = facts.corrected
        out.append(
            (
                None if known is None else known == tier.corrected,
                _("corrected in time: %(wanted)s") % {"wanted": _yes_no(tier.corrected)},
            )
        )
    if tier.min_prior_offences is not None:
        n = facts.prior_offences
        out.append(
            (
                None if n is None else n >= tier.min_prior_offences,
                _("at least %(n)d prior offences within two years")
                % {"n": tier.min_prior_offences},
            )
        )
    if tier.max_prior_offences is not None:
        n = facts.prior_offences
        out.append(
            (
                None if n is None else n <= tier.max_prior_offences,
                _("at most %(n)d prior offences within two years") % {"n": tier.max_prior_offences},
            )
        )
    if tier.consequences:
        out.append(
            (
                None if not facts.consequences else facts.consequences == tier.consequences,
                _("consequences: %(wanted)s") % {"wanted": Consequences(tier.consequences).label},
            )
        )
    if tier.cooperative is not None:
        known = facts.cooperative
        out.append(
            (
                None if known is None else known == tier.cooperative,
                _("cooperated: %(wanted)s") % {"wanted": _yes_no(tier.cooperative)},
            )
        )
    if tier.leniency:
        out.append(
            (
                facts.leniency == tier.leniency,
                _("“一免一减” item applied: %(wanted)s")
                % {"wanted": LeniencyOutcome(tier.leniency).label},
            )
        )
    return out


def describe_facts(facts: Facts) -> str:
    unknown = _("not known")
    parts = [
        _("first offence: %(v)s")
        % {"v": unknown if facts.first_offence is None else _yes_no(facts.first_offence)},
        _("prior offences of the same kind within two years: %(v)s")
        % {"v": unknown if facts.prior_offences is None else facts.prior_offences},
        _("corrected in time: %(v)s")
        % {"v": unknown if facts.corrected is None else _yes_no(facts.corrected)},
        _("consequences: %(v)s")
        % {"v": Consequences(facts.consequences).label if facts.consequences else unknown},
        _("cooperated: %(v)s")
        % {"v": unknown if facts.cooperative is None else _yes_no(facts.cooperative)},
    ]
    if facts.leniency:
        parts.append(
            _("“一免一减” item applied: %(v)s") % {"v": LeniencyOutcome(facts.leniency).label}
        )
    line = _("Facts: %(facts)s.") % {"facts": "；".join(str(p) for p in parts)}
    if facts.prior_cases:
        line += " " + _("Prior cases: %(cases)s.") % {"cases": "、".join(facts.prior_cases)}
    return line


def choose_tier(tiers: Iterable[Tier], facts: Facts) -> tuple[Tier | None, list[str]]:
    """The tier the facts fall in, and why (see the module's docstring for the rule)."""
    tiers = sorted(tiers, key=lambda t: (t.rank, t.pk or 0))
    if not tiers:
        return None, [_("The benchmark item has no tiers.")]
    qualified: list[tuple[Tier, int]] = []
    lines: list[str] = []
    for tier in tiers:
        checks = _conditions(tier, facts)
        failed = [words for holds, words in checks if holds is False]
        unknown = [words for holds, words in checks if holds is None]
        if failed or unknown:
            why = []
            if failed:
                why.append(_("not met: %(c)s") % {"c": "、".join(failed)})
            if unknown:
                why.append(_("not known: %(c)s") % {"c": "、".join(unknown)})
            lines.append(
                _("“%(tier)s” does not apply (%(why)s).")
                % {"tier": tier.label, "why": "；".join(str(w) for w in why)}
            )
        else:
            qualified.append((tier, len(checks)))
    if not qualified:
        return None, [*lines, _("No tier's conditions are all met by the facts.")]
    best = max(n for _t, n in qualified)
    top = [t for t, n in qualified if n == best]
    if best == 0 and len(top) > 1:
        return None, [
            *lines,
            _(
                "The tiers %(tiers)s state their conditions only in words; choose by their "
                "conditions."
            )
            % {"tiers": "、".join(f"“{t.label}”" for t in top)},
        ]
    chosen = top[-1]
    words = [w for _h, w in _conditions(chosen, facts)]
    if words:
        lines.append(
            _("“%(tier)s” applies: %(conditions)s.")
            % {"tier": chosen.label, "conditions": "、".join(str(w) for w in words)}
        )
    else:
        lines.append(
            _("“%(tier)s” applies: no other tier's conditions are met.") % {"tier": chosen.label}
        )
    if len(top) > 1:
        others = [t for t in top if t is not chosen]
        lines.append(
            _(
                "The facts also meet the conditions of %(others)s; the heavier tier is taken, a "
                "lighter fine is a departure with a written reason."
            )
            % {"others": "、".join(f"“{t.label}”" for t in others)}
        )
    return chosen, lines


# --- the band ----------------------------------------------------------------------------------


def statutory_range(version, party_type: str, item: BenchmarkItem | None) -> StatutoryRange | None:
    """The statutory range for the party type from the matter catalogue, else as the benchmark
    item restates it."""
    rng = range_for(version, party_type) if version is not None else None
    if rng is None and item is not None and (item.stat_min is not None or item.stat_max):
        rng = StatutoryRange(item.party_type, item.stat_min, item.stat_max)
    return rng


def tier_band(
    tier: Tier, statutory: StatutoryRange | None, facts: Facts
) -> tuple[Decimal | None, Decimal | None, list[str]]:
    """The band of ``tier`` in yuan, and how it was found."""
    kind = tier.band_kind
    if kind == BandKind.NONE:
        return Decimal("0"), Decimal("0"), [_("This tier recommends no fine.")]
    if kind == BandKind.AMOUNT:
        return tier.band_min, tier.band_max, []
    if kind == BandKind.SHARE_OF_RANGE:
        if statutory is None or statutory.maximum is None or statutory.is_multiple:
            return (
                None,
                None,
                [_("The band is a share of the statutory range, which is not known in yuan.")],
            )
        low = statutory.minimum or Decimal("0")
        span = statutory.maximum - low
        p_min = tier.band_min if tier.band_min is not None else Decimal("0")
        p_max = tier.band_max if tier.band_max is not None else HUNDRED
        band = (_yuan(low + span * p_min / HUNDRED), _yuan(low + span * p_max / HUNDRED))
        return (
            *band,
            [
                _(
                    "%(pmin)s %% – %(pmax)s %% of the statutory range %(range)s for this party "
                    "type: %(band)s."
                )
                % {
                    "pmin": yuan(p_min),
                    "pmax": yuan(p_max),
                    "range": format_fine_range(statutory.minimum, statutory.maximum),
                    "band": format_fine_range(*band),
                }
            ],
        )
    # A multiple of a base amount (违法所得, 货值金额 …): the officer gives the base.
    if facts.base_amount is None:
        return None, None, [_("The band is a multiple of a base amount: give the base amount.")]
    band = (
        _yuan(tier.band_min * facts.base_amount) if tier.band_min is not None else None,
        _yuan(tier.band_max * facts.base_amount) if tier.band_max is not None else None,
    )
    return (
        *band,
        [
            _("%(min)s – %(max)s times the base amount of %(base)s yuan: %(band)s.")
            % {
                "min": yuan(tier.band_min),
                "max": yuan(tier.band_max),
                "base": yuan(facts.base_amount),
                "band": format_fine_range(*band),
            }
        ],
    )


def factor_amount(
    item: BenchmarkItem, levels: Iterable[FactorLevel], base: Decimal | None
) -> tuple[Decimal | None, list[str]]:
    """A weighted-factor item's fine: min(start + Σ weights, cap) % × base — one level per
    factor."""
    levels = list(levels)
    seen: set[int] = set()
    for level in levels:
        if level.factor.item_id != item.pk:
            return None, [_("A factor level of another item was chosen.")]
        if level.factor_id in seen:
            return None, [_("Choose one level of each factor.")]
        seen.add(level.factor_id)
    missing = [f.name for f in item.factors.all() if f.pk not in seen]
    start = item.start_percent or Decimal("0")
    total = start + sum((lv.weight_percent for lv in levels), Decimal("0"))
    cap = item.cap_percent if item.cap_percent is not None else HUNDRED
    percent = min(total, cap)
    lines = [
        _("Weighted factors: start %(start)s %% + %(weights)s = %(total)s %%%(capped)s.")
        % {
            "start": yuan(start),
            "weights": " + ".join(
                f"{lv.factor.name}“{lv.label}” {yuan(lv.weight_percent)} %" for lv in levels
            )
            or "0",
            "total": yuan(total),
            "capped": (_(", capped at %(cap)s %%") % {"cap": yuan(cap)}) if total > cap else "",
        }
    ]
    if missing:
        lines.append(_("Factors without a level: %(names)s.") % {"names": "、".join(missing)})
        return None, lines
    if base is None:
        lines.append(_("Give the base amount the percentage is taken of."))
        return None, lines
    amount = _yuan(base * percent / HUNDRED)
    lines.append(
        _("%(percent)s %% of the base of %(base)s yuan: %(amount)s yuan.")
        % {"percent": yuan(percent), "base": yuan(base), "amount": yuan(amount)}
    )
    return amount, lines


# --- the whole calculation -------------------------------------------------------------------


def calculate(
    version,
    party_type: str,
    facts: Facts,
    *,
    item: BenchmarkItem | None,
    item_lines: Iterable[str] = (),
) -> Result:
    """The tier, band and statutory range for ``facts`` under ``item`` (found by
    :func:`item_in_force`, or None when no benchmark covers the matter)."""
    result = Result(party_type=party_type, item=item, lines=list(item_lines), facts=facts)
    result.statutory = statutory_range(version, party_type, item)
    if result.statutory is not None and not result.statutory.is_multiple:
        result.lines.append(
            _("Statutory range for this party type: %(range)s.")
            % {"range": format_fine_range(result.statutory.minimum, result.statutory.maximum)}
        )
    result.lines.append(describe_facts(facts))
    if item is None:
        return result
    if item.method == ItemMethod.FACTORS:
        levels = FactorLevel.objects.filter(pk__in=facts.factor_levels).select_related("factor")
        base = facts.base_amount
        if item.base_kind == BaseKind.STATUTORY_MAXIMUM and result.statutory is not None:
            base = result.statutory.maximum
        amount, lines = factor_amount(item, levels, base)
        result.lines.extend(lines)
        result.band_min = result.band_max = amount
        return result
    tier, lines = choose_tier(item.tiers.all(), facts)
    result.lines.extend(lines)
    result.tier = tier
    if tier is not None:
        result.band_min, result.band_max, band_lines = tier_band(tier, result.statutory, facts)
        result.lines.extend(band_lines)
        if result.has_band:
            result.lines.append(_("Recommended band: %(band)s.") % {"band": result.band_text()})
    return result
