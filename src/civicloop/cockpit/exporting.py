"""The cockpit as an Excel workbook (.xlsx): what the page shows, as numbers a leader's office
can reuse — one sheet of figures (one row per figure, or per part of a breakdown) and one of
the ranking of the places one level down."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import BinaryIO

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from civicloop.core.figures import Figure
from civicloop.core.spreadsheets import append_header, cell

from .services import SHARE_KIND, SOURCE_LABELS, Reading, change, part_names, value_kind

FIGURE_HEADERS = (
    (_("subject"), 16),
    (_("key"), 30),
    (_("name"), 24),
    (_("unit"), 14),
    (_("value"), 12),
    (_("previous period"), 12),
    (_("same period last year"), 12),
    (_("change against the previous period"), 14),
    (_("change against last year"), 14),
    (_("source"), 14),
    (_("definition"), 60),
)
RANKING_HEADERS = ((_("rank"), 8), (_("place"), 24), (_("code"), 16), (_("value"), 12))
SHARE_FORMAT = "0.00%"


def _number(sheet, value, kind: str):
    """A value as a number cell (shares as percentages); text for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return cell(sheet, None)
    result = cell(sheet, value)
    result.number_format = SHARE_FORMAT if kind == SHARE_KIND else "#,##0.##"
    if kind != SHARE_KIND and isinstance(value, int):
        result.number_format = "#,##0"
    return result


def _text(value) -> str:
    return str(value) if value is not None else ""


def _figure_rows(reading: Reading, subject_labels: Mapping[str, object]):
    figure = reading.figure
    source = _text(SOURCE_LABELS.get(reading.source, reading.source))
    common = (
        str(subject_labels.get(figure.subject, figure.subject)),
        figure.key,
    )
    if isinstance(reading.value, dict):
        previous = reading.previous if isinstance(reading.previous, dict) else {}
        last_year = reading.last_year if isinstance(reading.last_year, dict) else {}
        names = part_names(figure)
        for part, value, _against_last_year in reading.parts:
            yield (
                *common,
                f"{figure.title} — {names.get(part, part)}",
                value,
                previous.get(part),
                last_year.get(part),
                change(figure, value, previous.get(part)),
                change(figure, value, last_year.get(part)),
                source,
            )
        return
    yield (
        *common,
        figure.title,
        reading.value,
        reading.previous,
        reading.last_year,
        reading.against_previous,
        reading.against_last_year,
        source,
    )


def write_board_workbook(
    target: BinaryIO,
    *,
    readings: Iterable[Reading],
    subject_labels: Mapping[str, object],
    chosen: Figure | None,
    ranking: Iterable[tuple[int | None, object, object]],
    title: str,
) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("figures"))
    append_header(
        sheet, [header for header, _w in FIGURE_HEADERS], widths=[w for _h, w in FIGURE_HEADERS]
    )
    for reading in readings:
        kind = value_kind(reading.figure)
        for subject, key, name, value, previous, last_year, c1, c2, source in _figure_rows(
            reading, subject_labels
        ):
            sheet.append(
                [
                    cell(sheet, subject),
                    cell(sheet, key),
                    cell(sheet, name),
                    cell(sheet, _text(reading.figure.unit)),
                    _number(sheet, value, kind),
                    _number(sheet, previous, kind),
                    _number(sheet, last_year, kind),
                    cell(sheet, _text(c1)),
                    cell(sheet, _text(c2)),
                    cell(sheet, source),
                    cell(sheet, _text(reading.figure.definition), wrap=None),
                ]
            )

    places = workbook.create_sheet(gettext("ranking"))
    append_header(
        places, [header for header, _w in RANKING_HEADERS], widths=[w for _h, w in RANKING_HEADERS]
    )
    if chosen is not None:
        kind = value_kind(chosen)
        for rank, place, value in ranking:
            places.append(
                [
                    cell(places, rank),
                    cell(places, place.name),
                    cell(places, place.code),
                    _number(places, value, kind),
                ]
            )
        places.append([])
        places.append([cell(places, gettext("figure")), cell(places, chosen.title)])
    places.append([cell(places, gettext("place and period")), cell(places, title)])
    workbook.save(target)
