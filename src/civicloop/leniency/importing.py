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

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.core.spreadsheets import (
    Column,
    RowCheck,
    RowError,
    Table,
    TableSpec,
    cell_text,
    choice_lookup,
    parse_choice,
    parse_date,
    read_path,
    read_table,
)
from civicloop.matters.models import Matter

from . import services
from .choices import ItemKind, LegalBasis
from .models import LeniencyItem

MAX_ROWS = 2000


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
# What people write for each kind and legal basis (codes and Chinese names).
KIND_WORDS = choice_lookup(
    synonyms={
        ItemKind.EXEMPTION: ("免罚", "首违不罚", "不予处罚", "轻微不罚"),
        ItemKind.REDUCED: ("减轻", "减轻处罚"),
        ItemKind.LIGHTER: ("从轻", "从轻处罚"),
    }
)
BASIS_WORDS = choice_lookup(
    synonyms={
        LegalBasis.ART33_FIRST: ("第三十三条第一款首违", "首违不罚"),
        LegalBasis.ART33_MINOR: ("轻微不罚",),
        LegalBasis.ART32: ("第三十二条",),
        LegalBasis.LOCAL: ("地方清单", "本地清单"),
    }
)

TABLE = TableSpec(
    columns=COLUMNS,
    max_rows=MAX_ROWS,
    no_rows_message=gettext_lazy("%(path)s has a header row but no items below it."),
)


def accepted_headers() -> str:
    return TABLE.accepted_headers()


def read_list(data: bytes, name: str) -> Table:
    """Read an uploaded list; raise SpreadsheetError for a bad file."""
    return read_table(data, name, TABLE)


def read_list_file(path: str | Path) -> Table:
    return read_path(path, TABLE)


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


# Row errors name a column as "code/编号", whatever the file's header says.
HEADER_LABELS = {c.field: f"{c.field}/{c.header}" for c in COLUMNS}


def check_rows(table: Table, *, effective_from: dt.date) -> list[CheckedRow]:
    matters = {m.code: m for m in Matter.objects.all()}
    items = {i.code: i for i in LeniencyItem.objects.select_related("matter")}
    seen: dict[str, int] = {}
    checked = []
    for number, raw in table.rows:
        cells = table.cells(raw)
        row = CheckedRow(row=number)
        check = RowCheck(number, cells, HEADER_LABELS, errors=row.errors)
        fail, cell = check.fail, check.cell

        row.code = cell_text(cells.get("code")).upper()
        if row.code in seen:
            fail("code", _("The code is also on row %(row)d.") % {"row": seen[row.code]})
        seen.setdefault(row.code, number)
        row.matter = matters.get(cell_text(cells.get("matter")).upper())
        if row.matter is None:
            fail("matter", _("No matter with this code in the catalog."))
        row.kind = (
            cell(
                "kind",
                parse_choice,
                KIND_WORDS,
                message=_("Write exemption, reduced or lighter (免罚, 减轻, 从轻)."),
                required=True,
            )
            or ""
        )
        basis = (
            cell(
                "legal_basis",
                parse_choice,
                BASIS_WORDS,
                message=_("Write art33_minor, art33_first, art32 or local."),
                required=True,
            )
            or ""
        )
        row.effective_from = cell("effective_from", parse_date) or effective_from
        row.content = services.VersionData(
            title=cell_text(cells.get("title")),
            conditions=cell_text(cells.get("conditions")),
            legal_basis=basis,
            basis_text=cell_text(cells.get("basis_text")),
            document_number=cell_text(cells.get("document_number")),
            note=cell_text(cells.get("note")),
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
    table: Table, *, by, effective_from: dt.date, dry_run: bool = False, system: bool = False
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
