"""The figures as an Excel workbook: what the cockpit shows (and ``civicloop kpi --xlsx``)."""

from __future__ import annotations

import json
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from civicloop.core.spreadsheets import append_header, append_row, cell
from civicloop.org.models import Region

from .services import SOURCE_LABELS, Reading, is_share


def _value(value):
    """Numbers stay numbers; a breakdown becomes readable text."""
    if isinstance(value, dict):
        return "；".join(f"{part}: {'' if v is None else v}" for part, v in value.items())
    return value


def write_readings(
    out: BinaryIO,
    readings: list[Reading],
    *,
    period,
    region: Region | None,
    ranking: list[tuple] | None = None,
    ranking_title: str = "",
) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("figures"))
    place = region.full_name() if region is not None else _("everywhere")
    span = json.dumps(period.as_dict(), ensure_ascii=False)
    append_row(sheet, [_("Place"), place, _("Period"), span], bold=True)
    append_header(
        sheet,
        [
            _("subject"),
            _("key"),
            _("name"),
            _("unit"),
            _("value"),
            _("previous period"),
            _("change"),
            _("same period last year"),
            _("change"),
            _("source"),
            _("definition"),
        ],
        widths=(10, 28, 22, 14, 14, 14, 10, 14, 10, 14, 80),
        freeze="A3",
    )
    for reading in readings:
        figure = reading.figure
        percent = is_share(figure) and not isinstance(reading.value, dict)
        before, year_ago = reading.against_previous, reading.against_last_year
        sheet.append(
            [
                *_cells(sheet, [figure.subject, figure.key, figure.title, str(figure.unit)]),
                *_cells(sheet, [_value(reading.value), _value(reading.previous)], percent=percent),
                *_cells(sheet, [str(before) if before else ""]),
                *_cells(sheet, [_value(reading.last_year)], percent=percent),
                *_cells(
                    sheet,
                    [
                        str(year_ago) if year_ago else "",
                        str(SOURCE_LABELS.get(reading.source, "")),
                        str(figure.definition),
                    ],
                ),
            ]
        )
    if ranking:
        sheet = book.create_sheet(_("ranking"))
        append_row(sheet, [ranking_title], bold=True)
        append_header(sheet, [_("rank"), _("code"), _("place"), _("value")], freeze="A3")
        for rank, where, value in ranking:
            append_row(sheet, [rank or "", where.code, where.name, _value(value)])
    book.save(out)


def _cells(sheet, values, **style):
    return [cell(sheet, value, **style) for value in values]
