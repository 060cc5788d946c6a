"""广东省生态环境厅 粤环发〔2021〕7号: the fine discretion table (attachment 1) and the list of
minor violations not penalised (attachment 2), from the shipped extract in ``data/`` (made once
from the PDFs by ``extract_guangdong.py``; nothing here reads a PDF).

The table's weighted-factor items (罚款金额＝裁量百分值总和×基数: start percentage plus one
weight per factor, capped at 100 %) and its tier-table items are read by the same row parser as
our workbook (``importing.parse_item_rows`` / ``parse_factor_rows``), so a problem in the extract
is reported by file, row and column like any import.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from civicloop.core.errors import InvalidInput

from ..importing import parse_factor_rows, parse_item_rows
from ..services import BenchmarkSpec, ItemSpec, TierSpec

DATA = Path(__file__).resolve().parent.parent / "data"
ITEMS = DATA / "guangdong_clb_items.csv"
FACTORS = DATA / "guangdong_clb_factors.csv"
NO_PENALTY = DATA / "guangdong_byml.csv"
ISSUER = "广东省生态环境厅"
DOCUMENT = "粤环发〔2021〕7号"
SOURCE = (
    "广东省生态环境厅《广东省生态环境违法行为行政处罚罚款金额裁量表》《广东省生态环境不予行政处罚的"
    "轻微违法行为目录》（粤环发〔2021〕7号附件1、2），政府规范性文件（著作权法第五条）；"
    "从公开发布的 PDF 文本整理（出处见随附的数据来源说明）。"
)


def _rows(path: Path) -> tuple[list[tuple[int, dict]], dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [(number, row) for number, row in enumerate(reader, start=2)]
        return rows, {name: name for name in reader.fieldnames or ()}


def table_items(items_path: Path = ITEMS, factors_path: Path = FACTORS) -> list[ItemSpec]:
    rows, headers = _rows(items_path)
    items, problems = parse_item_rows(rows, headers, sheet=items_path.name)
    f_rows, f_headers = _rows(factors_path)
    problems += parse_factor_rows(f_rows, f_headers, items, sheet=factors_path.name)
    if problems:
        raise InvalidInput("\n".join(str(p) for p in problems))
    return items


def table_spec(effective_from) -> BenchmarkSpec:
    return BenchmarkSpec(
        code="guangdong-eco-2021",
        title="广东省生态环境违法行为行政处罚罚款金额裁量表",
        issuer=ISSUER,
        issuer_level="province",
        document_number=DOCUMENT,
        effective_from=effective_from,
        source=SOURCE,
        items=table_items(),
    )


def no_penalty_items(path: Path = NO_PENALTY) -> list[ItemSpec]:
    """Each entry as an item with one tier “不予处罚” whose conditions are the list's words."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    items = []
    for row in rows:
        words = row["circumstances"]
        items.append(
            ItemSpec(
                code=f"GD-NP-{int(row['number']):02d}",
                violation=row["violation"],
                legal_basis=row["clause"],
                group=row["category"],
                tiers=[
                    TierSpec(
                        rank=1,
                        label="不予处罚",
                        conditions=words,
                        band_kind="none",
                        first_offence=True if "首次违法" in words else None,
                        corrected=True if "改正" in words else None,
                        max_prior_offences=0 if "首次违法" in words else None,
                    )
                ],
            )
        )
    if not items:
        raise InvalidInput(_("The no-penalty list is empty."))
    return items


def no_penalty_spec(effective_from) -> BenchmarkSpec:
    return BenchmarkSpec(
        code="guangdong-no-penalty-2021",
        title="广东省生态环境不予行政处罚的轻微违法行为目录",
        issuer=ISSUER,
        issuer_level="province",
        document_number=DOCUMENT,
        effective_from=effective_from,
        source=SOURCE,
        items=no_penalty_items(),
    )
