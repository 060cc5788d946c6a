"""The high-frequency analysis as an Excel workbook (web export and ``civicloop hotspots top --out``).

Sheet 1 states what was counted and lists the top subjects; sheet 2 the places one
level down; sheet 3 the chart's series. Text that starts like a formula is written
as plain text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .analysis import TopReport
from .choices import Dimension, Period

_FORMULA_START = ("=", "+", "-", "@")


def _cell(sheet, value: Any, *, bold: bool = False, percent: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if percent:
        cell.number_format = "0.0%"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _row(sheet, values, *, bold: bool = False):
    sheet.append([_cell(sheet, v, bold=bold) for v in values])


def write_top_workbook(report: TopReport, target: BinaryIO | str) -> None:
    workbook = Workbook(write_only=True)
    top = workbook.create_sheet(title=_("top subjects")[:31])
    for letter, width in zip("ABCDEFGH", (6, 16, 30, 10, 10, 12, 10, 12), strict=True):
        top.column_dimensions[letter].width = width
    _row(top, [_("place"), report.place.full_name() or report.place.name], bold=True)
    _row(top, [_("counted by"), str(Dimension(report.dimension).label)])
    _row(top, [_("period"), str(Period(report.period).label)])
    _row(top, [_("from"), report.window.start, _("to"), report.window.end])
    _row(top, [_("previous period"), report.previous.start, _("to"), report.previous.end])
    _row(top, [_("events"), report.total, _("previous period"), report.previous_total])
    _row(top, [])
    _row(
        top,
        [
            _("rank"),
            _("code"),
            _("subject"),
            _("events"),
            _("share"),
            _("previous period"),
            _("change"),
            _("change %"),
        ],
        bold=True,
    )
    for row in report.rows:
        top.append(
            [
                _cell(top, row.rank),
                _cell(top, row.subject.code),
                _cell(top, row.subject.name),
                _cell(top, row.count),
                _cell(top, row.share, percent=True),
                _cell(top, row.previous),
                _cell(top, row.change),
                _cell(
                    top,
                    None if row.change_percent is None else row.change_percent / 100,
                    percent=True,
                ),
            ]
        )
    places = workbook.create_sheet(title=_("by place")[:31])
    _row(
        places,
        [_("code"), _("place"), _("events"), _("previous period"), _("change"), _("most frequent")],
        bold=True,
    )
    for row in report.places:
        _row(
            places,
            [
                row.region.code,
                row.region.name,
                row.count,
                row.previous,
                row.change,
                row.top_subject.name if row.top_subject else "",
            ],
        )
    series = workbook.create_sheet(title=_("series")[:31])
    _row(series, [_("from"), *[subject.name for subject, _counts in report.series]], bold=True)
    for index, bucket in enumerate(report.buckets):
        _row(series, [bucket, *[counts[index] for _subject, counts in report.series]])
    workbook.save(target)
