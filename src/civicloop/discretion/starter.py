"""Starter benchmarks for Haiyan's matter catalogue, made from a stated rule (not invented
per matter), marked “starter” until the county adopts them (``services.adopt``) or imports its
own version.

The rule (as Zhejiang's implementing rules state it; ../shared/data/README.md):

* 从轻处罚 — up to 20 % of the statutory range (minimum + 20 % of maximum − minimum);
* 一般处罚 — 40 % to 60 % of it;
* 从重处罚 — 60 % of it up to the maximum;
* where the law states only a maximum, the same percentages of the maximum;
* 减轻处罚 — below the statutory minimum, only where a minimum exists, only with a written
  reason (行政处罚法 Art. 32);
* a fixed amount (“处50元的罚款”) — one tier, that amount;
* multiples of a base (违法所得, 总投资额 …) — the same percentages of the range of multiples.

One item per matter version in force and per party type its article distinguishes
(``matters.ranges.ranges_of``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.matters.display import format_range
from civicloop.matters.models import Matter
from civicloop.matters.ranges import StatutoryRange, ranges_of
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from . import services
from .choices import BandKind, BenchmarkStatus, TierLabel
from .models import Benchmark
from .services import BenchmarkSpec, ItemSpec, TierSpec

CODE = "haiyan-starter"
TITLE = "海盐县行政处罚裁量基准（初始）"
ISSUER = "海盐县（由规则生成，待采用）"


@dataclass(frozen=True)
class Share:
    label: str
    low: int
    high: int
    first_offence: bool | None = None
    corrected: bool | None = None
    min_prior: int | None = None


RULE = (
    Share(TierLabel.LIGHTER, 0, 20, first_offence=True, corrected=True),
    Share(TierLabel.ORDINARY, 40, 60),
    Share(TierLabel.HEAVIER, 60, 100, min_prior=1),
)
RULE_TEXT = (
    "初始基准，由规则生成：从轻处罚为法定幅度的20%以下，一般处罚为40%–60%，从重处罚为60%以上至上限；"
    "仅规定上限的，按上限的相同百分比；减轻处罚低于法定下限，须写明理由（行政处罚法第三十二条）；"
    "定额罚款为一档。参照浙江省行政处罚裁量基准实施规定。待县里采用或导入本县基准。"
)
CENT = Decimal("0.01")


def _at(low: Decimal, high: Decimal, percent: int, quantum: Decimal) -> Decimal:
    return (low + (high - low) * percent / 100).quantize(quantum, rounding=ROUND_HALF_UP)


def tiers_for(rng: StatutoryRange) -> list[TierSpec]:
    """The rule applied to one statutory range."""
    if rng.is_multiple:
        low, high = rng.multiple_min or Decimal(0), rng.multiple_max
        if high is None:
            return []
        kind, quantum = BandKind.MULTIPLE, CENT
    elif rng.is_fixed:
        return [
            TierSpec(
                rank=1,
                label=TierLabel.ORDINARY,
                conditions="定额罚款",
                band_min=rng.minimum,
                band_max=rng.maximum,
            )
        ]
    else:
        if rng.maximum is None:
            return []
        low, high = rng.minimum or Decimal(0), rng.maximum
        kind, quantum = BandKind.AMOUNT, CENT
    tiers = []
    if not rng.is_multiple and rng.minimum:
        tiers.append(
            TierSpec(
                rank=1,
                label=TierLabel.REDUCED,
                conditions="有法定减轻情节，低于法定下限，须写明理由（行政处罚法第三十二条）",
                band_kind=kind,
                band_min=Decimal(0),
                band_max=rng.minimum,
            )
        )
    for share in RULE:
        tiers.append(
            TierSpec(
                rank=len(tiers) + 1,
                label=share.label,
                conditions=f"法定幅度的{share.low}%–{share.high}%",
                band_kind=kind,
                band_min=_at(low, high, share.low, quantum),
                band_max=_at(low, high, share.high, quantum),
                first_offence=share.first_offence,
                corrected=share.corrected,
                min_prior_offences=share.min_prior,
            )
        )
    return tiers


def starter_spec(*, region: Region, on: dt.date) -> BenchmarkSpec:
    items = []
    for matter in Matter.objects.active().with_version(on).order_by("code"):
        version = matter.current_version(on)
        # One item per party type (the benchmark's key): an amount range before a multiple; an
        # article with several bases for one party (森林法 Art. 74: 恢复费用 or 林木价值) keeps
        # the first, and the item's note names the others for the county to settle.
        ranges = sorted(ranges_of(version), key=lambda r: r.is_multiple)
        for party_type in dict.fromkeys(r.party_type for r in ranges):
            same = [r for r in ranges if r.party_type == party_type]
            rng = same[0]
            tiers = tiers_for(rng)
            if not tiers:
                continue
            others = "；".join(format_range(r) for r in same[1:])
            items.append(
                ItemSpec(
                    code=matter.code,
                    violation=version.name,
                    party_type=rng.party_type,
                    legal_basis=f"《{version.law}》{version.article}{version.clause}\n{version.article_text}",
                    group=matter.category.name if matter.category_id else "",
                    stat_min=rng.minimum,
                    stat_max=rng.maximum,
                    base_kind=rng.base_kind,
                    base_multiple_min=rng.multiple_min,
                    base_multiple_max=rng.multiple_max,
                    tiers=tiers,
                    note=(_("The article also states: %(others)s") % {"others": others})
                    if others
                    else "",
                )
            )
    return BenchmarkSpec(
        code=CODE,
        title=TITLE,
        issuer=ISSUER,
        issuer_level="county",
        region=region,
        status=BenchmarkStatus.STARTER,
        effective_from=on,
        source=RULE_TEXT,
        items=items,
    )


def county_region() -> Region | None:
    return Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()


def load_starter(
    *, region: Region | None = None, on: dt.date | None = None, by=None, refresh: bool = False
):
    """Create the starter benchmark unless one exists; (benchmark, created).

    With ``refresh``, a starter not yet adopted gets a new version from ``on`` when the
    catalogue's ranges changed (e.g. a range split by party type); an adopted one is the
    county's and is left alone.
    """
    on = on or timezone.localdate()
    existing = Benchmark.objects.filter(code=CODE).order_by("-version").first()
    if existing is not None:
        if not refresh or existing.status != BenchmarkStatus.STARTER:
            return existing, False
        spec = starter_spec(region=existing.region or region or county_region(), on=on)
        if spec.items == services.spec_of(existing).items:
            return existing, False
        return services.create_version(spec, by=by, action="starter", reason=RULE_TEXT), True
    spec = starter_spec(region=region or county_region(), on=on)
    return services.create_version(spec, by=by, action="starter", reason=RULE_TEXT), True
