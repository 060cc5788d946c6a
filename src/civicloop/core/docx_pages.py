"""Word (DOCX) pages with python-docx: the one page builder behind the case documents
(``documents/layout.py``) and the grid toolkit's card and forms (``gridkit/exporting.py``).

What every Civicloop DOCX shares lives here: A4 paper and margins, the body font with its
East-Asian font set explicitly (Word otherwise falls back to a Latin font for Chinese
text), runs and table cells in a given font, page breaks, document properties dated by
the data (never by the export), and bytes that are the same for the same content.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Length, Mm

A4 = (Mm(210), Mm(297))
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# The date a file carries when its data has none (so two exports still match).
NO_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Typeface:
    """A Latin font, the East-Asian font used for Chinese characters, and a size."""

    latin: str
    east_asia: str
    size: Length


@dataclass(frozen=True)
class Margins:
    top: Length
    right: Length
    bottom: Length
    left: Length

    @classmethod
    def mm(cls, top: float, right: float, bottom: float, left: float) -> Margins:
        return cls(Mm(top), Mm(right), Mm(bottom), Mm(left))


def set_east_asia(element, name: str) -> None:
    """Chinese text in ``name``: python-docx sets only the Latin font name."""
    element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def document_time(moment: dt.datetime | None) -> dt.datetime:
    """The document properties' time: local wall-clock time, whole seconds."""
    moment = moment or NO_DATE
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def new_document(
    title: str,
    moment: dt.datetime | None,
    *,
    body: Typeface,
    margins: Margins,
    portrait: bool = False,
):
    """An empty A4 document: margins, the Normal style in ``body``, properties dated ``moment``."""
    doc = Document()
    section = doc.sections[0]
    if portrait:
        section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4
    section.top_margin, section.bottom_margin = margins.top, margins.bottom
    section.left_margin, section.right_margin = margins.left, margins.right
    normal = doc.styles["Normal"]
    normal.font.name = body.latin
    normal.font.size = body.size
    set_east_asia(normal.element, body.east_asia)
    props = doc.core_properties
    props.author = props.last_modified_by = "Civicloop"
    props.title = title
    props.created = props.modified = document_time(moment)
    props.revision = 1
    return doc


def style_run(
    run, font: Typeface | None = None, *, size: Length | None = None, bold: bool | None = None
):
    """Style a run: with ``font`` its Latin and East-Asian names and size; ``bold`` when given."""
    if font is not None:
        run.font.name = font.latin
        run.font.size = size or font.size
        set_east_asia(run._element, font.east_asia)
    elif size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold
    return run


def add_text(doc, text: str, *, align=None, bold: bool | None = None, size: Length | None = None):
    """A paragraph of one run in the Normal style (a heading when ``bold`` and centred)."""
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    style_run(paragraph.add_run(text), size=size, bold=bold)
    return paragraph


def add_page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def set_cell_text(
    cell, text: str, *, bold: bool = False, font: Typeface | None = None, line_break: str = ""
) -> None:
    """Replace a table cell's text; ``line_break`` (e.g. U+2028) splits it into lines."""
    cell.text = ""
    paragraph = cell.paragraphs[0]
    parts = text.split(line_break) if line_break else [text]
    run = style_run(paragraph.add_run(parts[0]), font, bold=bold)
    for part in parts[1:]:
        run.add_break(WD_BREAK.LINE)
        run = style_run(paragraph.add_run(part), font, bold=bold)


def docx_bytes(doc) -> bytes:
    """The document as bytes, with a fixed time on every ZIP entry so that the same content
    gives the same bytes (and the same SHA-256)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
