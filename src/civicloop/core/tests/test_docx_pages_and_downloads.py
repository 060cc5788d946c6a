"""The one DOCX page builder and the one download response."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from civicloop.core.docx_pages import (
    Margins,
    Typeface,
    add_page_break,
    docx_bytes,
    new_document,
    set_cell_text,
)
from civicloop.core.downloads import XLSX, attachment_response, content_disposition

BODY = Typeface("Times New Roman", "仿宋", Pt(16))
TABLE = Typeface("Times New Roman", "宋体", Pt(10.5))


def build(moment):
    doc = new_document("决定书", moment, body=BODY, margins=Margins.mm(37, 26, 35, 28))
    table = doc.add_table(rows=1, cols=1)
    set_cell_text(
        table.rows[0].cells[0], "第一行\u2028第二行", bold=True, font=TABLE, line_break="\u2028"
    )
    add_page_break(doc)
    return doc


def test_the_same_content_gives_the_same_bytes_and_chinese_text_has_its_own_font():
    moment = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)
    first, second = docx_bytes(build(moment)), docx_bytes(build(moment))
    assert first == second

    doc = Document(io.BytesIO(first))
    section = doc.sections[0]
    sizes = (section.page_width, section.top_margin, section.left_margin)
    assert [round(size.mm) for size in sizes] == [210, 37, 28]
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    runs = [r for r in doc.tables[0].rows[0].cells[0].paragraphs[0].runs if r.text]
    assert "".join(r.text for r in runs) == "第一行\n第二行"  # a line break inside the cell
    assert all(r.bold and r.font.size == Pt(10.5) for r in runs)
    assert runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert doc.core_properties.title == "决定书"
    # Dated by the data (in local time), not by the moment of the export.
    assert doc.core_properties.created.year == 2026


def test_downloads_name_the_file_and_keep_chinese_names_readable():
    assert (
        content_disposition("cases-20260301.xlsx") == 'attachment; filename="cases-20260301.xlsx"'
    )
    chinese = content_disposition("行政处罚决定书-1.docx")
    assert chinese.startswith("attachment; filename=\"-1.docx\"; filename*=UTF-8''%E8%A1%8C")

    response = attachment_response("x.xlsx", XLSX, b"data", private=True)
    assert response["Content-Type"] == XLSX and response.content == b"data"
    assert response["Cache-Control"] == "private, no-store"
