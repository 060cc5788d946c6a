"""江门市生态环境局《行政处罚自由裁量权裁量标准参照表》(2020-03) into benchmark items.

The shipped file ``data/jiangmen_eco_discretion_flat.csv`` is the published .xls flattened (one
row per circumstance; columns sheet, item_no, violation, legal_basis, tier, circumstance,
penalty_standard, note). Each (sheet, item_no) becomes one item of its own catalogue (code
``JM-<item_no>``, no Haiyan matter); each row becomes a tier, in file order, ranked by the
issuer's tier number (two circumstances of one tier share its rank) and labelled “第N档”. A blank
penalty standard is a merged cell of the .xls: it repeats the row above of the same item.

The band is read from the standard: an amount (“处一万元以上三万元以下”, “万元”, a fixed amount),
else a multiple of a base (“总投资额百分之一以上百分之二以下”, “违法所得一倍以上三倍以下”) with the
base kind; when the standard states neither (e.g. “每个因子超标每0.5倍增加一万元”) the tier keeps
its words and has no band. Repeat-offence circumstances (“两年内第3次”, “两年内3次以上”, “两年内超过3次”)
set the calculator's prior-offence conditions; “第N次” counts this offence, so N−1 came before.

The statutory range is read from the legal basis (``matters.fines``); it is kept only when every
amount band of the item lies inside it (the basis is cut at 300 characters and may state a
second range for individuals first), else left empty and said in the item's note.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

from civicloop.matters.fines import fine_ranges
from civicloop.matters.laws import cn_to_int

from ..services import BenchmarkSpec, ItemSpec, TierSpec

DATA = Path(__file__).resolve().parent.parent / "data" / "jiangmen_eco_discretion_flat.csv"
TITLE = "江门市生态环境局行政处罚自由裁量权裁量标准参照表"
ISSUER = "江门市生态环境局"
SOURCE = (
    "江门市生态环境局《行政处罚自由裁量权裁量标准参照表》(2020年3月)，政府规范性文件（著作权法第五条）；"
    "从公开发布的文本整理（出处见随附的数据来源说明）。"
)

_CN = r"[零〇一二两三四五六七八九十百千万0-9.]+"
BASES = (
    ("总投资额", "total_investment"),
    ("违法所得", "illegal_income"),
    ("货值金额", "goods_value"),
    ("处置费用", "disposal_cost"),
    ("所收费用", "other"),
    ("直接经济损失", "other"),
    ("直接损失", "other"),
)
SHARE = re.compile(rf"百分之({_CN})(?:以上百分之({_CN})以下)?")
TIMES = re.compile(rf"({_CN})倍(?:以上({_CN})倍以下)?")
PER_UNIT = re.compile(r"每[^，。；]{0,12}倍")
NTH = re.compile(r"(?:两|二)年内第([0-9一二三四五六七八九十]+)次(以上)?")
AT_LEAST = re.compile(r"(?:两|二)年内(超过)?([0-9一二三四五六七八九十]+)次(以上)?")
AGAIN = re.compile(r"(?:两|二)年内再犯")


def _number(text: str) -> Decimal:
    if re.fullmatch(r"[0-9.]+", text):
        return Decimal(text)
    return Decimal(cn_to_int(text))


def _multiple(text: str) -> tuple[str, Decimal, Decimal] | None:
    """(base kind, low, high) multiples of a base stated in ``text``; None without one."""
    for words, kind in BASES:
        at = text.find(words)
        if at < 0:
            continue
        rest = text[at + len(words) : at + len(words) + 30]
        rest = rest.lstrip("的")
        if match := SHARE.match(rest):
            low = _number(match.group(1)) / 100
            high = _number(match.group(2)) / 100 if match.group(2) else low
            return kind, low, high
        if (match := TIMES.match(rest)) and not PER_UNIT.search(text):
            low = _number(match.group(1))
            high = _number(match.group(2)) if match.group(2) else low
            return kind, low, high
    return None


def parse_band(standard: str) -> tuple[str, str, Decimal | None, Decimal | None]:
    """(band kind, base kind, low, high) from a penalty standard."""
    ranges = [r for r in fine_ranges(standard) if r.stated]
    if ranges and not PER_UNIT.search(standard.split("罚款", 1)[0]):
        first = ranges[0]
        return "amount", "", first.minimum, first.maximum
    if multiple := _multiple(standard):
        kind, low, high = multiple
        return "multiple", kind, low, high
    return "none", "", None, None


def prior_offences(circumstance: str) -> tuple[int | None, int | None]:
    """(at least, at most) offences before this one within two years."""
    if match := NTH.search(circumstance):
        n = int(_number(match.group(1)))
        return (n - 1, None) if match.group(2) else (n - 1, n - 1)
    if match := AT_LEAST.search(circumstance):
        n = int(_number(match.group(2)))
        # “超过3次” and “3次以上” both count this offence among them.
        if match.group(1):
            return n, None
        if match.group(3):
            return n - 1, None
        return n - 1, n - 1
    if AGAIN.search(circumstance):
        return 1, None
    return None, None


def read_rows(path: Path = DATA) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def convert(rows: list[dict[str, str]]) -> list[ItemSpec]:
    items: dict[tuple[str, str], ItemSpec] = {}
    bases: dict[tuple[str, str], str] = {}
    standard_above: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row["sheet"], row["item_no"])
        item = items.get(key)
        if item is None:
            item = items[key] = ItemSpec(
                code=f"JM-{row['item_no']}",
                violation=row["violation"].strip(),
                legal_basis=row["legal_basis"].strip(),
                group=row["sheet"],
            )
        standard = row["penalty_standard"].strip() or standard_above.get(key, "")
        standard_above[key] = standard
        kind, base, low, high = parse_band(standard)
        if base:
            bases.setdefault(key, base)
        rank = int(Decimal(row["tier"]))
        at_least, at_most = prior_offences(row["circumstance"])
        note = row["note"].strip()
        item.tiers.append(
            TierSpec(
                rank=rank,
                label=f"第{rank}档",
                conditions=row["circumstance"].strip(),
                band_kind=kind,
                band_min=low,
                band_max=high,
                min_prior_offences=at_least,
                max_prior_offences=at_most,
                standard=standard + (f"\n备注：{note}" if note else ""),
            )
        )
    for key, item in items.items():
        item.base_kind = bases.get(key, "")
        _statutory_range(item)
    return list(items.values())


def _statutory_range(item: ItemSpec) -> None:
    """The legal basis' first stated range, kept only when it holds every amount band; the
    multiples of the base the basis states, when the item's bands are multiples."""
    amounts = [t for t in item.tiers if t.band_kind == "amount"]
    stated = [r for r in fine_ranges(item.legal_basis) if r.stated]
    if amounts and stated:
        low, high = stated[0].minimum, stated[0].maximum
        inside = all(
            (low is None or t.band_min is None or t.band_min >= low)
            and (t.band_max is not None and t.band_max <= high)
            for t in amounts
        )
        if inside:
            item.stat_min, item.stat_max = low, high
        else:
            item.note = "法定罚款幅度未能从依据文字中确定（依据原文截至300字，或先列个人的幅度）。"
    multiples = [t for t in item.tiers if t.band_kind == "multiple"]
    if multiples and item.base_kind and (found := _multiple(item.legal_basis)):
        kind, low, high = found
        if kind == item.base_kind and all(
            low <= t.band_min and t.band_max <= high for t in multiples
        ):
            item.base_multiple_min, item.base_multiple_max = low, high


def benchmark_spec(effective_from, path: Path = DATA) -> BenchmarkSpec:
    return BenchmarkSpec(
        code="jiangmen-eco-2020",
        title=TITLE,
        issuer=ISSUER,
        issuer_level="city",
        effective_from=effective_from,
        status="adopted",
        source=SOURCE,
        items=convert(read_rows(path)),
    )
