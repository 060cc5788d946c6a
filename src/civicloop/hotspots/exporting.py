"""The high-frequency analysis as an Excel workbook (web export and ``civicloop hotspots top --out``).

Sheet 1 states what was counted and lists the top subjects; sheet 2 the places one
level down; sheet 3 the chart's series. Text that starts like a formula is written
as plain text.
"""

from __future__ import annotations

from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from civicloop.core.spreadsheets import append_row, cell

from .analysis import TopReport
from .choices import Dimension, Period


def write_top_workbook(report: TopReport, target: BinaryIO | str) -> None:
    workbook = Workbook(write_only=True)
    top = workbook.create_sheet(title=_("top subjects")[:31])
    for letter, width in zip("ABCDEFGH", (6, 16, 30, 10, 10, 12, 10, 12), strict=True):
        top.column_dimensions[letter].width = width
    append_row(top, [_("place"), report.place.full_name() or report.place.name], bold=True)
    append_row(top, [_("counted by"), str(Dimension(report.dimension).label)])
    append_row(top, [_("period"), str(Period(report.period).label)])
    append_row(top, [_("from"), report.window.start, _("to"), report.window.end])
    append_row(top, [_("previous period"), report.previous.start, _("to"), report.previous.end])
    append_row(top, [_("events"), report.total, _("previous period"), report.previous_total])
    append_row(top, [])
    append_row(
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
                cell(top, row.rank),
                cell(top, row.subject.code),
                cell(top, row.subject.name),
                cell(top, row.count),
                cell(top, row.share, percent=True),
                cell(top, row.previous),
                cell(top, row.change),
                cell(
                    top,
                    None if row.change_percent is None else row.change_percent / 100,
                    percent=True,
                ),
            ]
        )
    places = workbook.create_sheet(title=_("by place")[:31])
    append_row(
        places,
        [_("code"), _("place"), _("events"), _("previous period"), _("change"), _("most frequent")],
        bold=True,
    )
    for row in report.places:
        append_row(
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
    append_row(
        series, [_("from"), *[subject.name for subject, _counts in report.series]], bold=True
    )
    for index, bucket in enumerate(report.buckets):
        append_row(series, [bucket, *[counts[index] for _subject, counts in report.series]])
    workbook.save(target)
