"""Reading a benchmark workbook (our own format, ``sources/columns.py``) into a
:class:`~.services.BenchmarkSpec`.

Three sheets: “基准” (字段 | 值), “事项与档次” (one row per tier; an item's own columns are
written on its first row and may be left empty on the rows below, or repeated unchanged) and
“裁量因素” (one row per factor level). Every row is checked; each problem names the sheet, the
row as Excel numbers it and the column. :func:`import_workbook` stores nothing when any row
has a problem (or when the benchmark breaks the law's or the superior's range, see
:mod:`.services`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from civicloop.core.errors import InvalidInput
from civicloop.core.spreadsheets import (
    CellError,
    RowCheck,
    SpreadsheetError,
    choice_lookup,
    is_blank,
    normalise_header,
    parse_choice,
    parse_date,
    parse_int,
    parse_number,
    parse_yes_no,
)
from civicloop.org.models import Region

from . import services
from .choices import BandKind, BaseKind, BenchmarkStatus, IssuerLevel, ItemMethod, PartyType
from .models import Benchmark
from .services import BenchmarkSpec, FactorSpec, ItemSpec, TierSpec
from .sources.columns import (
    FACTOR_FIELDS,
    FACTORS_SHEET,
    HEADER_FIELDS,
    HEADER_SHEET,
    ITEM_FIELDS,
    ITEM_LEVEL,
    ITEMS_SHEET,
    TIER_LEVEL,
)

MAX_ROWS = 20_000

PARTY_TYPES = choice_lookup(
    PartyType,
    {
        "person": ["个人", "自然人", "公民"],
        "organisation": ["单位", "法人", "组织", "企业"],
        "any": ["不分", "全部", "所有", ""],
    },
)
METHODS = choice_lookup(
    ItemMethod, {"tiers": ["档次", "分档", "档次表"], "factors": ["因素", "权重", "裁量因素"]}
)
BAND_KINDS = choice_lookup(
    BandKind,
    {
        "amount": ["金额", "元", "罚款金额"],
        "share": ["百分比", "比例", "法定幅度百分比"],
        "multiple": ["倍数", "基数倍数"],
        "none": ["无", "不罚款", "无罚款"],
    },
)
BASE_KINDS = choice_lookup(
    BaseKind,
    {
        "illegal_income": ["违法所得"],
        "total_investment": ["总投资额", "建设项目总投资额"],
        "goods_value": ["货值金额", "货值"],
        "disposal_cost": ["处置费用"],
        "statutory_maximum": ["法定最高额", "罚款上限"],
        "other": ["其他"],
    },
)
STATUSES = choice_lookup(
    BenchmarkStatus,
    {
        "starter": ["初始", "起步", "待采用"],
        "adopted": ["已采用", "施行", "现行"],
        "repealed": ["废止", "已废止"],
    },
)
LEVELS = choice_lookup(
    IssuerLevel,
    {
        "province": ["省", "省级"],
        "city": ["市", "市级", "设区的市"],
        "county": ["县", "县级", "区", "县（市、区）"],
        "town": ["乡镇", "镇", "街道", "乡镇（街道）"],
    },
)


@dataclass(frozen=True)
class Problem:
    """One bad cell (or a rule broken by the whole benchmark, with no sheet)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return self.message
        if not self.row:
            return _("Sheet “%(sheet)s”: %(message)s") % {
                "sheet": self.sheet,
                "message": self.message,
            }
        return _("Sheet “%(sheet)s”, row %(row)d, column “%(column)s”: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ReadResult:
    spec: BenchmarkSpec | None
    problems: list[Problem] = field(default_factory=list)
    benchmark: Benchmark | None = None

    @property
    def ok(self) -> bool:
        return self.spec is not None and not self.problems


# --- sheets ---------------------------------------------------------------------------------


def _lookup(fields: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {normalise_header(name): f for f, header in fields for name in (f, header)}


def _table(
    rows: list[list[Any]], fields: tuple[tuple[str, str], ...], sheet: str, problems: list[Problem]
) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, str]]:
    """The data rows of a sheet as {field: value}, with the header names as written."""
    lookup = _lookup(fields)
    header_index = next(
        (i for i, row in enumerate(rows[:10]) if any(not is_blank(c) for c in row)), None
    )
    if header_index is None:
        return [], {}
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, value in enumerate(rows[header_index]):
        if is_blank(value):
            continue
        name = lookup.get(normalise_header(value))
        if name is None:
            problems.append(
                Problem(
                    sheet,
                    header_index + 1,
                    str(value),
                    _("Unknown column. Accepted columns: %(names)s.")
                    % {"names": "、".join(h for _f, h in fields)},
                )
            )
            continue
        columns[name], headers[name] = index, str(value).strip()
    if "code" not in columns:
        problems.append(
            Problem(sheet, header_index + 1, fields[0][1], _("This required column is missing."))
        )
    data = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if all(is_blank(c) for c in row):
            continue
        data.append(
            (index + 1, {f: (row[i] if i < len(row) else None) for f, i in columns.items()})
        )
    if len(data) > MAX_ROWS:
        raise SpreadsheetError(
            _("Sheet “%(sheet)s” has %(n)d rows; import at most %(max)d at a time.")
            % {"sheet": sheet, "n": len(data), "max": MAX_ROWS}
        )
    return data, headers


def _problems(check: RowCheck, sheet: str) -> list[Problem]:
    return [Problem(sheet, e.row, e.column, e.message) for e in check.errors]


def _choice(check: RowCheck, name: str, lookup, accepted: str, *, default: str = "") -> str:
    if is_blank(check.cells.get(name)):
        return default
    return (
        check.cell(
            name,
            parse_choice,
            lookup,
            message=_("Unknown value “%(value)s”; write one of: %(accepted)s.")
            % {"value": check.text(name), "accepted": accepted},
        )
        or default
    )


def _yes_no_or_empty(value: Any) -> bool | None:
    return None if is_blank(value) else parse_yes_no(value)


def _number(check: RowCheck, name: str, **limits) -> Decimal | None:
    return check.cell(name, parse_number, **limits)


PARTY_NAMES = "person/个人、organisation/单位、any/不分"
METHOD_NAMES = "tiers/档次、factors/因素"
BAND_NAMES = "amount/金额、share/百分比、multiple/倍数、none/无"
BASE_NAMES = "、".join(v for v, _l in BaseKind.choices if v) + "（违法所得、总投资额、货值金额…）"


def parse_item_rows(
    rows: list[tuple[int, dict[str, Any]]], headers: dict[str, str], sheet: str = ITEMS_SHEET
) -> tuple[list[ItemSpec], list[Problem]]:
    """Rows of “事项与档次” into items with their tiers, in the order of their first row."""
    problems: list[Problem] = []
    items: dict[tuple[str, str], ItemSpec] = {}
    first_row: dict[tuple[str, str], dict[str, Any]] = {}
    previous_key = None
    for number, cells in rows:
        check = RowCheck(number, cells, headers)
        code = check.text("code")
        if not code:
            check.fail("code", _("Write the item code."))
            problems += _problems(check, sheet)
            continue
        # A tier row that leaves the party type empty continues the item above it.
        inherited = previous_key[1] if previous_key and previous_key[0] == code else "any"
        party = _choice(check, "party_type", PARTY_TYPES, PARTY_NAMES, default=inherited)
        key = (code, party)
        item = items.get(key)
        if item is None:
            violation = check.text("violation")
            if not violation:
                check.fail("violation", _("Write the violation on the item's first row."))
            method = _choice(check, "method", METHODS, METHOD_NAMES, default=ItemMethod.TIERS)
            item = ItemSpec(
                code=code,
                violation=violation,
                party_type=party,
                legal_basis=check.text("legal_basis"),
                group=check.text("group"),
                method=method,
                stat_min=_number(check, "stat_min", low=0),
                stat_max=_number(check, "stat_max", low=0),
                base_kind=_choice(check, "base_kind", BASE_KINDS, BASE_NAMES),
                base_multiple_min=_number(check, "base_multiple_min", low=0),
                base_multiple_max=_number(check, "base_multiple_max", low=0),
                start_percent=_number(check, "start_percent", low=0, high=100),
                cap_percent=(
                    _number(check, "cap_percent", low=0, high=1000)
                    if not is_blank(cells.get("cap_percent"))
                    else (Decimal(100) if method == ItemMethod.FACTORS else None)
                ),
                formula_note=check.text("formula_note"),
                note=check.text("note"),
            )
            items[key] = item
            first_row[key] = cells
        else:
            if previous_key != key:
                check.fail(
                    "code",
                    _("The rows of item %(code)s must be together; it already started above.")
                    % {"code": code},
                )
            # An item's own column is empty below its first row, or repeats it unchanged.
            for name in ITEM_LEVEL:
                value = check.text(name)
                if value and value != RowCheck(0, first_row[key]).text(name):
                    check.fail(
                        name, _("Differs from the item's first row; write the item's columns once.")
                    )
        previous_key = key
        if any(not is_blank(cells.get(name)) for name in TIER_LEVEL):
            tier = _tier(check)
            if tier is not None:
                item.tiers.append(tier)
        problems += _problems(check, sheet)
    return list(items.values()), problems


def _tier(check: RowCheck) -> TierSpec | None:
    rank = check.cell("tier_rank", parse_int, low=1, high=99)
    label = check.text("tier_label")
    if rank is None and check.ok:
        check.fail("tier_rank", _("Write the tier's rank (1 = lightest)."))
    if not label:
        check.fail("tier_label", _("Write the tier's name (e.g. 从轻处罚)."))
    kind = _choice(check, "band_kind", BAND_KINDS, BAND_NAMES, default=BandKind.AMOUNT)
    low = _number(check, "band_min", low=0)
    high = _number(check, "band_max", low=0)
    if low is not None and high is not None and low > high:
        check.fail("band_min", _("The band minimum is above its maximum."))
    if kind == BandKind.NONE and (low is not None or high is not None):
        check.fail("band_kind", _("A tier without a fine has no band; leave the band empty."))
    first = check.cell("first_offence", _yes_no_or_empty)
    corrected = check.cell("corrected", _yes_no_or_empty)
    at_least = check.cell("min_prior_offences", parse_int, low=0, high=99)
    at_most = check.cell("max_prior_offences", parse_int, low=0, high=99)
    if at_least is not None and at_most is not None and at_least > at_most:
        check.fail("min_prior_offences", _("At least is more than at most."))
    if not check.ok:
        return None
    return TierSpec(
        rank=rank,
        label=label,
        conditions=check.text("conditions"),
        band_kind=kind,
        band_min=low,
        band_max=high,
        first_offence=first,
        corrected=corrected,
        min_prior_offences=at_least,
        max_prior_offences=at_most,
        standard=check.text("standard"),
    )


def parse_factor_rows(
    rows: list[tuple[int, dict[str, Any]]],
    headers: dict[str, str],
    items: list[ItemSpec],
    sheet: str = FACTORS_SHEET,
) -> list[Problem]:
    """Rows of “裁量因素” attached to their items (levels in row order, factors by first use)."""
    problems: list[Problem] = []
    by_key = {(i.code, i.party_type): i for i in items}
    for number, cells in rows:
        check = RowCheck(number, cells, headers)
        code = check.text("code")
        party = _choice(check, "party_type", PARTY_TYPES, PARTY_NAMES, default="any")
        item = by_key.get((code, party))
        if item is None:
            check.fail(
                "code",
                _("No item %(code)s for this party type on sheet “%(sheet)s”.")
                % {"code": code, "sheet": ITEMS_SHEET},
            )
        name = check.text("factor")
        level = check.text("level")
        if not name:
            check.fail("factor", _("Write the factor (裁量要素)."))
        if not level:
            check.fail("level", _("Write the level (违法程度)."))
        weight = check.cell("weight_percent", _percent)
        if weight is None and check.ok:
            check.fail("weight_percent", _("Write the weight in percent."))
        if check.ok:
            factor = next((f for f in item.factors if f.name == name), None)
            if factor is None:
                factor = FactorSpec(name)
                item.factors.append(factor)
            factor.levels.append((level, weight))
        problems += _problems(check, sheet)
    return problems


def _percent(value: Any) -> Decimal | None:
    """5, “5%”, or 0.05 from a cell Excel formats as a percentage is not guessed: 5 means 5 %."""
    if isinstance(value, str):
        value = re.sub(r"[%％\s]", "", value)
    return parse_number(value, low=0, high=1000)


def parse_header(
    rows: list[list[Any]], problems: list[Problem], sheet: str = HEADER_SHEET
) -> dict[str, Any]:
    lookup = _lookup(HEADER_FIELDS)
    values: dict[str, Any] = {}
    rownum: dict[str, int] = {}
    for index, row in enumerate(rows, start=1):
        if not row or is_blank(row[0]):
            continue
        name = lookup.get(normalise_header(row[0]))
        if name is None:
            if normalise_header(row[0]) in ("字段", "field"):
                continue
            problems.append(
                Problem(
                    sheet,
                    index,
                    str(row[0]),
                    _("Unknown field. Accepted: %(names)s.")
                    % {"names": "、".join(h for _f, h in HEADER_FIELDS)},
                )
            )
            continue
        values[name] = row[1] if len(row) > 1 else None
        rownum[name] = index
    headers = dict(HEADER_FIELDS)

    def fail(name, message):
        problems.append(Problem(sheet, rownum.get(name, 0), headers[name], str(message)))

    result: dict[str, Any] = {}
    check = RowCheck(0, values, headers)
    for name in ("code", "title", "issuer"):
        result[name] = check.text(name)
        if not result[name]:
            fail(name, _("This field is required."))
    if result["code"] and not re.fullmatch(r"[-a-zA-Z0-9_]+", result["code"]):
        fail("code", _("Use letters, digits and hyphens only (e.g. haiyan-starter)."))
    result["document_number"] = check.text("document_number")
    result["source"] = check.text("source")
    for name in ("effective_from", "effective_until"):
        try:
            result[name] = parse_date(values.get(name))
        except CellError as exc:
            fail(name, exc.message)
            result[name] = False  # reported; not “missing” as well
    if result["effective_from"] is None:
        fail("effective_from", _("This field is required."))
    for name, lookup_, accepted, default in (
        ("status", STATUSES, "starter/adopted/repealed", BenchmarkStatus.ADOPTED),
        ("issuer_level", LEVELS, "province/city/county/town（省/市/县/乡镇）", IssuerLevel.COUNTY),
    ):
        text = check.text(name)
        found = lookup_.get(re.sub(r"[\s/／·\-_]", "", text).lower()) if text else default
        if found is None:
            fail(
                name,
                _("Unknown value “%(value)s”; write one of: %(accepted)s.")
                % {"value": text, "accepted": accepted},
            )
        result[name] = found or default
    region_text = check.text("region")
    result["region"] = None
    if region_text:
        region = (
            Region.objects.filter(code=region_text).first()
            or Region.objects.filter(name=region_text).first()
        )
        if region is None:
            fail("region", _("No area with code or name “%(value)s”.") % {"value": region_text})
        result["region"] = region
    superior_text = check.text("superior")
    result["superior"] = None
    if superior_text:
        match = re.fullmatch(r"\s*([-a-zA-Z0-9_]+)\s*(?:[vV:：#]\s*(\d+))?\s*", superior_text)
        superior = None
        if match:
            found = Benchmark.objects.filter(code=match.group(1))
            if match.group(2):
                found = found.filter(version=int(match.group(2)))
            superior = found.order_by("-version").first()
        if superior is None:
            fail(
                "superior",
                _("No benchmark “%(value)s” (write its code, or code v2 for a version).")
                % {"value": superior_text},
            )
        result["superior"] = superior
    version = check.text("version")
    result["version"] = None
    if version:
        try:
            result["version"] = parse_int(values.get("version"), low=1)
        except CellError as exc:
            fail("version", exc.message)
    return result


# --- whole workbook -------------------------------------------------------------------------


def _sheet_rows(workbook, name: str) -> list[list[Any]] | None:
    if name not in workbook.sheetnames:
        return None
    return [list(row) for row in workbook[name].iter_rows(values_only=True)]


def read_workbook(data: bytes, name: str = "benchmark.xlsx") -> ReadResult:
    """Check every sheet and row; the spec when all is well (its rows may still break a
    range rule, which :func:`services.validate` reports)."""
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            _("%(path)s is not an Excel workbook (.xlsx); export a benchmark to see the format.")
            % {"path": name}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged zip
        raise SpreadsheetError(
            _("%(path)s cannot be read as an Excel workbook (%(error)s).")
            % {"path": name, "error": exc}
        ) from exc
    try:
        sheets = {s: _sheet_rows(workbook, s) for s in (HEADER_SHEET, ITEMS_SHEET, FACTORS_SHEET)}
    finally:
        workbook.close()
    problems: list[Problem] = []
    for sheet in (HEADER_SHEET, ITEMS_SHEET):
        if sheets[sheet] is None:
            problems.append(Problem(sheet, 0, "", _("The workbook has no sheet with this name.")))
    if problems:
        return ReadResult(None, problems)
    header = parse_header(sheets[HEADER_SHEET], problems)
    rows, headers = _table(sheets[ITEMS_SHEET], ITEM_FIELDS, ITEMS_SHEET, problems)
    items, item_problems = parse_item_rows(rows, headers)
    problems += item_problems
    if not rows:
        problems.append(Problem(ITEMS_SHEET, 0, "", _("The sheet has no items.")))
    if sheets[FACTORS_SHEET]:
        f_rows, f_headers = _table(sheets[FACTORS_SHEET], FACTOR_FIELDS, FACTORS_SHEET, problems)
        problems += parse_factor_rows(f_rows, f_headers, items)
    if problems:
        return ReadResult(None, problems)
    return ReadResult(
        BenchmarkSpec(
            code=header["code"],
            title=header["title"],
            issuer=header["issuer"],
            effective_from=header["effective_from"],
            issuer_level=header["issuer_level"],
            document_number=header["document_number"],
            region=header["region"],
            superior=header["superior"],
            status=header["status"],
            effective_until=header["effective_until"],
            source=header["source"],
            items=items,
        ),
        [],
    )


def import_workbook(data: bytes, *, name: str = "benchmark.xlsx", by=None) -> ReadResult:
    """Read and store a workbook as the next version of its benchmark; with problems nothing
    is stored and ``result.problems`` says what to fix. The stored benchmark is ``result.benchmark``."""
    result = read_workbook(data, name)
    if not result.ok:
        return result
    try:
        result.benchmark = services.create_version(
            result.spec, by=by, action="imported", reason=name
        )
    except InvalidInput as exc:
        result.problems = [Problem("", 0, "", line) for line in str(exc.message).split("\n")]
    return result
