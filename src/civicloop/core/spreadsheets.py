"""Spreadsheets in and out: every import reads its file here, every export writes its cells here.

Reading (events, the matter catalog, the 一免一减 list):

1. :func:`read_table` recognises the file from its bytes (Excel .xlsx, or CSV in UTF-8,
   UTF-16 or GB18030 as Chinese Excel writes it — never trusting the name), finds the
   header row (a title row above it is skipped) and maps each header, in Chinese or
   English, to a :class:`Column`. Anything wrong with the file *as a whole* raises
   :class:`SpreadsheetError` with a message saying what to do.
2. Each app checks its rows with a :class:`RowCheck`: the typed parsers below
   (:func:`parse_date`, :func:`parse_datetime`, :func:`parse_number`,
   :func:`parse_yes_no`, :func:`parse_choice`) raise :class:`CellError`, which the
   check records as a :class:`RowError` naming the row (as the spreadsheet numbers it)
   and the column (as the file writes it). Apps store nothing while any row has an
   error — that decision stays with each app's ``import_*`` function.

Writing: :func:`cell` is the one cell formatter (dates, times, decimals, empty values,
choices' labels, long text, and formula-like text kept as plain text so a crafted value
cannot run when the file is opened); :func:`append_header` and :func:`append_row` write
whole rows with it.

Messages are translatable (English msgids, ``zh-hans`` catalogue). Header names and
value synonyms are data, not UI text: they are what people type into spreadsheets.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db.models import Choices
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter


class SpreadsheetError(Exception):
    """The file as a whole cannot be imported (type, encoding, headers, no rows, too many)."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = str(message)


class CellError(Exception):
    """One cell's value cannot be used; the message says what to write instead."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Column:
    """A column an import reads: its field, its Chinese header, other names people use."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    help: str | Promise = ""
    required: bool = False
    imported: bool = True  # informational columns of an export are read and ignored

    @property
    def label(self) -> str:
        return f"{self.header}/{self.field}"


def normalise_header(text: Any) -> str:
    """“经度（WGS-84）”, “发生时间(年-月-日)”, “*描述” → “经度”, “发生时间”, “描述”."""
    value = str(text or "").strip().lower()
    value = re.sub(r"[（(\[【].*?[）)\]】]", "", value)
    return re.sub(r"[\s*＊:：_\-]", "", value)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text: integral numbers without “.0” (Excel stores phone numbers and codes as
    numbers), dates as ISO dates, a date and time at midnight as the date alone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --- reading a file ------------------------------------------------------------------------


@dataclass
class Table:
    """The header row mapped to fields, and the data rows with their spreadsheet numbers."""

    columns: dict[str, int]  # field → index
    headers: dict[str, str]  # field → header as written in the file
    header_row: int
    rows: list[tuple[int, list[Any]]]
    kind: str  # "xlsx" or "csv"
    encoding: str = ""

    def cells(self, row: list[Any], *, fields: Iterable[str] | None = None) -> dict[str, Any]:
        """``row`` as {field: value} for the mapped columns (or only ``fields``)."""
        wanted = self.columns if fields is None else {f: self.columns[f] for f in fields}
        return {name: (row[i] if i < len(row) else None) for name, i in wanted.items()}


@dataclass(frozen=True)
class TableSpec:
    """What one import reads: its columns, its row limit, and how it says "no rows"."""

    columns: tuple[Column, ...]
    max_rows: int
    # e.g. "%(path)s has a header row but no events below it." (a lazy msgid)
    no_rows_message: str | Promise
    lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        lookup = {
            normalise_header(name): column.field
            for column in self.columns
            for name in (column.field, column.header, *column.aliases)
        }
        object.__setattr__(self, "lookup", lookup)

    def accepted_headers(self) -> str:
        return "、".join(c.label for c in self.columns if c.imported)

    def column(self, field_name: str) -> Column | None:
        return next((c for c in self.columns if c.field == field_name), None)


def read_path(path: str | Path, spec: TableSpec) -> Table:
    """Read the file at ``path`` (see :func:`read_table`)."""
    path = Path(path)
    if not path.exists():
        raise SpreadsheetError(_("The file %(path)s does not exist.") % {"path": path})
    if not path.is_file():
        raise SpreadsheetError(_("%(path)s is not a file.") % {"path": path})
    return read_table(path.read_bytes(), path.name, spec)


def read_table(data: bytes, name: str, spec: TableSpec) -> Table:
    """Read an uploaded or stored file's bytes and map its header row to ``spec``'s columns."""
    raw_rows, kind, encoding = read_rows(data, name)
    return _map_headers(raw_rows, spec, kind=kind, encoding=encoding, name=name)


def read_rows(data: bytes, name: str) -> tuple[list[list[Any]], str, str]:
    """The cells of the first sheet (or the CSV file), its kind and its text encoding."""
    if not data.strip():
        raise SpreadsheetError(_("The file %(path)s is empty.") % {"path": name})
    suffix = Path(name).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _(
                "%(path)s is an old-style Excel (.xls) or other Office file, not an Excel "
                "workbook (.xlsx). Open it in Excel or WPS and save it as .xlsx or as CSV."
            )
            % {"path": name}
        )
    if data.startswith(b"PK\x03\x04"):
        if suffix not in (".xlsx", ".xlsm", ""):
            raise SpreadsheetError(
                _("%(path)s is not a spreadsheet: use an Excel workbook (.xlsx) or a CSV file.")
                % {"path": name}
            )
        return _xlsx_rows(data, name), "xlsx", ""
    if suffix in (".xlsx", ".xlsm"):
        raise SpreadsheetError(
            _("%(path)s is named .xlsx but is not an Excel workbook.") % {"path": name}
        )
    if suffix in (".csv", ".txt", ".tsv", ""):
        text, encoding = _decode(data, name)
        return _csv_rows(text), "csv", encoding
    raise SpreadsheetError(
        _("%(path)s: files of type “%(suffix)s” cannot be imported; use .xlsx or .csv.")
        % {"path": name, "suffix": suffix}
    )


def _xlsx_rows(data: bytes, name: str) -> list[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign zip
        raise SpreadsheetError(
            _("%(path)s cannot be read as an Excel workbook (%(error)s).")
            % {"path": name, "error": exc}
        ) from exc
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 as Chinese Excel writes it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding, errors="strict"), encoding
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _("The text encoding of %(path)s is not recognised. Save it as “CSV UTF-8” and try again.")
        % {"path": name}
    )


def _csv_rows(text: str) -> list[list[Any]]:
    if "\x00" in text:
        raise SpreadsheetError(_("The file is not a text (CSV) file."))
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    # Comma, tab or semicolon: whichever the header line uses most.
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        raise SpreadsheetError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _map_headers(
    raw_rows: list[list[Any]], spec: TableSpec, *, kind: str, encoding: str, name: str
) -> Table:
    # The header is the first row naming at least two known columns (a title row above
    # it, like “海盐县民情线索导入表”, is skipped); failing that, the first non-empty row
    # when it names a known column, so its unknown names can be reported.
    header_index = next(
        (
            index
            for index, row in enumerate(raw_rows[:10])
            if sum(1 for cell in row if normalise_header(cell) in spec.lookup) >= 2
        ),
        None,
    )
    if header_index is None:
        first = next(
            (i for i, row in enumerate(raw_rows) if any(not is_blank(c) for c in row)), None
        )
        if first is not None and any(normalise_header(c) in spec.lookup for c in raw_rows[first]):
            header_index = first
    if header_index is None:
        raise SpreadsheetError(
            _("No header row found in %(path)s. Accepted columns: %(accepted)s.")
            % {"path": name, "accepted": spec.accepted_headers()}
        )
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[str] = []
    blank_columns: list[int] = []
    for index, cell in enumerate(raw_rows[header_index]):
        if is_blank(cell):
            blank_columns.append(index)
            continue
        written = str(cell).strip()
        field_name = spec.lookup.get(normalise_header(cell))
        if field_name is None:
            unknown.append(written)
        elif field_name in columns:
            raise SpreadsheetError(
                _("Two columns mean the same thing: “%(a)s” and “%(b)s”. Keep one.")
                % {"a": headers[field_name], "b": written}
            )
        else:
            columns[field_name], headers[field_name] = index, written
    if unknown:
        raise SpreadsheetError(
            _("Unknown column(s) in row %(row)d: %(names)s. Accepted columns: %(accepted)s.")
            % {
                "row": header_index + 1,
                "names": "、".join(f"“{u}”" for u in unknown),
                "accepted": spec.accepted_headers(),
            }
        )
    missing = [c for c in spec.columns if c.required and c.field not in columns]
    if missing:
        raise SpreadsheetError(
            _("Required column(s) missing: %(names)s.")
            % {"names": "、".join(c.label for c in missing)}
        )
    rows: list[tuple[int, list[Any]]] = []
    for index in range(header_index + 1, len(raw_rows)):
        row = raw_rows[index]
        if all(is_blank(c) for c in row):
            continue
        for blank in blank_columns:
            if blank < len(row) and not is_blank(row[blank]):
                raise SpreadsheetError(
                    _("Column %(column)d has data (row %(row)d) but no header.")
                    % {"column": blank + 1, "row": index + 1}
                )
        rows.append((index + 1, row))
    if not rows:
        raise SpreadsheetError(spec.no_rows_message % {"path": name})
    if len(rows) > spec.max_rows:
        raise SpreadsheetError(
            _("%(path)s has %(n)d rows; import at most %(max)d at a time.")
            % {"path": name, "n": len(rows), "max": spec.max_rows}
        )
    return Table(
        columns=columns,
        headers=headers,
        header_row=header_index + 1,
        rows=rows,
        kind=kind,
        encoding=encoding,
    )


# --- checking rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A problem in one cell: the row as the spreadsheet numbers it, the column as the file
    names it, the value found (shortened) and what to fix."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:  # a problem with the whole file
            return self.message
        return _("Row %(row)d, column “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def write_error_report(path: str | Path, errors: Iterable[RowError]) -> None:
    """The problems as a CSV file that opens in Chinese Excel (UTF-8 with BOM)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([_("row"), _("column"), _("value"), _("problem")])
        for error in errors:
            writer.writerow([error.row or "", error.column, error.value, error.message])


@dataclass
class RowCheck:
    """Collects every problem of one row; ``headers`` maps a field to the column name shown."""

    row: int
    cells: Mapping[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def fail(self, field_name: str, message: str | Promise, *, value: str | None = None) -> None:
        shown = cell_text(self.cells.get(field_name))[:80] if value is None else value
        self.errors.append(
            RowError(self.row, self.headers.get(field_name, field_name), shown, str(message))
        )

    def cell(self, field_name: str, parse: Callable[..., Any], *args, **kwargs) -> Any:
        """``parse`` the field's cell; on a CellError record it and return None."""
        try:
            return parse(self.cells.get(field_name), *args, **kwargs)
        except CellError as exc:
            self.fail(field_name, exc.message)
            return None

    def text(self, field_name: str) -> str:
        return cell_text(self.cells.get(field_name))

    @property
    def ok(self) -> bool:
        return not self.errors


# --- typed cell parsers (each returns None for an empty cell) ------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y年%m月%d日 %H时%M分",
    "%Y年%m月%d日%H时%M分",
    *_DATE_FORMATS,
)


def _excel_serial(value: Any) -> bool:
    # An Excel serial date (days since 1899-12-30) that reached us through a CSV file.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000


def parse_date(value: Any) -> dt.date | None:
    """An Excel date, 2026-07-01, 2026/7/1, 2026.7.1, 20260701 or 2026年7月1日."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if _excel_serial(value):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date (write e.g. 2026-07-01).") % {"value": text})


def parse_datetime(value: Any) -> dt.datetime | None:
    """A date/time cell (Excel date, ISO text, 2026/3/1 8:30, 2026年3月1日…) as an aware
    datetime in the current time zone."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(0))
    elif _excel_serial(value):
        parsed = dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))
    else:
        text = re.sub(r"\s+", " ", str(value).strip().replace("T", " "))
        parsed = None
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            for fmt in _DATETIME_FORMATS:
                try:
                    parsed = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise CellError(
                _("“%(value)s” is not a date and time (write e.g. 2026-03-01 08:30).")
                % {"value": text}
            )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def parse_number(value: Any, *, low: float | None = None, high: float | None = None):
    """A number (as a Decimal), optionally within ``low``–``high``."""
    shown = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    text = cell_text(value) if shown is None else str(value)
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text})
    if (low is not None and number < Decimal(str(low))) or (
        high is not None and number > Decimal(str(high))
    ):
        raise CellError(
            _("%(value)s is out of range (%(low)s to %(high)s).")
            % {"value": shown if shown is not None else text, "low": low, "high": high}
        )
    return number


def parse_int(value: Any, *, low: int | None = None, high: int | None = None) -> int | None:
    number = parse_number(value, low=low, high=high)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": cell_text(value)})
    return int(number)


YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
NO = frozenset({"否", "n", "no", "false", "0", ""})


def parse_yes_no(value: Any, *, yes: Iterable[str] = (), no: Iterable[str] = ()) -> bool:
    """是/否 (yes/no, 1/0, √); ``yes``/``no`` add an import's own words (e.g. 匿名/实名)."""
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in YES or text in set(yes):
        return True
    if text in NO or text in set(no):
        return False
    raise CellError(_("Write 是 or 否, not “%(value)s”.") % {"value": text})


def choice_key(text: Any) -> str:
    """How a value written in a cell is compared with a list of choices."""
    return re.sub(r"[\s/／·\-_]", "", str(text or "")).lower()


def choice_lookup(
    choices: type[Choices] | None = None, synonyms: Mapping[str, Iterable[str]] | None = None
) -> dict[str, str]:
    """{written form: value} from a Choices class (its values and labels) and synonyms."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices if choices is not None else ():
        lookup[choice_key(value)] = value
        lookup[choice_key(label)] = value
    for value, words in (synonyms or {}).items():
        for word in (value, *words):
            lookup.setdefault(choice_key(word), value)
    return lookup


def parse_choice(
    value: Any, lookup: Mapping[str, str], *, message: str | Promise = "", required: bool = False
) -> str:
    """The choice ``value`` names ("" for an empty cell unless ``required``); a CellError with
    ``message`` (e.g. one listing the accepted values) for an unknown or missing one."""
    text = cell_text(value)
    found = lookup.get(choice_key(text)) if text else ""
    if found is None or (required and not found):
        raise CellError(message or _("Unknown value “%(value)s”.") % {"value": text})
    return found


# --- writing -------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@")
LONG_TEXT = 30  # characters; longer text wraps when the caller asks for it


def cell(
    sheet,
    value: Any,
    *,
    bold: bool = False,
    wrap: bool | None = False,
    percent: bool = False,
) -> WriteOnlyCell:
    """One cell of a write-only sheet, formatted the same way in every export: yes/no for
    booleans (in the active language), a choice's label, whole decimals as integers.

    ``wrap=None`` wraps long text only (and aligns every cell to the top)."""
    if isinstance(value, bool):
        value = _("yes") if value else _("no")
    elif isinstance(value, Choices):
        value = str(value.label)
    elif isinstance(value, Promise):
        value = str(value)
    elif isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    elif isinstance(value, dt.datetime) and timezone.is_aware(value):
        # Excel has no time zones: write the local wall-clock time.
        value = timezone.localtime(value).replace(tzinfo=None)
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        result.data_type = "s"  # shown as text, never run as a formula
    if isinstance(value, dt.datetime):
        result.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        result.number_format = "yyyy-mm-dd"
    if percent:
        result.number_format = "0.0%"
    if bold:
        result.font = Font(bold=True)
    if wrap:
        result.alignment = Alignment(wrap_text=True, vertical="top")
    elif wrap is None:
        long = isinstance(value, str) and len(value) > LONG_TEXT
        result.alignment = Alignment(vertical="top", wrap_text=long)
    return result


def append_row(sheet, values: Iterable[Any], **style) -> None:
    sheet.append([cell(sheet, value, **style) for value in values])


def append_header(
    sheet, headers: Iterable[Any], *, widths: Sequence[int] = (), freeze: str = "A2"
) -> None:
    """Column widths, a frozen header and the bold header row (call before any other row)."""
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    if freeze:
        sheet.freeze_panes = freeze
    append_row(sheet, headers, bold=True)
