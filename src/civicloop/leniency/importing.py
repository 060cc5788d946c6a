"""Importing the "一免一减" list from Excel (.xlsx) or CSV — check every row, then store all or
nothing (as the matter catalog does).

A row whose code is new creates an item (its first version from the row's
``effective_from``, or the import's date); a row of a known item whose content (circumstance,
conditions, legal basis, basis text, document number) changed becomes a new version; an
unchanged row is left alone. An item's matter and kind never change (give a new code).
The columns are those :mod:`exporting` writes, so an exported list imports back unchanged.
Headers may be English or Chinese; kinds and bases too (``免罚``, ``减轻``, ``从轻``…).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.matters.importing import CellError, RowError, parse_date
from civicloop.matters.models import Matter

from . import services
from .choices import ItemKind, LegalBasis
from .models import LeniencyItem

MAX_ROWS = 2000


class ListFileError(Exception):
    """The file as a whole cannot be read as the list."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    aliases: tuple[str, ...]
    help: object
    required: bool = False
    imported: bool = True


COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        "编号",
        ("事项编号", "清单编号"),
        gettext_lazy("the item's code, e.g. MF-ZD-001"),
        required=True,
    ),
    Column(
        "matter",
        "执法事项编码",
        ("事项编码", "执法事项"),
        gettext_lazy("the matter's code, e.g. ZD-001"),
        required=True,
    ),
    Column(
        "kind",
        "类型",
        ("类别", "清单类型"),
        gettext_lazy("exemption / reduced / lighter (免罚 / 减轻 / 从轻)"),
        required=True,
    ),
    Column(
        "title",
        "适用情形",
        ("情形", "违法情形"),
        gettext_lazy("the circumstance the item covers"),
        required=True,
    ),
    Column(
        "conditions",
        "适用条件",
        ("条件",),
        gettext_lazy(
            "structured conditions, e.g. first_violation=2; harm=minor; corrected_in_time"
        ),
        required=True,
    ),
    Column(
        "legal_basis",
        "依据类型",
        ("法律依据类型",),
        gettext_lazy("art33_minor / art33_first / art32 / local"),
        required=True,
    ),
    Column(
        "basis_text",
        "依据条款",
        ("法律依据", "依据"),
        gettext_lazy("e.g. 《行政处罚法》第三十三条第一款"),
    ),
    Column(
        "document_number",
        "清单文号",
        ("文号", "发文字号"),
        gettext_lazy("the local list's document number (required for local items)"),
    ),
    Column(
        "effective_from",
        "生效日期",
        ("施行日期",),
        gettext_lazy("from when (default: the import's date)"),
    ),
    Column("note", "备注", ("说明",), gettext_lazy("note")),
    Column(
        "matter_name",
        "事项名称",
        (),
        gettext_lazy("(export only) the matter's name"),
        imported=False,
    ),
    Column("version", "版本", (), gettext_lazy("(export only) the version number"), imported=False),
    Column(
        "in_force",
        "现行有效",
        (),
        gettext_lazy("(export only) in force on the export date"),
        imported=False,
    ),
)
REQUIRED = [c for c in COLUMNS if c.required]
KIND_WORDS = {
    "exemption": ItemKind.EXEMPTION,
    "免罚": ItemKind.EXEMPTION,
    "首违不罚": ItemKind.EXEMPTION,
    "不予处罚": ItemKind.EXEMPTION,
    "轻微不罚": ItemKind.EXEMPTION,
    "reduced": ItemKind.REDUCED,
    "减轻": ItemKind.REDUCED,
    "减轻处罚": ItemKind.REDUCED,
    "lighter": ItemKind.LIGHTER,
    "从轻": ItemKind.LIGHTER,
    "从轻处罚": ItemKind.LIGHTER,
}
BASIS_WORDS = {
    **{b: b for b in LegalBasis.values},
    "第三十三条第一款首违": LegalBasis.ART33_FIRST,
    "首违不罚": LegalBasis.ART33_FIRST,
    "轻微不罚": LegalBasis.ART33_MINOR,
    "第三十二条": LegalBasis.ART32,
    "地方清单": LegalBasis.LOCAL,
    "本地清单": LegalBasis.LOCAL,
}


def _normalise(text: Any) -> str:
    value = str(text or "").strip().lower()
    value = re.sub(r"[（(\[【].*?[）)\]】]", "", value)
    return re.sub(r"[\s*＊:：\-]", "", value)


HEADER_LOOKUP = {
    _normalise(name): c.field for c in COLUMNS for name in (c.field, c.header, *c.aliases)
}


def accepted_headers() -> str:
    return "、".join(f"{c.field}/{c.header}" for c in COLUMNS if c.imported)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class ListTable:
    columns: dict[str, int]
    header_row: int
    rows: list[tuple[int, list[Any]]]


def _raw_rows(data: bytes, name: str) -> list[list[Any]]:
    if data.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged or foreign zip
            raise ListFileError(
                _("%(path)s cannot be read as an Excel workbook (%(error)s).")
                % {"path": name, "error": exc}
            ) from exc
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    if name.lower().endswith((".xlsx", ".xls", ".xlsm")) or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ListFileError(
            _("%(path)s is not an Excel workbook (.xlsx); save it as .xlsx or CSV.")
            % {"path": name}
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ListFileError(
            _(
                "The text encoding of %(path)s is not recognised. Save it as “CSV UTF-8” "
                "and try again."
            )
            % {"path": name}
        )
    if "\x00" in text:
        raise ListFileError(_("The file is not a text (CSV) file."))
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]


def read_list(data: bytes, name: str) -> ListTable:
    if not data.strip():
        raise ListFileError(_("The file %(path)s is empty.") % {"path": name})
    raw = _raw_rows(data, name)
    header_index = next(
        (
            i
            for i, row in enumerate(raw[:10])
            if sum(1 for cell in row if _normalise(cell) in HEADER_LOOKUP) >= 2
        ),
        None,
    )
    if header_index is None:
        raise ListFileError(
            _("No header row found in %(path)s. Accepted columns: %(accepted)s.")
            % {"path": name, "accepted": accepted_headers()}
        )
    columns: dict[str, int] = {}
    unknown = []
    for index, cell in enumerate(raw[header_index]):
        if _blank(cell):
            continue
        field_name = HEADER_LOOKUP.get(_normalise(cell))
        if field_name is None:
            unknown.append(str(cell).strip())
        elif field_name in columns:
            raise ListFileError(
                _("Two columns mean the same thing: “%(name)s”. Keep one.") % {"name": cell}
            )
        else:
            columns[field_name] = index
    if unknown:
        raise ListFileError(
            _("Unknown column(s): %(names)s. Accepted columns: %(accepted)s.")
            % {"names": "、".join(unknown), "accepted": accepted_headers()}
        )
    missing = [c for c in REQUIRED if c.field not in columns]
    if missing:
        raise ListFileError(
            _("Required column(s) missing: %(names)s.")
            % {"names": "、".join(f"{c.field}/{c.header}" for c in missing)}
        )
    rows = [
        (i + 1, row)
        for i, row in enumerate(raw)
        if i > header_index and not all(_blank(c) for c in row)
    ]
    if not rows:
        raise ListFileError(_("%(path)s has a header row but no items below it.") % {"path": name})
    if len(rows) > MAX_ROWS:
        raise ListFileError(
            _("%(path)s has %(n)d rows; import at most %(max)d at a time.")
            % {"path": name, "n": len(rows), "max": MAX_ROWS}
        )
    return ListTable(columns=columns, header_row=header_index + 1, rows=rows)


def read_list_file(path: str | Path) -> ListTable:
    path = Path(path)
    if not path.is_file():
        raise ListFileError(_("The file %(path)s does not exist.") % {"path": path})
    return read_list(path.read_bytes(), path.name)


# --- checking and storing ----------------------------------------------------------------------


class Action:
    CREATE = "create"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"


@dataclass
class CheckedRow:
    row: int
    code: str = ""
    action: str = ""
    matter: Matter | None = None
    kind: str = ""
    content: services.VersionData | None = None
    effective_from: dt.date | None = None
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[CheckedRow]
    stored: bool = False

    @property
    def errors(self) -> list[RowError]:
        return [e for row in self.rows for e in row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def _header(field_name: str) -> str:
    column = next(c for c in COLUMNS if c.field == field_name)
    return f"{column.field}/{column.header}"


def check_rows(table: ListTable, *, effective_from: dt.date) -> list[CheckedRow]:
    matters = {m.code: m for m in Matter.objects.all()}
    items = {i.code: i for i in LeniencyItem.objects.select_related("matter")}
    seen: dict[str, int] = {}
    checked = []
    for number, raw in table.rows:
        cells = {
            name: (raw[index] if index < len(raw) else None)
            for name, index in table.columns.items()
        }
        row = CheckedRow(row=number)

        def fail(field_name: str, message, row=row, cells=cells) -> None:
            row.errors.append(
                RowError(
                    row.row,
                    _header(field_name),
                    _cell_text(cells.get(field_name))[:80],
                    str(message),
                )
            )

        row.code = _cell_text(cells.get("code")).upper()
        if row.code in seen:
            fail("code", _("The code is also on row %(row)d.") % {"row": seen[row.code]})
        seen.setdefault(row.code, number)
        row.matter = matters.get(_cell_text(cells.get("matter")).upper())
        if row.matter is None:
            fail("matter", _("No matter with this code in the catalog."))
        row.kind = KIND_WORDS.get(_cell_text(cells.get("kind")).lower(), "")
        if not row.kind:
            fail("kind", _("Write exemption, reduced or lighter (免罚, 减轻, 从轻)."))
        basis = BASIS_WORDS.get(_cell_text(cells.get("legal_basis")).lower(), "")
        if not basis:
            fail("legal_basis", _("Write art33_minor, art33_first, art32 or local."))
        try:
            row.effective_from = parse_date(cells.get("effective_from")) or effective_from
        except CellError as exc:
            fail("effective_from", exc.message)
        row.content = services.VersionData(
            title=_cell_text(cells.get("title")),
            conditions=_cell_text(cells.get("conditions")),
            legal_basis=basis,
            basis_text=_cell_text(cells.get("basis_text")),
            document_number=_cell_text(cells.get("document_number")),
            note=_cell_text(cells.get("note")),
        )
        if row.errors:
            checked.append(row)
            continue
        item = items.get(row.code)
        try:
            if item is None:
                services.check_new_item(code=row.code, matter=row.matter, kind=row.kind)
                row.action = Action.CREATE
            else:
                if item.matter_id != row.matter.pk or item.kind != row.kind:
                    fail(
                        "code",
                        _(
                            "This code belongs to an item of %(matter)s (%(kind)s); a different matter "
                            "or kind needs a new code."
                        )
                        % {"matter": item.matter.code, "kind": ItemKind(item.kind).label},
                    )
                    checked.append(row)
                    continue
                cleaned = services.clean_version_data(row.kind, row.content)
                latest = item.latest_version()
                same = latest is not None and latest.content() == {
                    k: cleaned[k] for k in latest.content()
                }
                if same:
                    row.action = Action.UNCHANGED
                else:
                    if latest is not None and row.effective_from <= latest.effective_from:
                        fail(
                            "effective_from",
                            _("A new version starts after the current one (from %(date)s).")
                            % {"date": latest.effective_from},
                        )
                    row.action = Action.NEW_VERSION
            services.clean_version_data(row.kind, row.content)
        except DomainError as exc:
            fail(
                exc.field
                if exc.field in table.columns or exc.field in {c.field for c in COLUMNS}
                else "code",
                exc.message,
            )
        checked.append(row)
    return checked


def import_list(
    table: ListTable, *, by, effective_from: dt.date, dry_run: bool = False, system: bool = False
) -> ImportResult:
    """Check every row; store them all (one transaction) only when none has a problem."""
    if not system:
        services.check_maintainer(by, False)
    rows = check_rows(table, effective_from=effective_from)
    result = ImportResult(rows=rows)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for row in rows:
            if row.action == Action.CREATE:
                services.create_item(
                    by=by,
                    code=row.code,
                    matter=row.matter,
                    kind=row.kind,
                    content=row.content,
                    effective_from=row.effective_from,
                    system=system,
                )
            elif row.action == Action.NEW_VERSION:
                services.add_version(
                    LeniencyItem.objects.get(code=row.code),
                    by=by,
                    content=row.content,
                    effective_from=row.effective_from,
                    system=system,
                    reason=_("Imported from a spreadsheet."),
                )
    result.stored = True
    return result
