"""One-off extraction of Guangdong's published discretion tables from their PDFs.

Run from the repository root with a Python that has ``pdfplumber`` (it is not a dependency of
Civicloop; the importer and the tests read only the shipped extract)::

    python -m venv /tmp/pv && /tmp/pv/bin/pip install pdfplumber
    PYTHONPATH=src /tmp/pv/bin/python -m civicloop.discretion.sources.extract_guangdong \\
        --clb ../shared/data/discretion/gd_clb.pdf --byml ../shared/data/discretion/gd_byml.pdf

It writes, in ``discretion/data/``:

* ``guangdong_clb_items.csv`` and ``guangdong_clb_factors.csv`` — 广东省生态环境违法行为行政处罚
  罚款金额裁量表 (粤环发〔2021〕7号 attachment 1) as rows of the benchmark workbook
  (``sources/columns.py``): a weighted-factor item (裁量起点 + graded 裁量权重, 罚款金额＝裁量百分值
  总和×基数, capped at 100 %) becomes one item row and its factor rows; an item whose table is a
  tier table (amount bands by circumstance) becomes one row per tier;
* ``guangdong_byml.csv`` — the no-penalty list (attachment 2: 序号, 类别, 违法行为, 违反条款,
  不予处罚的情节).

How the PDF is read: every page after the table of contents is scanned for the item markers
“§1.1 裁量标准”; each table pdfplumber finds belongs to the last marker above it (a table that
continues on the next page starts with empty cells, which continue the row above). Nothing
here needs Django.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from decimal import Decimal
from pathlib import Path

from civicloop.matters.fines import fine_range

from .columns import FACTOR_FIELDS, ITEM_FIELDS, ITEM_LEVEL

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FIRST_PAGE = 16  # pages 1–15 are the table of contents
MARKER = re.compile(r"§\s*(\d+)\s*\.\s*(\d+)(?:\s*\.\s*(\d+))?")
HEADING = re.compile(r"(?m)^([一二三四五六七八九十]+)、")
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*[%％]$")
CHAPTER = re.compile(r"第([一二三四五六七八九十]+)章\s*(\S+)")
NUM = r"(\d+(?:\.\d+)?)"
BAND_RANGE = re.compile(NUM + r"(万)?元?以上" + NUM + r"(万)?元以下")
BAND_UPPER = re.compile(NUM + r"(万)?元以下")
BAND_FIXED = re.compile(NUM + r"(万)?元")
MULTIPLE = re.compile(
    r"(总投资额|违法所得|货值金额|货值|所收费用|直接经济损失|处置费用)的?"
    + NUM
    + r"倍(?:以上"
    + NUM
    + r"倍以下)?"
)
BASES = (
    ("总投资额", "total_investment"),
    ("违法所得", "illegal_income"),
    ("货值", "goods_value"),
    ("处置费用", "disposal_cost"),
    ("代为处置", "disposal_cost"),
)


def clean(text) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def yuan(number: str, wan: str | None) -> Decimal:
    value = Decimal(number)
    return value * 10_000 if wan else value


def parse_band(text: str) -> tuple[Decimal | None, Decimal | None] | None:
    text = clean(text)
    if match := BAND_RANGE.search(text):
        return yuan(match.group(1), match.group(2)), yuan(match.group(3), match.group(4))
    if match := BAND_UPPER.search(text):
        return None, yuan(match.group(1), match.group(2))
    if match := BAND_FIXED.search(text):
        amount = yuan(match.group(1), match.group(2))
        return amount, amount
    return None


def markers(pdf) -> list[tuple[int, float, str, str]]:
    """(page index, top, "1.1", title) of every item, in order."""
    found = []
    for index, page in enumerate(pdf.pages):
        if index + 1 < FIRST_PAGE:
            continue
        text = page.extract_text() or ""
        words = page.extract_words()
        tops = [w["top"] for w in words if "§" in w["text"]]
        for number, match in enumerate(MARKER.finditer(text)):
            before = text[: match.start()]
            headings = list(HEADING.finditer(before))
            title = clean(before[headings[-1].end() :]) if headings else ""
            top = tops[number] if number < len(tops) else 0.0
            code = ".".join(g for g in match.groups() if g)
            if match.group(3) and found and not title:
                title = found[-1][3]
            title = MARKER.split(title, 1)[0] if title else title
            found.append((index, top, code, title))
    return found


def chapters(pdf) -> dict[str, str]:
    names = {}
    for page in pdf.pages[:FIRST_PAGE]:
        for match in CHAPTER.finditer(page.extract_text() or ""):
            names[str("一二三四五六七八九十".index(match.group(1)) + 1)] = re.sub(
                r"[.…]+\d*$", "", match.group(2)
            )
    return names


def tables_by_item(pdf, marks) -> dict[int, list[list]]:
    """Every table row, attached to the item whose marker precedes the table."""
    rows: dict[int, list[list]] = {i: [] for i in range(len(marks))}
    for index, page in enumerate(pdf.pages):
        if index + 1 < FIRST_PAGE:
            continue
        for table in page.find_tables():
            top = table.bbox[1]
            owner = None
            for number, (page_index, mark_top, _code, _title) in enumerate(marks):
                if (page_index, mark_top) <= (index, top):
                    owner = number
            if owner is not None:
                rows[owner].extend(table.extract())
    return rows


def item_text(rows, label: str) -> str:
    for row in rows:
        if row and clean(row[0]) == label:
            return "".join(str(c or "") for c in row[1:] if c).replace("\n", "")
    return ""


def _percent_cells(cells, after: int = -1) -> list[tuple[int, Decimal]]:
    return [
        (j, Decimal(m.group(1)))
        for j, c in enumerate(cells)
        if j > after and c and (m := PERCENT.match(c))
    ]


def weighted(rows) -> tuple[list[tuple[int, str, Decimal]], list[tuple[str, str, dict]]]:
    """The scenarios (column, label, 裁量起点) and the factor levels (factor, level,
    {column: weight}) of a weighted-factor table. Most tables have one start percentage; some
    give one per scenario in columns under a two-row heading (限期内改正 / 逾期未改正, 对单位 /
    对个人), each an item of its own."""
    scenarios: list[tuple[int, str, Decimal]] = []
    levels: list[tuple[str, str, dict]] = []
    factor = ""
    in_table = False
    pending: list[list[tuple[int, str]]] | None = None
    for row in rows:
        cells = [clean(c) if c is not None else None for c in row]
        if not cells:
            continue
        if "裁量要素" in cells:
            in_table = True
            continue
        if cells[0] in ("违反条款", "处罚依据", "备注"):
            in_table = False
            continue
        if not in_table or not any(cells):
            continue
        if "裁量起点" in cells:
            at = cells.index("裁量起点")
            found = _percent_cells(cells, at)
            if found:
                scenarios += [(j, "", start) for j, start in found]
            else:
                pending = [[(j, c) for j, c in enumerate(cells) if j > at and c]]
            continue
        if pending is not None:
            # A row of the heading may already give some columns their start percentage
            # (对个人 25 %) while it names the sub-headings of the others.
            found = _percent_cells(cells)
            for j, start in found:
                parts = []
                for heading in pending:
                    left = [label for k, label in heading if k <= j]
                    # “/” marks a column without a sub-heading.
                    if left and left[-1] != "/" and left[-1] not in parts:
                        parts.append(left[-1])
                scenarios.append((j, "·".join(parts), start))
            labels = [(j, c) for j, c in enumerate(cells) if c and not PERCENT.match(c)]
            if labels:
                pending.append(labels)
            else:
                pending = None
            continue
        found = _percent_cells(cells)
        if not found:
            continue
        # The level is the nearest text left of the first weight, the factor (when the row
        # starts one) the text left of that; merged cells may leave empty cells between.
        named = [j for j in range(1, found[0][0]) if cells[j]]
        level = cells[named[-1]] if named else ""
        if len(named) >= 2:
            factor = cells[named[-2]]
        levels.append((factor, level, dict(found)))
    # The notes list one formula per scenario in the order of the columns.
    return sorted(scenarios), levels


def party_of(label: str) -> str:
    if "个人" in label:
        return "person"
    if "单位" in label or "企业" in label:
        return "organisation"
    return "any"


def tier_rows(rows) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows of a tier table (merged cells filled from the row above)."""
    header: list[str] = []
    data: list[list[str]] = []
    previous: list[str] = []
    for row in rows:
        cells = [clean(c) if c is not None else None for c in row]
        if not cells or cells[0] in ("违反条款", "处罚依据", "备注"):
            continue
        if cells[0] == "违法行为":
            header = [c or "" for c in cells]
            previous = []
            continue
        if not header:
            continue
        if len(cells) != len(header):
            continue
        filled = [
            (c if c not in (None,) else (previous[i] if i < len(previous) else ""))
            for i, c in enumerate(cells)
        ]
        # A row continued from the previous page: its empty leading cells belong to it.
        if previous and all(c == "" for c in cells[:2]) and sum(1 for c in cells if c) <= 2:
            if data:
                data[-1] = [
                    (a + b) if b and i >= 2 else a
                    for i, (a, b) in enumerate(zip(data[-1], filled, strict=True))
                ]
                previous = data[-1]
                continue
        filled = [
            f if f else (previous[i] if previous and i < 2 else f) for i, f in enumerate(filled)
        ]
        data.append(filled)
        previous = filled
    return header, data


def base_kind_of(words: str) -> str:
    return next((kind for text, kind in BASES if text in words or words in text), "other")


def base_of(formula: str) -> tuple[str, Decimal | None, Decimal | None]:
    """(base kind, multiple of the base at 100 %, amount base) from “裁量百分值总和×…”."""
    tail = formula.split("总和", 1)[-1]
    for words, kind in BASES:
        if words in tail:
            if share := re.search(r"[×x]\s*(\d+(?:\.\d+)?)\s*[%％]", tail):
                return kind, Decimal(share.group(1)) / 100, None
            if times := re.search(r"[×x]\s*(\d+(?:\.\d+)?)\s*倍", tail):
                return kind, Decimal(times.group(1)), None
            return kind, Decimal(1), None
    if match := re.search(r"^\s*[×x]\s*(\d+(?:\.\d+)?)\s*(万)?元?", tail):
        return "statutory_maximum", None, yuan(match.group(1), match.group(2))
    return "other", None, None


def extract_clb(path: Path) -> tuple[list[dict], list[dict]]:
    import pdfplumber

    items: list[dict] = []
    factors: list[dict] = []
    with pdfplumber.open(path) as pdf:
        marks = markers(pdf)
        groups = chapters(pdf)
        rows_of = tables_by_item(pdf, marks)
    seen: dict[str, int] = {}
    for number, (_page, _top, code, title) in enumerate(marks):
        rows = rows_of[number]
        seen[code] = seen.get(code, 0) + 1
        item_code = f"GD-{code}" + (f"-{seen[code]}" if seen[code] > 1 else "")
        basis = item_text(rows, "处罚依据")
        note = item_text(rows, "备注")
        stated = fine_range(basis)
        common = {
            "code": item_code,
            "party_type": "any",
            "group": groups.get(code.split(".")[0], ""),
            "violation": title,
            "legal_basis": (item_text(rows, "违反条款") + "\n" + basis).strip(),
            "stat_min": stated.minimum if stated.stated else None,
            "stat_max": stated.maximum,
            "note": note,
        }
        scenarios, levels = weighted(rows)
        if scenarios and levels:
            formulas = [
                "罚款金额＝" + m.group(1)
                for m in re.finditer(r"罚款金额\s*[＝=]\s*([^。；;\n]+)", note)
            ]
            parties = [party_of(label) for _j, label, _s in scenarios]
            seen_party: dict[str, int] = {}
            for index, (column, label, start) in enumerate(scenarios):
                party = parties[index]
                seen_party[party] = seen_party.get(party, 0) + 1
                code = item_code
                if parties.count(party) > 1:
                    code = f"{item_code}-{seen_party[party]}"
                formula = formulas[index] if len(formulas) == len(scenarios) else ""
                if not formula and formulas:
                    formula = formulas[0]
                kind, share, amount = base_of(formula)
                items.append(
                    {
                        **common,
                        "code": code,
                        "party_type": party,
                        "violation": title + (f"（{label}）" if label else ""),
                        "method": "factors",
                        "base_kind": kind,
                        "base_multiple_max": share,
                        "stat_max": amount if amount is not None else common["stat_max"],
                        "start_percent": start,
                        "cap_percent": Decimal(100),
                        "formula_note": formula,
                    }
                )
                for factor, level, weights in levels:
                    factors.append(
                        {
                            "code": code,
                            "party_type": party,
                            "factor": factor,
                            "level": level,
                            # A level with one weight applies it in every scenario column.
                            "weight_percent": weights.get(column, next(iter(weights.values()))),
                        }
                    )
            continue
        header, data = tier_rows(rows)
        amount_col = next((i for i, h in enumerate(header) if "罚款" in h), len(header) - 1)
        rank = 0
        base_kind = ""
        first = len(items)
        for row in data:
            band = parse_band(row[amount_col]) if amount_col >= 0 else None
            kind = "amount" if band else "none"
            if band is None and (multiple := MULTIPLE.search(clean(row[amount_col]))):
                words, low, high = multiple.groups()
                base_kind = base_kind or base_kind_of(words)
                band, kind = (Decimal(low), Decimal(high or low)), "multiple"
            rank += 1
            conditions = "；".join(c for i, c in enumerate(row) if 0 < i < amount_col and c)
            others = "；".join(
                f"{header[i]}：{c}" for i, c in enumerate(row) if i > amount_col and c
            )
            items.append(
                {
                    **common,
                    "method": "tiers",
                    "tier_rank": rank,
                    "tier_label": f"第{rank}档",
                    "conditions": conditions,
                    "band_kind": kind,
                    "band_min": band[0] if band else None,
                    "band_max": band[1] if band else None,
                    "standard": row[amount_col] + (f"（{others}）" if others else ""),
                }
            )
        for row in items[first:]:
            row["base_kind"] = base_kind
        if not data:
            items.append({**common, "method": "tiers"})
    return items, factors


def extract_byml(path: Path) -> list[dict]:
    import pdfplumber

    rows: list[dict] = []
    category = ""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                for row in table:
                    cells = [str(c or "").strip() for c in row]
                    if len(cells) < 5 or cells[0] == "序号":
                        continue
                    if not cells[0].isdigit():
                        # a row continued from the page before
                        if rows:
                            last = rows[-1]
                            last["violation"] += clean(cells[2])
                            last["clause"] += cells[3].replace("\n", "")
                            last["circumstances"] += cells[4]
                        continue
                    category = clean(cells[1]) or category
                    rows.append(
                        {
                            "number": int(cells[0]),
                            "category": category,
                            "violation": clean(cells[2]),
                            "clause": cells[3].replace("\n", ""),
                            "circumstances": cells[4],
                        }
                    )
    for row in rows:
        row["circumstances"] = re.sub(r"\n(?!（)", "", row["circumstances"])
    return rows


def write(path: Path, fields: list[str], rows: list[dict], *, once: tuple[str, ...] = ()) -> None:
    """Rows as CSV; the ``once`` columns are written on an item's first row only (the
    workbook's rule: an empty item column repeats the row above of the same item)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="raise")
        writer.writeheader()
        previous = None
        for row in rows:
            out = {k: ("" if row.get(k) is None else row.get(k)) for k in fields}
            key = (row.get("code"), row.get("party_type"))
            if previous is not None and key == previous:
                out.update({k: "" for k in once})
            previous = key
            writer.writerow(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clb", type=Path, required=True)
    parser.add_argument("--byml", type=Path, required=True)
    args = parser.parse_args(argv)
    items, factors = extract_clb(args.clb)
    write(
        DATA_DIR / "guangdong_clb_items.csv",
        [f for f, _h in ITEM_FIELDS],
        items,
        once=ITEM_LEVEL,
    )
    write(DATA_DIR / "guangdong_clb_factors.csv", [f for f, _h in FACTOR_FIELDS], factors)
    byml = extract_byml(args.byml)
    write(
        DATA_DIR / "guangdong_byml.csv",
        ["number", "category", "violation", "clause", "circumstances"],
        byml,
    )
    codes = {row["code"] for row in items}
    print(
        f"{len(codes)} items ({len({r['code'] for r in items if r['method'] == 'factors'})} "
        f"weighted), {len(factors)} factor levels, {len(byml)} no-penalty entries",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
