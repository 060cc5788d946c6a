"""Historical baselines (历史基线) from Excel: a figure's value for a period before Civicloop
held the records, so the first year already compares with the year before.

One row per figure, place and period: 指标 (the key, e.g. ``events.petitions``, or its Chinese
name), 分项 (a breakdown key such as ``ordinary``; usually empty), 区划代码 (empty for
everywhere), either 年份 or 开始日期 + 结束日期, 数值, 来源. Every row is checked first; if any
row has a problem nothing is stored. A row for a period already imported replaces the value and
the history keeps the old one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.figures import Period, figures
from civicloop.core.spreadsheets import (
    Column,
    RowCheck,
    RowError,
    Table,
    TableSpec,
    parse_date,
    parse_int,
    read_path,
)
from civicloop.core.transitions import record
from civicloop.org.models import Region

from .models import Baseline, BaselineHistory

SPEC = TableSpec(
    columns=(
        Column("figure", "指标", aliases=("指标代码", "key"), required=True),
        Column("part", "分项", aliases=("breakdown",)),
        Column("region", "区划代码", aliases=("区划", "region_code")),
        Column("year", "年份", aliases=("年度",)),
        Column("start", "开始日期", aliases=("起始日期", "from")),
        Column("end", "结束日期", aliases=("截止日期", "to")),
        Column("value", "数值", aliases=("值",), required=True),
        Column("source", "来源", aliases=("数据来源",)),
    ),
    max_rows=10_000,
    no_rows_message=gettext_lazy("%(path)s has a header row but no baselines below it."),
)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _figure_key(text: str) -> str | None:
    if figures.find(text) is not None:
        return text
    for figure in figures:
        if text in {str(figure.label), figure.name}:
            return figure.key
    return None


@dataclass(frozen=True)
class _Row:
    key: str
    part: str
    region_code: str
    start: dt.date
    end: dt.date
    value: Decimal
    source: str


def _check(number: int, cells: dict, headers: dict) -> tuple[_Row | None, list[RowError]]:
    check = RowCheck(number, cells, headers)
    key = _figure_key(check.text("figure"))
    if key is None:
        check.fail(
            "figure",
            _("No figure is called “%(name)s”; see civicloop kpi --list.")
            % {"name": check.text("figure")},
        )
    region_code = check.text("region")
    if region_code and not Region.objects.filter(code=region_code).exists():
        check.fail("region", _("No region has the division code %(code)s.") % {"code": region_code})
    year = check.cell("year", parse_int, low=1949, high=2100)
    start = check.cell("start", parse_date)
    end = check.cell("end", parse_date)
    if year and (start or end):
        check.fail("year", _("Give either a year or a start and end date, not both."))
    elif year:
        start, end = Period.year(year).start, Period.year(year).end
    elif not (start and end) and check.ok:
        check.fail("start", _("Give a year, or a start and an end date."))
    if start and end and end < start:
        check.fail("end", _("The end date is before the start date."))
    try:
        value = Decimal(check.text("value").replace(",", "").rstrip("%"))
        if check.text("value").endswith("%"):
            value /= 100
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        check.fail("value", _("Write a number, e.g. 1234 or 98.11%."))
        value = None
    if not check.ok:
        return None, check.errors
    return (
        _Row(
            key=key,
            part=check.text("part"),
            region_code=region_code,
            start=start,
            end=end,
            value=value,
            source=check.text("source")[:200],
        ),
        [],
    )


def import_baselines(table: Table, *, by=None, source: str = "") -> ImportResult:
    result = ImportResult(rows=len(table.rows))
    checked: list[_Row] = []
    seen: dict[tuple, int] = {}
    for number, raw in table.rows:
        row, errors = _check(number, table.cells(raw), table.headers)
        result.errors.extend(errors)
        if row is None:
            continue
        identity = (row.key, row.part, row.region_code, row.start, row.end)
        if identity in seen:
            result.errors.append(
                RowError(
                    number,
                    table.headers.get("figure", "figure"),
                    row.key,
                    _("Row %(row)d already gives this figure for this place and period.")
                    % {"row": seen[identity]},
                )
            )
            continue
        seen[identity] = number
        checked.append(row)
    if result.errors:
        return result
    now = timezone.now()
    with transaction.atomic():
        for row in checked:
            baseline, created = Baseline.objects.select_for_update().get_or_create(
                figure=row.key,
                part=row.part,
                region_code=row.region_code,
                start=row.start,
                end=row.end,
                defaults={
                    "value": row.value,
                    "source": row.source or source,
                    "imported_by": by,
                    "imported_at": now,
                },
            )
            if created:
                result.created += 1
                record(
                    BaselineHistory, baseline, "import", by=by, details={"value": str(row.value)}
                )
                continue
            if baseline.value == row.value:
                result.unchanged += 1
                continue
            old = baseline.value
            baseline.value = row.value
            baseline.source = row.source or source
            baseline.imported_by = by
            baseline.imported_at = now
            baseline.save()
            result.replaced += 1
            record(
                BaselineHistory,
                baseline,
                "replace",
                by=by,
                details={"old": str(old), "value": str(row.value)},
            )
    return result


def read_baselines_file(path: str | Path) -> Table:
    return read_path(path, SPEC)
