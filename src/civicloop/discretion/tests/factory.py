"""Benchmarks built directly with the ORM, for the calculator's tests (the importer and the
starter generator have their own)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from civicloop.discretion.choices import (
    BandKind,
    BenchmarkStatus,
    IssuerLevel,
    ItemMethod,
    PartyType,
)
from civicloop.discretion.models import Benchmark, BenchmarkItem, Factor, FactorLevel, Tier

TITLE = "海盐县综合行政执法局行政处罚裁量基准"
NUMBER = "盐综执〔2026〕3号"


def benchmark(
    region,
    *,
    code: str = "haiyan-zhzf",
    title: str = TITLE,
    document_number: str = NUMBER,
    status: str = BenchmarkStatus.ADOPTED,
    level: str = IssuerLevel.COUNTY,
    effective_from: dt.date = dt.date(2024, 1, 1),
    effective_until: dt.date | None = None,
    superior: Benchmark | None = None,
    version: int = 1,
) -> Benchmark:
    return Benchmark.objects.create(
        code=code,
        version=version,
        title=title,
        issuer="海盐县综合行政执法局",
        issuer_level=level,
        document_number=document_number,
        region=region,
        superior=superior,
        status=status,
        effective_from=effective_from,
        effective_until=effective_until,
    )


def item(
    bench: Benchmark,
    matter,
    *,
    party_type: str = PartyType.ANY,
    method: str = ItemMethod.TIERS,
    **fields,
) -> BenchmarkItem:
    return BenchmarkItem.objects.create(
        benchmark=bench,
        code=fields.pop("code", matter.code if matter is not None else "X-1"),
        matter=matter,
        party_type=party_type,
        violation=fields.pop("violation", "擅自占用城市道路"),
        method=method,
        **fields,
    )


def tier(
    owner: BenchmarkItem,
    rank: int,
    label: str,
    band: tuple | None = None,
    *,
    kind: str = BandKind.AMOUNT,
    **conditions,
) -> Tier:
    low, high = band if band is not None else (None, None)
    return Tier.objects.create(
        item=owner,
        rank=rank,
        label=label,
        band_kind=kind,
        band_min=Decimal(str(low)) if low is not None else None,
        band_max=Decimal(str(high)) if high is not None else None,
        **conditions,
    )


def four_tiers(owner: BenchmarkItem, *, kind: str = BandKind.SHARE_OF_RANGE) -> dict[str, Tier]:
    """Zhejiang's rule of thumb as percentages of the statutory range: 从轻 (first offence,
    corrected) 0–20 %, 一般 (no condition) 40–60 %, 从重 (one prior offence) 60–80 %,
    严重 (two or more) 80–100 %."""
    return {
        "从轻处罚": tier(
            owner, 1, "从轻处罚", (0, 20), kind=kind, first_offence=True, corrected=True
        ),
        "一般处罚": tier(owner, 2, "一般处罚", (40, 60), kind=kind),
        "从重处罚": tier(
            owner,
            3,
            "从重处罚",
            (60, 80),
            kind=kind,
            min_prior_offences=1,
            max_prior_offences=1,
        ),
        "严重": tier(owner, 4, "严重", (80, 100), kind=kind, min_prior_offences=2),
    }


def factors(owner: BenchmarkItem, table: dict[str, dict[str, int]]) -> dict[str, FactorLevel]:
    """Factors with their levels and weights: {"违法程度": {"轻": 10, "重": 30}, …}; the
    levels come back by "factor:level"."""
    levels = {}
    for order, (name, grades) in enumerate(table.items()):
        factor = Factor.objects.create(item=owner, order=order, name=name)
        for n, (label, weight) in enumerate(grades.items()):
            levels[f"{name}:{label}"] = FactorLevel.objects.create(
                factor=factor, order=n, label=label, weight_percent=Decimal(weight)
            )
    return levels
