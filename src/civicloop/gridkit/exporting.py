"""The card and the three forms as files: Excel (openpyxl) and Word (python-docx).

Both formats are drawn from the same presented data as the printable pages (the
card from :func:`presenting.present_card`, the forms from :class:`paperforms.Sheet`),
on A4 paper, with the version line (or the event's records date) at the foot. The
files' own dates (document properties) are those of the data, not of the export,
so exporting twice gives the same content.

Text that starts like a formula (``=``, ``+``, ``-``, ``@``) is written to Excel as plain
text, so a crafted report cannot run as a formula when the file is opened.
"""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from django.utils.translation import gettext as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from civicloop.core.docx_pages import (
    Margins,
    Typeface,
    add_page_break,
    add_text,
    document_time,
    new_document,
    set_cell_text,
)
from civicloop.core.downloads import DOCX, XLSX
from civicloop.core.spreadsheets import FORMULA_START

from .paperforms import Sheet
from .presenting import card_rows, report_lines

FORMATS = {"xlsx": XLSX, "docx": DOCX}

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
CJK_FONT = "宋体"
LATIN_FONT = "SimSun"
BODY = Typeface(LATIN_FONT, CJK_FONT, Pt(11))
MARGINS = Margins.mm(18, 18, 18, 18)


# --- Excel -----------------------------------------------------------------------------------


def _put(ws, row: int, column: int, value, *, bold=False, size=None, box=True, align=None):
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
    cell.font = Font(name=CJK_FONT, bold=bold, size=size or 11)
    cell.alignment = align or _WRAP
    if box:
        cell.border = _BOX
    return cell


def _a4(ws, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def _workbook(title: str, moment: dt.datetime | None) -> Workbook:
    wb = Workbook()
    wb.properties.creator = "Civicloop"
    wb.properties.title = title
    wb.properties.created = wb.properties.modified = document_time(moment)
    return wb


def _title_row(ws, row: int, text: str, columns: int, size: int = 16) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    _put(ws, row, 1, text, bold=True, size=size, box=False, align=Alignment(horizontal="center"))


def _line_row(ws, row: int, text: str, columns: int) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    _put(ws, row, 1, text, box=False)


def write_card_xlsx(card: dict, out: BinaryIO | str, *, moment: dt.datetime | None) -> None:
    wb = _workbook(card["title"], moment)
    ws = wb.active
    ws.title = _("card")[:31]
    header, rows = card_rows(card)
    columns = len(header)
    _a4(ws, [6, 34, 30, 26, 16, 10])
    _title_row(ws, 1, card["title"], columns)
    _line_row(ws, 2, f"{card['place']}（{card['grid_code']}）", columns)
    _line_row(ws, 3, card["basis_text"], columns)
    ws.row_dimensions[3].height = 32
    for column, text in enumerate(header, start=1):
        _put(ws, 4, column, text, bold=True)
    for r, row in enumerate(rows, start=5):
        for column, text in enumerate(row, start=1):
            _put(ws, r, column, text)
    r = 5 + len(rows) + 1
    _put(ws, r, 1, _("How to report"), bold=True, box=False)
    for label, text in report_lines(card):
        r += 1
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=columns)
        _put(ws, r, 1, label, bold=True)
        _put(ws, r, 2, text)
    _line_row(ws, r + 2, card["note"], columns)
    wb.save(out)


def write_sheets_xlsx(
    sheets: list[Sheet], out: BinaryIO | str, *, moment: dt.datetime | None
) -> None:
    wb = _workbook(" / ".join(s.title for s in sheets), moment)
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.title[:31])
        _a4(ws, [16, 30, 16, 30])
        _title_row(ws, 1, sheet.title, 4, size=18)
        _line_row(ws, 2, _sheet_heading(sheet), 4)
        row = 3
        for section in sheet.sections:
            row += 1
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            _put(ws, row, 1, section.title, bold=True)
            for pair in _grid_rows(section.fields):
                row += 1
                first = pair[0]
                _put(ws, row, 1, first.label, bold=True)
                if len(pair) == 1:
                    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
                    _put(ws, row, 2, first.value)
                    for column in (3, 4):
                        ws.cell(row=row, column=column).border = _BOX
                else:
                    _put(ws, row, 2, first.value)
                    _put(ws, row, 3, pair[1].label, bold=True)
                    _put(ws, row, 4, pair[1].value)
                lines = max(f.lines for f in pair)
                if lines > 1:
                    ws.row_dimensions[row].height = 18 * lines
        row += 2
        _line_row(ws, row, "　　".join(f"{label}：__________" for label in sheet.signatures), 4)
        _line_row(ws, row + 2, sheet.note, 4)
    wb.save(out)


def _sheet_heading(sheet: Sheet) -> str:
    blank = "__________"
    return "　".join(
        [
            f"{_('number')}：{sheet.number or blank}",
            f"{_('unit')}：{sheet.unit or blank}",
            f"{_('date')}：{sheet.date or blank}",
        ]
    )


# --- Word ---------------------------------------------------------------------------------------


def _document(title: str, moment: dt.datetime | None):
    return new_document(title, moment, body=BODY, margins=MARGINS, portrait=True)


def _heading(doc, text: str, size: int = 18) -> None:
    add_text(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=Pt(size))


def _small(doc, text: str) -> None:
    add_text(doc, text, size=Pt(8))


def write_card_docx(card: dict, out: BinaryIO | str, *, moment: dt.datetime | None) -> None:
    doc = _document(card["title"], moment)
    # The content hash (SHA-256) in the document properties; the page shows only the
    # verification code of the version note.
    doc.core_properties.identifier = card.get("content_hash", "")
    _heading(doc, card["title"])
    doc.add_paragraph(
        f"{card['place']}（{card['grid_code']}）"
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(card["basis_text"])
    header, rows = card_rows(card)
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, text in enumerate(header):
        set_cell_text(table.rows[0].cells[column], text, bold=True)
    for r, row in enumerate(rows, start=1):
        for column, text in enumerate(row):
            set_cell_text(table.rows[r].cells[column], text)
    doc.add_paragraph().add_run(_("How to report")).bold = True
    for label, text in report_lines(card):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(text)
    _small(doc, card["note"])
    doc.save(out)


def write_sheets_docx(
    sheets: list[Sheet], out: BinaryIO | str, *, moment: dt.datetime | None
) -> None:
    doc = _document(" / ".join(s.title for s in sheets), moment)
    for index, sheet in enumerate(sheets):
        if index:
            add_page_break(doc)
        _heading(doc, sheet.title)
        doc.add_paragraph(_sheet_heading(sheet))
        for section in sheet.sections:
            rows = _grid_rows(section.fields)
            table = doc.add_table(rows=1 + len(rows), cols=4)
            table.style = "Table Grid"
            title = table.rows[0].cells[0].merge(table.rows[0].cells[3])
            set_cell_text(title, section.title, bold=True)
            for r, pair in enumerate(rows, start=1):
                cells = table.rows[r].cells
                first = pair[0]
                set_cell_text(cells[0], first.label, bold=True)
                if first.wide or len(pair) == 1:
                    merged = cells[1].merge(cells[3])
                    set_cell_text(merged, _with_space(first))
                else:
                    set_cell_text(cells[1], _with_space(first))
                    set_cell_text(cells[2], pair[1].label, bold=True)
                    set_cell_text(cells[3], _with_space(pair[1]))
        doc.add_paragraph()
        doc.add_paragraph("　　".join(f"{label}：__________" for label in sheet.signatures))
        _small(doc, sheet.note)
    doc.save(out)


def _with_space(field) -> str:
    """An empty field keeps room to write by hand."""
    if field.value:
        return field.value
    return "\n" * (max(field.lines, 1) - 1)


def _grid_rows(fields) -> list[list]:
    """Fields two to a row; a wide field takes a row of its own."""
    rows: list[list] = []
    pending = None
    for field in fields:
        if field.wide:
            if pending:
                rows.append([pending])
                pending = None
            rows.append([field])
        elif pending:
            rows.append([pending, field])
            pending = None
        else:
            pending = field
    if pending:
        rows.append([pending])
    return rows
