"""Importing the matter catalog (执法事项目录) from Excel (.xlsx) or CSV.

*Check every row first, then store all or nothing*:

1. :func:`read_catalog` reads the first sheet (or the CSV file), finds the header
   row and maps its columns (:mod:`civicloop.core.spreadsheets`, shared by every
   import); a problem with the file itself raises ``SpreadsheetError``.
2. :func:`check_catalog` checks every row against the categories, the county
   departments, the shipped statutes and the catalog as it is, and decides what the
   row means: a **new** matter, a **new version** (the wording, legal basis or fine
   range changed: the new version is in force from the row's ``effective_from`` or
   the import's date, the old one ends the day before — nothing is overwritten; the
   ``ranges`` column, statutory ranges by party type in the compact text of
   :mod:`ranges`, counts as part of the fine range), a
   **change** of category, department or delegability, or **unchanged**. Every
   problem is collected with its row number (as the spreadsheet shows it), column
   and a message.
3. :func:`import_catalog` stores the rows through ``services.py`` in one
   transaction — only when no row has a problem.

The columns are those :mod:`exporting` writes, so an exported catalog imports
back unchanged. Header names and values may be written in English or Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.core.spreadsheets import (
    CellError,
    Column,
    RowCheck,
    RowError,
    SpreadsheetError,
    Table,
    TableSpec,
    cell_text,
    parse_date,
    parse_yes_no,
    read_path,
)
from civicloop.matters.models import Category
from civicloop.org.choices import UnitKind
from civicloop.org.models import Unit, User

from . import services
from .laws import LawError, shipped_law
from .models import Matter, matter_code_validator
from .ranges import parse_ranges_text

MAX_ROWS = 5000


COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        "事项编码",
        ("编码", "事项代码", "代码"),
        gettext_lazy("the matter's code, e.g. SR-001"),
        required=True,
    ),
    Column("name", "事项名称", ("名称",), gettext_lazy("the matter's name"), required=True),
    Column(
        "department",
        "主管部门",
        ("部门", "县级主管部门", "实施部门"),
        gettext_lazy("owning county department: unit code (dept-zhzf) or name"),
        required=True,
    ),
    Column(
        "law",
        "法律依据",
        ("法律", "法律名称", "依据"),
        gettext_lazy("the statute's title, e.g. 城市市容和环境卫生管理条例"),
        required=True,
    ),
    Column(
        "article",
        "条",
        ("条款", "条文号"),
        gettext_lazy("the article, e.g. 第三十四条"),
        required=True,
    ),
    Column(
        "fine_min",
        "罚款下限",
        ("最低罚款", "罚款下限元"),
        gettext_lazy("statutory minimum fine in yuan; empty where none is stated"),
    ),
    Column(
        "fine_max",
        "罚款上限",
        ("最高罚款", "罚款上限元"),
        gettext_lazy("statutory maximum fine in yuan; empty where none is stated"),
    ),
    Column(
        "ranges",
        "法定罚款幅度",
        ("罚款幅度", "分类罚款幅度"),
        gettext_lazy(
            "statutory ranges by party type, e.g. person:200-3000;organisation:10000-50000, "
            "any:-20000 (up to), any:50 (fixed), any:x1-x3@illegal_income(违法所得); empty: one "
            "range for any party from the minimum and maximum fine"
        ),
    ),
    Column(
        "category",
        "事件类别",
        ("类别", "类别编码"),
        gettext_lazy("event category: code or name"),
        required=True,
    ),
    Column(
        "delegable",
        "可赋权镇街",
        ("可下放", "可赋权", "是否可赋权"),
        gettext_lazy("是/否: whether towns may be empowered"),
    ),
    Column(
        "law_version",
        "法律版本",
        ("版本日期", "法律版本日期"),
        gettext_lazy("date of the statute's version"),
    ),
    Column(
        "clause", "款项", ("款", "项"), gettext_lazy("paragraph / item, e.g. 第二款 or 第（一）项")
    ),
    Column(
        "effective_from",
        "生效日期",
        ("施行日期", "起始日期"),
        gettext_lazy("from when this wording applies (default: the import's date)"),
    ),
    Column(
        "article_text",
        "条文内容",
        ("条文", "法条内容"),
        gettext_lazy("the article's text; may be empty when the statute ships with Civicloop"),
    ),
    Column("note", "变更说明", ("说明", "备注"), gettext_lazy("why this version was made")),
    Column(
        "category_name",
        "类别名称",
        (),
        gettext_lazy("(export only) the category's name"),
        imported=False,
    ),
    Column(
        "department_name",
        "部门名称",
        (),
        gettext_lazy("(export only) the department's name"),
        imported=False,
    ),
    Column(
        "towns_holding",
        "赋权镇街数",
        (),
        gettext_lazy("(export only) towns holding it on the export date"),
        imported=False,
    ),
)
COLUMNS_BY_FIELD = {c.field: c for c in COLUMNS}


TABLE = TableSpec(
    columns=COLUMNS,
    max_rows=MAX_ROWS,
    no_rows_message=gettext_lazy("%(path)s has a header row but no matters below it."),
)


def accepted_headers() -> str:
    return TABLE.accepted_headers()


def read_catalog(path: str | Path) -> Table:
    """Read the catalog file at ``path``; raise SpreadsheetError for a bad file."""
    return read_path(path, TABLE)


# --- checking -----------------------------------------------------------------------------


class Action:
    CREATE = "create"
    NEW_VERSION = "new_version"
    CHANGE = "change"
    UNCHANGED = "unchanged"


@dataclass
class CheckedRow:
    row: int
    code: str = ""
    actions: list[str] = field(default_factory=list)
    matter: Matter | None = None
    category: Category | None = None
    department: Unit | None = None
    delegable: bool = False
    content: services.VersionData | None = None
    effective_from: dt.date | None = None
    note: str = ""
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[CheckedRow]
    stored: bool = False

    @property
    def errors(self) -> list[RowError]:
        return [e for row in self.rows for e in row.errors]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if action in row.actions)


class RowChecker:
    def __init__(self, *, effective_from: dt.date, only_new: bool = False):
        self.effective_from = effective_from
        self.only_new = only_new
        self.categories = {c.code: c for c in Category.objects.all()}
        self.category_names = {c.name: c for c in self.categories.values()}
        departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT))
        self.departments = {u.code: u for u in departments}
        self.department_names = {u.name: u for u in departments}
        self.matters = {m.code: m for m in Matter.objects.select_related("category", "department")}
        self.latest = {}
        for matter in self.matters.values():
            version = matter.latest_version()
            if version is not None:
                self.latest[matter.code] = version
        self.seen: dict[str, int] = {}

    def check(self, number: int, cells: dict[str, Any], headers: dict[str, str]) -> CheckedRow:
        row = CheckedRow(row=number)
        check = RowCheck(number, cells, headers, errors=row.errors)
        fail, cell = check.fail, check.cell

        code = cell_text(cells.get("code")).upper()
        row.code = code
        if not code:
            fail("code", _("The code is missing."))
        elif not re.fullmatch(matter_code_validator.regex, code):
            fail("code", str(matter_code_validator.message))
        elif code in self.seen:
            fail(
                "code",
                _("The code %(code)s appears again (first in row %(row)d).")
                % {"code": code, "row": self.seen[code]},
            )
        else:
            self.seen[code] = number
        row.matter = self.matters.get(code)
        row.category = cell("category", self._category)
        row.department = cell("department", self._department)
        row.delegable = bool(cell("delegable", self._yes_no))
        law_version = cell("law_version", parse_date)
        fine_min = cell("fine_min", self._money)
        fine_max = cell("fine_max", self._money)
        ranges = cell("ranges", self._ranges) or ()
        row.effective_from = cell("effective_from", parse_date) or self.effective_from
        row.note = cell_text(cells.get("note"))[:2000]
        article_text = cell_text(cells.get("article_text"))
        law, article = (
            cell_text(cells.get("law")).strip("《》"),
            cell_text(cells.get("article")).replace(" ", ""),
        )
        missing = [
            f
            for f, v in (("name", cells.get("name")), ("law", law), ("article", article))
            if not cell_text(v)
        ]
        for field_name in missing:
            fail(field_name, _("This field is required."))
        if missing:
            return row
        if not article_text and law and article:
            article_text = self._articlecell_text(law, article, law_version)
            if not article_text:
                fail(
                    "article_text",
                    _(
                        "Give the article's text: %(law)s %(article)s is not among the statutes "
                        "shipped with Civicloop."
                    )
                    % {"law": law, "article": article},
                )
        try:
            row.content = services.clean_version_data(
                services.VersionData(
                    name=cell_text(cells.get("name")),
                    law=law,
                    article=article,
                    article_text=article_text or "—",
                    clause=cell_text(cells.get("clause")),
                    law_version=law_version,
                    fine_min=fine_min,
                    fine_max=fine_max,
                    ranges=ranges,
                )
            )
        except DomainError as exc:
            fail(exc.field or "name", str(exc.message))
        if row.errors:
            return row
        self._decide(row, fail)
        return row

    def _decide(self, row: CheckedRow, fail) -> None:
        matter = row.matter
        if matter is None:
            row.actions = [Action.CREATE]
            return
        if self.only_new:
            row.actions = [Action.UNCHANGED]
            return
        latest = self.latest.get(matter.code)
        if latest is not None and latest.content() != row.content.as_dict():
            if row.effective_from <= latest.effective_from:
                fail(
                    "effective_from",
                    _(
                        "The wording, legal basis or fine range changed, so a new version is "
                        "needed; it must start after %(date)s, the start of the latest "
                        "version."
                    )
                    % {"date": latest.effective_from.isoformat()},
                )
                return
            row.actions.append(Action.NEW_VERSION)
        if (
            matter.category_id != row.category.pk
            or matter.department_id != row.department.pk
            or matter.delegable != row.delegable
            or not matter.is_active
        ):
            if not row.delegable and matter.delegable and matter.grants.in_force().exists():
                fail(
                    "delegable",
                    _(
                        "Towns hold this matter now; end their grants before making it "
                        "non-delegable."
                    ),
                )
                return
            row.actions.append(Action.CHANGE)
        if not row.actions:
            row.actions = [Action.UNCHANGED]

    def _category(self, value: Any) -> Category:
        text = cell_text(value)
        if not text:
            raise CellError(_("The category is missing."))
        category = self.categories.get(text) or self.category_names.get(text)
        if category is None:
            raise CellError(
                _(
                    "There is no event category “%(value)s” (use its code, e.g. sanitation, or "
                    "its name)."
                )
                % {"value": text}
            )
        if not category.is_active:
            raise CellError(_("The category “%(value)s” is no longer in use.") % {"value": text})
        return category

    def _department(self, value: Any) -> Unit:
        text = cell_text(value)
        if not text:
            raise CellError(_("The department is missing."))
        unit = self.departments.get(text) or self.department_names.get(text)
        if unit is None:
            raise CellError(
                _(
                    "There is no county department “%(value)s” (use its code, e.g. dept-zhzf, or "
                    "its name)."
                )
                % {"value": text}
            )
        return unit

    @staticmethod
    def _yes_no(value: Any) -> bool:
        return parse_yes_no(value, yes=("可",), no=("不可",))

    @staticmethod
    def _money(value: Any):
        try:
            return services.parse_money(value)
        except ValueError:
            raise CellError(
                _("“%(value)s” is not an amount in yuan.") % {"value": cell_text(value)}
            ) from None

    @staticmethod
    def _ranges(value: Any):
        text = cell_text(value)
        try:
            return parse_ranges_text(text)
        except ValueError as exc:
            raise CellError(
                _(
                    "“%(value)s” is not a statutory range; write e.g. person:200-3000, "
                    "organisation:10000-50000, any:-20000 or any:x1-x3@illegal_income."
                )
                % {"value": str(exc)}
            ) from None

    @staticmethod
    def _articlecell_text(law: str, article: str, version: dt.date | None) -> str:
        statute = shipped_law(law, version)
        if statute is None:
            return ""
        try:
            return statute.article(article).text
        except LawError:
            return ""


def check_catalog(
    table: Table, *, effective_from: dt.date | None = None, only_new: bool = False
) -> ImportResult:
    checker = RowChecker(effective_from=effective_from or timezone.localdate(), only_new=only_new)
    rows = []
    for number, raw in table.rows:
        cells = {
            f: (raw[i] if i < len(raw) else None)
            for f, i in table.columns.items()
            if COLUMNS_BY_FIELD[f].imported
        }
        rows.append(checker.check(number, cells, table.headers))
    return ImportResult(rows=rows)


def import_catalog(
    table: Table,
    *,
    by: User | None,
    effective_from: dt.date | None = None,
    dry_run: bool = False,
    system: bool = False,
    only_new: bool = False,
) -> ImportResult:
    """Check every row; store all of them (one transaction) only if none has a problem.

    ``only_new`` adds the matters whose code is not in the catalog yet and leaves the
    others as they are (how the starter catalog is loaded into a running system)."""
    if by is not None or not system:
        services.check_catalog_editor(by, system=system)
    result = check_catalog(table, effective_from=effective_from, only_new=only_new)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for row in result.rows:
            _apply(row, by=by, system=system)
    result.stored = True
    return result


def _apply(row: CheckedRow, *, by: User | None, system: bool) -> None:
    if Action.CREATE in row.actions:
        services.create_matter(
            by=by,
            code=row.code,
            category=row.category,
            department=row.department,
            delegable=row.delegable,
            content=row.content,
            effective_from=row.effective_from,
            note=row.note,
            system=system,
        )
        return
    if Action.CHANGE in row.actions:
        services.change_matter(
            row.matter,
            by=by,
            category=row.category,
            department=row.department,
            delegable=row.delegable,
            is_active=True,
            reason=row.note,
            system=system,
        )
    if Action.NEW_VERSION in row.actions:
        services.add_matter_version(
            row.matter,
            by=by,
            content=row.content,
            effective_from=row.effective_from,
            note=row.note,
            system=system,
        )


STARTER_CATALOG = Path(__file__).resolve().parent / "data" / "catalog.csv"


def load_starter_catalog(path: Path = STARTER_CATALOG) -> ImportResult:
    """Load the shipped catalog (``data/catalog.csv``) as the system: adds the matters not
    in the catalog yet, leaves the others (and their later versions) alone, so it is
    idempotent. Needs the event categories and the county departments it names
    (``civicloop demo`` loads both)."""
    result = import_catalog(read_catalog(path), by=None, system=True, only_new=True)
    if result.errors:
        first = result.errors[0]
        raise SpreadsheetError(str(first))
    return result
