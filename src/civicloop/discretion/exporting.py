"""Writing a benchmark version as our workbook (``sources/columns.py``): what
:mod:`.importing` reads back unchanged (a round trip gives the same items, tiers and factors).

Choices are written as their stored values (person, tiers, amount …) so the file reads the
same in every language; the importer also accepts the Chinese words.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from openpyxl import Workbook

from civicloop.core.spreadsheets import append_header, append_row

from .models import Benchmark
from .services import spec_of
from .sources.columns import (
    FACTOR_FIELDS,
    FACTORS_SHEET,
    HEADER_FIELDS,
    HEADER_SHEET,
    ITEM_FIELDS,
    ITEM_LEVEL,
    ITEMS_SHEET,
)

WIDTHS = {"violation": 40, "legal_basis": 40, "conditions": 36, "standard": 36, "tier_label": 12}


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def filename(benchmark: Benchmark) -> str:
    return f"{benchmark.code}-v{benchmark.version}.xlsx"


def write_workbook(benchmark: Benchmark, out: str | BinaryIO) -> int:
    """Write ``benchmark`` to ``out``; returns the number of items."""
    spec = spec_of(benchmark)
    workbook = Workbook(write_only=True)
    head = workbook.create_sheet(HEADER_SHEET)
    append_header(head, ["字段", "值"], widths=[14, 60])
    superior = spec.superior
    values: dict[str, Any] = {
        "code": spec.code,
        "version": benchmark.version,
        "title": spec.title,
        "issuer": spec.issuer,
        "issuer_level": spec.issuer_level,
        "document_number": spec.document_number,
        "region": spec.region.code if spec.region else "",
        "superior": f"{superior.code} v{superior.version}" if superior else "",
        "status": spec.status,
        "effective_from": spec.effective_from,
        "effective_until": spec.effective_until,
        "source": spec.source,
    }
    for name, header in HEADER_FIELDS:
        append_row(head, [header, values[name]], wrap=None)

    items = workbook.create_sheet(ITEMS_SHEET)
    append_header(
        items, [h for _f, h in ITEM_FIELDS], widths=[WIDTHS.get(f, 12) for f, _h in ITEM_FIELDS]
    )
    factors = workbook.create_sheet(FACTORS_SHEET)
    append_header(factors, [h for _f, h in FACTOR_FIELDS], widths=[14, 12, 24, 40, 10])
    for item in spec.items:
        own = {
            "code": item.code,
            "party_type": item.party_type,
            "group": item.group,
            "violation": item.violation,
            "legal_basis": item.legal_basis,
            "method": item.method,
            "stat_min": item.stat_min,
            "stat_max": item.stat_max,
            "base_kind": item.base_kind,
            "base_multiple_min": item.base_multiple_min,
            "base_multiple_max": item.base_multiple_max,
            "start_percent": item.start_percent,
            "cap_percent": item.cap_percent,
            "formula_note": item.formula_note,
            "note": item.note,
        }
        rows = [
            {
                "tier_rank": t.rank,
                "tier_label": t.label,
                "conditions": t.conditions,
                "band_kind": t.band_kind,
                "band_min": t.band_min,
                "band_max": t.band_max,
                "first_offence": _yes_no(t.first_offence),
                "corrected": _yes_no(t.corrected),
                "min_prior_offences": t.min_prior_offences,
                "max_prior_offences": t.max_prior_offences,
                "standard": t.standard,
            }
            for t in item.tiers
        ] or [{}]
        for index, tier in enumerate(rows):
            values = {**own, **tier}
            if index:
                values.update({name: None for name in ITEM_LEVEL})
            append_row(items, [values.get(f) for f, _h in ITEM_FIELDS], wrap=None)
        for factor in item.factors:
            for label, weight in factor.levels:
                append_row(
                    factors, [item.code, item.party_type, factor.name, label, weight], wrap=None
                )
    workbook.save(out)
    return len(spec.items)
