"""Writing discretion benchmarks (裁量基准): a new version from rows, adopting a starter,
repealing, and the two checks every version passes before it is stored.

* **Within the law** — every tier band lies inside the statutory range of its item (the range
  of the matter version in force, by party type, for an item of Haiyan's catalogue; the range
  the item restates otherwise). A 减轻处罚 tier may go below the minimum (行政处罚法 Art. 32),
  never above the maximum.
* **Within the superior** — a benchmark that names a superior one may narrow, never widen
  (国办发〔2022〕27号): each band, in yuan where it can be converted (a percentage of the
  statutory range becomes yuan), else in multiples of the same base, lies inside the band of the
  superior's tier of the same rank, or — where the superior has no such tier — inside the
  superior item's whole range.

Every refusal names the item, the tier and the bound, in the user's language; nothing is stored
when any check fails. Every change is a :class:`BenchmarkHistory` row (who, when).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.matters.models import Matter
from civicloop.matters.permissions import is_county
from civicloop.matters.ranges import range_for
from civicloop.org.choices import RegionLevel, Role

from .choices import LEVEL_RANK, BandKind, BenchmarkStatus, IssuerLevel, ItemMethod, PartyType
from .models import Benchmark, BenchmarkHistory, BenchmarkItem, Factor, FactorLevel, Tier

HUNDRED = Decimal(100)
REDUCED_WORDS = ("减轻",)


# --- what a version is made of -------------------------------------------------------------


@dataclass
class TierSpec:
    rank: int
    label: str
    conditions: str = ""
    band_kind: str = BandKind.AMOUNT
    band_min: Decimal | None = None
    band_max: Decimal | None = None
    first_offence: bool | None = None
    corrected: bool | None = None
    min_prior_offences: int | None = None
    max_prior_offences: int | None = None
    standard: str = ""


@dataclass
class FactorSpec:
    name: str
    levels: list[tuple[str, Decimal]] = field(default_factory=list)


@dataclass
class ItemSpec:
    code: str
    violation: str
    party_type: str = "any"
    legal_basis: str = ""
    group: str = ""
    method: str = ItemMethod.TIERS
    stat_min: Decimal | None = None
    stat_max: Decimal | None = None
    base_kind: str = ""
    base_multiple_min: Decimal | None = None
    base_multiple_max: Decimal | None = None
    start_percent: Decimal | None = None
    cap_percent: Decimal | None = Decimal(100)
    formula_note: str = ""
    note: str = ""
    tiers: list[TierSpec] = field(default_factory=list)
    factors: list[FactorSpec] = field(default_factory=list)


@dataclass
class BenchmarkSpec:
    code: str
    title: str
    issuer: str
    effective_from: dt.date
    issuer_level: str = "county"
    document_number: str = ""
    region: object = None  # org.Region or None
    superior: Benchmark | None = None
    status: str = BenchmarkStatus.ADOPTED
    effective_until: dt.date | None = None
    source: str = ""
    items: list[ItemSpec] = field(default_factory=list)


# --- who may maintain benchmarks ------------------------------------------------------------


def may_maintain_benchmarks(user) -> bool:
    """The county (centre operators, county leaders — as for the matter catalog), the county's
    legal reviewers, and administrators."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or is_county(user):
        return True
    return any(
        post.role == Role.LEGAL_REVIEWER and post.unit.region.level == RegionLevel.COUNTY
        for post in user.cached_posts()
    )


def _require(by) -> None:
    if by is not None and not may_maintain_benchmarks(by):
        raise NotPermitted(
            _("Only the county legal office or the county centre may change benchmarks.")
        )


# --- bands in comparable units ----------------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    """A closed interval in one unit: ``yuan`` or ``multiple`` (of ``base``)."""

    unit: str
    low: Decimal | None
    high: Decimal | None
    base: str = ""

    def comparable(self, other: Bounds) -> bool:
        return self.unit == other.unit and (self.unit != "multiple" or self.base == other.base)


def _statutory(item: BenchmarkItem | ItemSpec, matter: Matter | None, on: dt.date):
    """(min, max) in yuan: the matter version's range for the party type, else the item's."""
    if matter is not None:
        rng = range_for(matter.current_version(on), item.party_type)
        if rng is not None and not rng.is_multiple:
            return rng.minimum, rng.maximum
    return item.stat_min, item.stat_max


def tier_bounds(tier, item, stat: tuple) -> Bounds | None:
    """The tier's band in yuan or in multiples of the item's base; None for no fine."""
    kind = tier.band_kind
    if kind == BandKind.AMOUNT:
        return Bounds("yuan", tier.band_min, tier.band_max)
    if kind == BandKind.MULTIPLE:
        return Bounds("multiple", tier.band_min, tier.band_max, item.base_kind)
    if kind == BandKind.SHARE_OF_RANGE:
        low, high = stat
        if high is None:
            # No statutory maximum to convert with: compare in percent of the same range.
            return Bounds("percent", tier.band_min, tier.band_max)
        low = low or Decimal(0)
        span = high - low

        def at(percent):
            return (
                None
                if percent is None
                else (low + span * percent / HUNDRED).quantize(Decimal("0.01"))
            )

        return Bounds("yuan", at(tier.band_min), at(tier.band_max))
    return None


def item_bounds(item, stat: tuple) -> list[Bounds]:
    """The whole range an item allows: its statutory range, and its multiples of the base."""
    found = []
    if stat[0] is not None or stat[1] is not None:
        found.append(Bounds("yuan", stat[0], stat[1]))
    if item.base_kind and (
        item.base_multiple_min is not None or item.base_multiple_max is not None
    ):
        found.append(
            Bounds("multiple", item.base_multiple_min, item.base_multiple_max, item.base_kind)
        )
    return found


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    value = value.normalize()
    return f"{value:f}"


def _outside(inner: Bounds, outer: Bounds) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """Which bound of ``inner`` leaves ``outer``: ("min"|"max", inner value, outer value)."""
    problems = []
    if outer.low is not None and inner.low is not None and inner.low < outer.low:
        problems.append(("min", inner.low, outer.low))
    if outer.high is not None:
        high = inner.high if inner.high is not None else None
        if high is None or high > outer.high:
            problems.append(("max", high, outer.high))
    return problems


def _unit_word(bounds: Bounds) -> str:
    if bounds.unit == "percent":
        return _("percent of the statutory range")
    return _("yuan") if bounds.unit == "yuan" else _("times the base")


# --- checks ---------------------------------------------------------------------------------


def _item_name(item) -> str:
    return _("item %(code)s (%(party)s)") % {
        "code": item.code,
        "party": PartyType(item.party_type).label,
    }


def _tier_name(tier) -> str:
    return _("tier %(rank)s “%(label)s”") % {"rank": tier.rank, "label": tier.label}


def check_within_law(items, *, matters: dict, on: dt.date) -> list[str]:
    """Each tier band inside its item's statutory range (a 减轻 tier may go below the minimum)."""
    problems: list[str] = []
    for item in items:
        stat = _statutory(item, matters.get(item.code), on)
        ranges = item_bounds(item, stat)
        for tier in _tiers(item):
            if tier.band_min is not None and tier.band_max is not None:
                if tier.band_min > tier.band_max:
                    problems.append(
                        _(
                            "%(item)s, %(tier)s: the band minimum %(low)s is above its maximum %(high)s."
                        )
                        % {
                            "item": _item_name(item),
                            "tier": _tier_name(tier),
                            "low": _fmt(tier.band_min),
                            "high": _fmt(tier.band_max),
                        }
                    )
                    continue
            if tier.band_kind == BandKind.SHARE_OF_RANGE:
                bad = [
                    b
                    for b in (tier.band_min, tier.band_max)
                    if b is not None and not 0 <= b <= HUNDRED
                ]
                for bound in bad:
                    problems.append(
                        _(
                            "%(item)s, %(tier)s: %(value)s is not a percentage of the statutory range (0–100)."
                        )
                        % {"item": _item_name(item), "tier": _tier_name(tier), "value": _fmt(bound)}
                    )
                if bad:
                    continue
                if stat[1] is None:
                    problems.append(
                        _(
                            "%(item)s, %(tier)s: the band is a percentage of the statutory range, but the item states no statutory maximum."
                        )
                        % {"item": _item_name(item), "tier": _tier_name(tier)}
                    )
                    continue
            bounds = tier_bounds(tier, item, stat)
            if bounds is None or bounds.unit == "percent":
                continue
            reduced = any(word in tier.label for word in REDUCED_WORDS)
            for outer in ranges:
                if not bounds.comparable(outer):
                    continue
                for which, value, limit in _outside(bounds, outer):
                    if which == "min" and reduced:
                        continue
                    problems.append(
                        (
                            _(
                                "%(item)s, %(tier)s: the band minimum %(value)s %(unit)s is below the statutory minimum %(limit)s."
                            )
                            if which == "min"
                            else _(
                                "%(item)s, %(tier)s: the band maximum %(value)s %(unit)s is above the statutory maximum %(limit)s."
                            )
                        )
                        % {
                            "item": _item_name(item),
                            "tier": _tier_name(tier),
                            "value": _fmt(value),
                            "limit": _fmt(limit),
                            "unit": _unit_word(bounds),
                        }
                    )
    return problems


def _tiers(item) -> list:
    return list(item.tiers) if isinstance(item, ItemSpec) else list(item.tiers.all())


def _superior_items(superior: Benchmark) -> dict[tuple[str, str], BenchmarkItem]:
    found = {}
    for item in superior.items.prefetch_related("tiers").select_related("matter"):
        found[(item.code, item.party_type)] = item
        if item.matter_id:
            found[(f"matter:{item.matter_id}", item.party_type)] = item
    return found


def check_within_superior(items, superior: Benchmark, *, matters: dict, on: dt.date) -> list[str]:
    """Each band of ``items`` inside the superior's band of the same rank (or its item's range).

    Items are matched by matter when both name one, else by code; by party type, falling back
    to the superior's item for any party. Items the superior does not cover are not limited by it.
    """
    problems: list[str] = []
    theirs = _superior_items(superior)
    for item in items:
        matter = matters.get(item.code)
        keys = []
        if matter is not None:
            keys += [(f"matter:{matter.pk}", item.party_type), (f"matter:{matter.pk}", "any")]
        keys += [(item.code, item.party_type), (item.code, "any")]
        upper = next((theirs[key] for key in keys if key in theirs), None)
        if upper is None:
            continue
        stat = _statutory(item, matter, on)
        upper_stat = _statutory(upper, upper.matter, on)
        upper_tiers = {t.rank: t for t in upper.tiers.all()}
        for tier in _tiers(item):
            bounds = tier_bounds(tier, item, stat)
            if bounds is None:
                continue
            match = upper_tiers.get(tier.rank)
            outers = []
            where = ""
            if match is not None:
                outer = tier_bounds(match, upper, upper_stat)
                if outer is not None:
                    outers = [outer]
                    where = _("the superior's %(tier)s") % {"tier": _tier_name(match)}
            if not outers:
                outers = item_bounds(upper, upper_stat)
                envelope = _envelope(upper, upper_stat)
                if envelope is not None:
                    outers.append(envelope)
                where = _("the superior's item %(code)s") % {"code": upper.code}
            for outer in outers:
                if not bounds.comparable(outer):
                    continue
                for which, value, limit in _outside(bounds, outer):
                    problems.append(
                        (
                            _(
                                "%(item)s, %(tier)s: the band minimum %(value)s %(unit)s is below %(where)s (minimum %(limit)s); a lower body may narrow the superior benchmark, never widen it."
                            )
                            if which == "min"
                            else _(
                                "%(item)s, %(tier)s: the band maximum %(value)s %(unit)s is above %(where)s (maximum %(limit)s); a lower body may narrow the superior benchmark, never widen it."
                            )
                        )
                        % {
                            "item": _item_name(item),
                            "tier": _tier_name(tier),
                            "value": _fmt(value),
                            "limit": _fmt(limit),
                            "unit": _unit_word(bounds),
                            "where": where,
                        }
                    )
    return problems


def _envelope(item, stat) -> Bounds | None:
    """The span of an item's tier bands in yuan (what its tiers allow, together)."""
    spans = [b for t in item.tiers.all() if (b := tier_bounds(t, item, stat)) and b.unit == "yuan"]
    if not spans or any(b.low is None and b.high is None for b in spans):
        return None
    lows = [b.low if b.low is not None else Decimal(0) for b in spans]
    highs = [b.high for b in spans]
    if any(h is None for h in highs):
        return None
    return Bounds("yuan", min(lows), max(highs))


def check_items(items: list[ItemSpec]) -> list[str]:
    """Shape of the rows themselves: one item per code and party type; a weighted item has
    factors and a start; a tier item has tiers."""
    problems = []
    seen = set()
    for item in items:
        key = (item.code, item.party_type)
        if key in seen:
            problems.append(
                _("%(item)s appears twice; give each item and party type once.")
                % {"item": _item_name(item)}
            )
        seen.add(key)
        if (
            item.stat_min is not None
            and item.stat_max is not None
            and item.stat_min > item.stat_max
        ):
            problems.append(
                _("%(item)s: the statutory minimum %(low)s is above the maximum %(high)s.")
                % {
                    "item": _item_name(item),
                    "low": _fmt(item.stat_min),
                    "high": _fmt(item.stat_max),
                }
            )
        if item.method == ItemMethod.FACTORS:
            if item.start_percent is None:
                problems.append(
                    _("%(item)s uses weighted factors but has no start percentage (裁量起点).")
                    % {"item": _item_name(item)}
                )
            if not item.factors:
                problems.append(
                    _("%(item)s uses weighted factors but lists none.") % {"item": _item_name(item)}
                )
        elif item.factors:
            problems.append(
                _("%(item)s has weighted factors but its method is a tier table.")
                % {"item": _item_name(item)}
            )
    return problems


# --- writing --------------------------------------------------------------------------------


def _linked_matters(spec: BenchmarkSpec) -> dict[str, Matter]:
    """Haiyan's matters named by item codes — only for a benchmark that applies in a region;
    another issuer's catalogue kept for reference never links to Haiyan's matters."""
    if spec.region is None:
        return {}
    codes = {item.code for item in spec.items}
    return {m.code: m for m in Matter.objects.filter(code__in=codes)}


def check_superior(spec: BenchmarkSpec) -> list[str]:
    """The superior is in force and issued at the same level or above (a town's benchmark may
    implement the county's, not the other way round)."""
    superior = spec.superior
    problems = []
    if superior.status == BenchmarkStatus.REPEALED:
        problems.append(
            _("The superior benchmark %(superior)s is repealed.") % {"superior": superior}
        )
    if LEVEL_RANK[superior.issuer_level] > LEVEL_RANK[spec.issuer_level]:
        problems.append(
            _(
                "The superior benchmark %(superior)s is issued at %(theirs)s level, below this "
                "one's (%(ours)s)."
            )
            % {
                "superior": superior,
                "theirs": superior.get_issuer_level_display(),
                "ours": IssuerLevel(spec.issuer_level).label,
            }
        )
    return problems


def validate(spec: BenchmarkSpec) -> list[str]:
    matters = _linked_matters(spec)
    problems = check_items(spec.items)
    problems += check_within_law(spec.items, matters=matters, on=spec.effective_from)
    if spec.superior is not None:
        problems += check_superior(spec)
        problems += check_within_superior(
            spec.items, spec.superior, matters=matters, on=spec.effective_from
        )
    return problems


@transaction.atomic
def create_version(
    spec: BenchmarkSpec, *, by=None, action: str = "imported", reason: str = ""
) -> Benchmark:
    """Store ``spec`` as the next version of its code. The version in force before it ends the
    day before the new one starts. Refused (nothing stored) when any check fails."""
    _require(by)
    problems = validate(spec)
    if problems:
        raise InvalidInput("\n".join(problems), field="items")
    latest = (
        Benchmark.objects.select_for_update().filter(code=spec.code).order_by("-version").first()
    )
    if latest is not None and spec.effective_from <= latest.effective_from:
        raise InvalidInput(
            _(
                "Version %(v)d of %(code)s is in force from %(date)s; a new version must start later."
            )
            % {"v": latest.version, "code": spec.code, "date": latest.effective_from},
            field="effective_from",
        )
    version = (Benchmark.objects.filter(code=spec.code).aggregate(v=Max("version"))["v"] or 0) + 1
    benchmark = Benchmark.objects.create(
        code=spec.code,
        version=version,
        title=spec.title,
        issuer=spec.issuer,
        issuer_level=spec.issuer_level,
        document_number=spec.document_number,
        region=spec.region,
        superior=spec.superior,
        status=spec.status,
        effective_from=spec.effective_from,
        effective_until=spec.effective_until,
        source=spec.source,
        created_by=by,
    )
    _write_items(benchmark, spec.items, _linked_matters(spec))
    BenchmarkHistory.objects.create(
        benchmark=benchmark,
        actor=by,
        action=action,
        to_state=benchmark.status,
        reason=reason,
        details={"version": version, "items": len(spec.items)},
    )
    if latest is not None:
        _supersede(latest, benchmark, by)
    return benchmark


def _supersede(old: Benchmark, new: Benchmark, by) -> None:
    until = new.effective_from - dt.timedelta(days=1)
    for previous in Benchmark.objects.filter(code=old.code, version__lt=new.version).exclude(
        status=BenchmarkStatus.REPEALED
    ):
        if previous.effective_until is not None and previous.effective_until <= until:
            continue
        previous.effective_until = max(until, previous.effective_from)
        previous.save(update_fields=["effective_until"])
        BenchmarkHistory.objects.create(
            benchmark=previous,
            actor=by,
            action="superseded",
            from_state=previous.status,
            to_state=previous.status,
            details={
                "by_version": new.version,
                "effective_until": previous.effective_until.isoformat(),
            },
        )


def _write_items(benchmark: Benchmark, items: list[ItemSpec], matters: dict) -> None:
    tiers: list[Tier] = []
    for order, spec in enumerate(items, start=1):
        item = BenchmarkItem.objects.create(
            benchmark=benchmark,
            code=spec.code,
            matter=matters.get(spec.code),
            party_type=spec.party_type,
            violation=spec.violation,
            legal_basis=spec.legal_basis,
            group=spec.group,
            order=order,
            method=spec.method,
            stat_min=spec.stat_min,
            stat_max=spec.stat_max,
            base_kind=spec.base_kind,
            base_multiple_min=spec.base_multiple_min,
            base_multiple_max=spec.base_multiple_max,
            start_percent=spec.start_percent,
            cap_percent=spec.cap_percent,
            formula_note=spec.formula_note,
            note=spec.note,
        )
        tiers += [
            Tier(
                item=item,
                rank=t.rank,
                label=t.label,
                conditions=t.conditions,
                band_kind=t.band_kind,
                band_min=t.band_min,
                band_max=t.band_max,
                first_offence=t.first_offence,
                corrected=t.corrected,
                min_prior_offences=t.min_prior_offences,
                max_prior_offences=t.max_prior_offences,
                standard=t.standard,
            )
            for t in spec.tiers
        ]
        for f_order, factor_spec in enumerate(spec.factors, start=1):
            factor = Factor.objects.create(item=item, order=f_order, name=factor_spec.name)
            FactorLevel.objects.bulk_create(
                FactorLevel(factor=factor, order=l_order, label=label, weight_percent=weight)
                for l_order, (label, weight) in enumerate(factor_spec.levels, start=1)
            )
    Tier.objects.bulk_create(tiers, batch_size=500)


def spec_of(benchmark: Benchmark) -> BenchmarkSpec:
    """A stored version as a spec (what the export writes and a new version starts from)."""
    items = []
    for item in benchmark.items.prefetch_related("tiers", "factors__levels"):
        items.append(
            ItemSpec(
                code=item.code,
                violation=item.violation,
                party_type=item.party_type,
                legal_basis=item.legal_basis,
                group=item.group,
                method=item.method,
                stat_min=item.stat_min,
                stat_max=item.stat_max,
                base_kind=item.base_kind,
                base_multiple_min=item.base_multiple_min,
                base_multiple_max=item.base_multiple_max,
                start_percent=item.start_percent,
                cap_percent=item.cap_percent,
                formula_note=item.formula_note,
                note=item.note,
                tiers=[
                    TierSpec(
                        rank=t.rank,
                        label=t.label,
                        conditions=t.conditions,
                        band_kind=t.band_kind,
                        band_min=t.band_min,
                        band_max=t.band_max,
                        first_offence=t.first_offence,
                        corrected=t.corrected,
                        min_prior_offences=t.min_prior_offences,
                        max_prior_offences=t.max_prior_offences,
                        standard=t.standard,
                    )
                    for t in item.tiers.all()
                ],
                factors=[
                    FactorSpec(f.name, [(lv.label, lv.weight_percent) for lv in f.levels.all()])
                    for f in item.factors.all()
                ],
            )
        )
    return BenchmarkSpec(
        code=benchmark.code,
        title=benchmark.title,
        issuer=benchmark.issuer,
        effective_from=benchmark.effective_from,
        issuer_level=benchmark.issuer_level,
        document_number=benchmark.document_number,
        region=benchmark.region,
        superior=benchmark.superior,
        status=benchmark.status,
        effective_until=benchmark.effective_until,
        source=benchmark.source,
        items=items,
    )


@transaction.atomic
def adopt(benchmark: Benchmark, *, by=None, reason: str = "") -> Benchmark:
    """The county adopts a starter benchmark as its own (its bands unchanged)."""
    _require(by)
    benchmark = Benchmark.objects.select_for_update().get(pk=benchmark.pk)
    if benchmark.status != BenchmarkStatus.STARTER:
        raise InvalidTransition(
            _("Only a starter benchmark can be adopted; this one is “%(status)s”.")
            % {"status": benchmark.get_status_display()}
        )
    benchmark.status = BenchmarkStatus.ADOPTED
    benchmark.save(update_fields=["status"])
    BenchmarkHistory.objects.create(
        benchmark=benchmark,
        actor=by,
        action="adopted",
        from_state=BenchmarkStatus.STARTER,
        to_state=BenchmarkStatus.ADOPTED,
        reason=reason,
    )
    return benchmark


@transaction.atomic
def repeal(benchmark: Benchmark, *, by=None, reason: str, on: dt.date | None = None) -> Benchmark:
    """The benchmark stops applying (废止) from ``on`` (default today); a reason is required."""
    _require(by)
    if not reason.strip():
        raise InvalidInput(_("Say why the benchmark is repealed."), field="reason")
    benchmark = Benchmark.objects.select_for_update().get(pk=benchmark.pk)
    if benchmark.status == BenchmarkStatus.REPEALED:
        raise InvalidTransition(_("This benchmark is already repealed."))
    if benchmark.implementations.exclude(status=BenchmarkStatus.REPEALED).exists():
        raise InvalidTransition(
            _("Lower benchmarks still implement this one; repeal or re-base them first.")
        )
    on = on or timezone.localdate()
    previous = benchmark.status
    benchmark.status = BenchmarkStatus.REPEALED
    benchmark.effective_until = max(on, benchmark.effective_from)
    benchmark.save(update_fields=["status", "effective_until"])
    BenchmarkHistory.objects.create(
        benchmark=benchmark,
        actor=by,
        action="repealed",
        from_state=previous,
        to_state=BenchmarkStatus.REPEALED,
        reason=reason,
    )
    return benchmark
