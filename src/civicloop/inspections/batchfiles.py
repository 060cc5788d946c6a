"""The pinned files of ``civicloop inspections draw|plan`` (C11, deliverable 7).

Reading goes through :mod:`civicloop.core.spreadsheets` (CSV in UTF-8/GB18030 or .xlsx, headers
in English as pinned or in Chinese), so a bad row is reported by its line number and column,
every bad row at once, and the caller writes nothing while any row is bad. Lists inside a cell
are separated by ``;`` (a full-width ``；`` is accepted too).

Writing: UTF-8 without a byte-order mark, ``\\n`` line ends, exactly the pinned columns.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.identifiers import is_valid_credit_code, normalise_credit_code
from civicloop.core.spreadsheets import (
    Column,
    RowCheck,
    RowError,
    TableSpec,
    parse_date,
    parse_int,
    read_path,
)

from .drawing import RISK_GRADES, DrawResult, InspectorRow, SubjectRow
from .planning import PlanResult, TaskRow

MAX_ROWS = 200_000

SUBJECT_COLUMNS = ("subject_id", "uscc", "name", "industry", "town_code", "risk_grade", "address")
INSPECTOR_COLUMNS = (
    "inspector_id",
    "dept_code",
    "qualifications",
    "conflicts",
    "max_visits_per_day",
)
TASK_COLUMNS = (
    "task_id",
    "dept_code",
    "subject_id",
    "item_codes",
    "earliest",
    "latest",
    "inspectors_needed",
    "qualification",
)
DRAW_COLUMNS = ("subject_id", "stratum", "inspector_ids")
VISIT_COLUMNS = ("visit_id", "date", "subject_id", "task_ids", "inspector_ids", "lead_dept")

SUBJECTS = TableSpec(
    columns=(
        Column("subject_id", "主体编号", required=True),
        Column("uscc", "统一社会信用代码", aliases=("信用代码",), required=True),
        Column("name", "名称", aliases=("主体名称",), required=True),
        Column("industry", "行业"),
        Column("town_code", "乡镇代码", aliases=("乡镇",)),
        Column("risk_grade", "风险等级", required=True),
        Column("address", "地址"),
    ),
    max_rows=MAX_ROWS,
    no_rows_message=gettext_lazy("%(path)s has a header row but no subjects below it."),
)
INSPECTORS = TableSpec(
    columns=(
        Column("inspector_id", "检查人员编号", aliases=("执法人员编号",), required=True),
        Column("dept_code", "部门代码", aliases=("部门",), required=True),
        Column("qualifications", "资格", aliases=("执法资格",), required=True),
        Column("conflicts", "回避主体", aliases=("回避",)),
        Column("max_visits_per_day", "每日最多检查", required=True),
    ),
    max_rows=MAX_ROWS,
    no_rows_message=gettext_lazy("%(path)s has a header row but no inspectors below it."),
)
TASKS = TableSpec(
    columns=(
        Column("task_id", "任务编号", required=True),
        Column("dept_code", "部门代码", aliases=("部门",), required=True),
        Column("subject_id", "主体编号", required=True),
        Column("item_codes", "检查事项", aliases=("事项代码",), required=True),
        Column("earliest", "最早日期", required=True),
        Column("latest", "最晚日期", required=True),
        Column("inspectors_needed", "所需人数", required=True),
        Column("qualification", "资格", aliases=("所需资格",), required=True),
    ),
    max_rows=MAX_ROWS,
    no_rows_message=gettext_lazy("%(path)s has a header row but no tasks below it."),
)

_LIST = re.compile(r"[;；]")


def split_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _LIST.split(text or "") if part.strip())


class BatchFileError(ValueError):
    """One or more rows of an input file are bad; ``errors`` say which line and why."""

    def __init__(self, path, errors: Sequence[RowError]):
        self.path = str(path)
        self.errors = list(errors)
        lines = [_("%(path)s:") % {"path": self.path}, *(str(e) for e in self.errors)]
        super().__init__("\n".join(lines))


@dataclass
class _Rows:
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _read(path, spec: TableSpec):
    table = read_path(path, spec)
    return table, [(number, table.cells(row)) for number, row in table.rows]


def _required(check: RowCheck, name: str) -> str:
    text = check.text(name)
    if not text:
        check.fail(name, _("This cell is required."))
    return text


def _unique(check: RowCheck, name: str, value: str, seen: dict[str, int]) -> None:
    if value and value in seen:
        check.fail(
            name,
            _("“%(value)s” is already used in line %(line)d.")
            % {"value": value, "line": seen[value]},
        )
    elif value:
        seen[value] = check.row


def read_subjects(path: str | Path) -> list[SubjectRow]:
    """SUBJECTS.csv → rows; :class:`BatchFileError` listing every bad line."""
    table, rows = _read(path, SUBJECTS)
    result = _Rows()
    ids: dict[str, int] = {}
    codes: dict[str, int] = {}
    for number, cells in rows:
        check = RowCheck(number, cells, table.headers, errors=result.errors)
        subject_id = _required(check, "subject_id")
        _unique(check, "subject_id", subject_id, ids)
        uscc = normalise_credit_code(check.text("uscc"))
        if not uscc:
            check.fail("uscc", _("This cell is required."))
        elif not is_valid_credit_code(uscc):
            check.fail(
                "uscc",
                _(
                    "“%(value)s” is not a valid unified social credit code (18 characters, check character last)."
                )
                % {"value": uscc},
            )
        else:
            _unique(check, "uscc", uscc, codes)
        name = _required(check, "name")
        grade = check.text("risk_grade").upper()
        if grade not in RISK_GRADES:
            check.fail(
                "risk_grade",
                _("Write a risk grade A, B, C or D, not “%(value)s”.") % {"value": grade},
            )
        if check.ok:
            result.rows.append(
                SubjectRow(
                    subject_id=subject_id,
                    uscc=uscc,
                    name=name,
                    industry=check.text("industry"),
                    town_code=check.text("town_code"),
                    risk_grade=grade,
                    address=check.text("address"),
                )
            )
    if result.errors:
        raise BatchFileError(path, result.errors)
    return result.rows


def read_inspectors(path: str | Path) -> list[InspectorRow]:
    table, rows = _read(path, INSPECTORS)
    result = _Rows()
    ids: dict[str, int] = {}
    for number, cells in rows:
        check = RowCheck(number, cells, table.headers, errors=result.errors)
        inspector_id = _required(check, "inspector_id")
        _unique(check, "inspector_id", inspector_id, ids)
        dept = _required(check, "dept_code")
        qualifications = frozenset(split_list(check.text("qualifications")))
        if not qualifications:
            check.fail(
                "qualifications", _("List at least one qualification (separate them with ;).")
            )
        capacity = check.cell("max_visits_per_day", parse_int, low=0, high=100)
        if capacity is None and check.text("max_visits_per_day") == "":
            check.fail("max_visits_per_day", _("This cell is required."))
        if check.ok:
            result.rows.append(
                InspectorRow(
                    inspector_id=inspector_id,
                    dept_code=dept,
                    qualifications=qualifications,
                    conflicts=frozenset(split_list(check.text("conflicts"))),
                    max_visits_per_day=capacity,
                )
            )
    if result.errors:
        raise BatchFileError(path, result.errors)
    return result.rows


def read_tasks(path: str | Path, subject_ids: Iterable[str]) -> list[TaskRow]:
    known = set(subject_ids)
    table, rows = _read(path, TASKS)
    result = _Rows()
    ids: dict[str, int] = {}
    for number, cells in rows:
        check = RowCheck(number, cells, table.headers, errors=result.errors)
        task_id = _required(check, "task_id")
        _unique(check, "task_id", task_id, ids)
        dept = _required(check, "dept_code")
        subject_id = _required(check, "subject_id")
        if subject_id and subject_id not in known:
            check.fail(
                "subject_id",
                _("No subject %(value)s in the subjects file.") % {"value": subject_id},
            )
        items = split_list(check.text("item_codes"))
        if not items:
            check.fail("item_codes", _("List at least one check item (separate them with ;)."))
        earliest = check.cell("earliest", parse_date)
        latest = check.cell("latest", parse_date)
        for name, value in (("earliest", earliest), ("latest", latest)):
            if value is None and check.text(name) == "":
                check.fail(name, _("This cell is required."))
        if earliest and latest and latest < earliest:
            check.fail("latest", _("The window is empty: latest is before earliest."))
        need = check.cell("inspectors_needed", parse_int, low=1, high=20)
        if need is None and check.text("inspectors_needed") == "":
            check.fail("inspectors_needed", _("This cell is required."))
        qualification = _required(check, "qualification")
        if check.ok:
            result.rows.append(
                TaskRow(
                    task_id=task_id,
                    dept_code=dept,
                    subject_id=subject_id,
                    item_codes=items,
                    earliest=earliest,
                    latest=latest,
                    inspectors_needed=need,
                    qualification=qualification,
                )
            )
    if result.errors:
        raise BatchFileError(path, result.errors)
    return result.rows


def _write(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    path = Path(path)
    temporary = path.with_name(path.name + ".part")
    with temporary.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    temporary.replace(path)


def write_draw(path: str | Path, result: DrawResult) -> None:
    _write(
        path,
        DRAW_COLUMNS,
        ([p.subject_id, p.stratum, ";".join(p.inspector_ids)] for p in result.picks),
    )


def write_visits(path: str | Path, result: PlanResult) -> None:
    _write(
        path,
        VISIT_COLUMNS,
        (
            [
                v.visit_id,
                v.date.isoformat(),
                v.subject_id,
                ";".join(v.task_ids),
                ";".join(v.inspector_ids),
                v.lead_dept,
            ]
            for v in result.visits
        ),
    )
