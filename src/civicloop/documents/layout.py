"""Rendering a document's snapshot as DOCX.

Each kind has a template, ``templates/documents/docx/<kind>.txt``, which holds the
document's fixed Chinese wording. It is a Django template rendered (without HTML
escaping) from the snapshot into lines; each line starts with a directive that says
how it is laid out:

============  =====================================================================
``@unit``     the issuing unit's name, centred (宋体, bold)
``@title``    the title, centred (宋体 22 pt, bold)
``@number``   the document number line (文号), right-aligned
``@p``        a body paragraph, indented two characters (仿宋 16 pt)
``@line``     a body paragraph without indent;  ``@h`` the same in bold
``@right``    right-aligned (signatures, the seal, the date);  ``@center`` centred
``@small``    a note in small type
``@gap``      an empty line;  ``@pagebreak`` a new page
``@cols``     column widths in millimetres of the next table, e.g. ``@cols 12 70 74``
``@row``      a table row of label | value pairs (labels bold); a row with fewer
              cells than the table has columns stretches its last cell
``@head``     a table row in bold;  ``@data`` a table row in plain text
``@endtable`` ends a table (a line of any other kind does too)
============  =====================================================================

Values from the snapshot never start a line: before rendering, line breaks inside
them become U+2028 (a new paragraph of the same kind, or a line break in a cell) and
``|`` becomes the full-width ``｜``, so no data can add a directive or a cell.

Paper and type follow common practice for official documents (GB/T 9704): A4, margins
37 / 35 / 28 / 26 mm, 仿宋 for the body and 宋体 for titles and tables. The file is
the same bytes for the same snapshot and generation time: its document properties carry
the version's time and the ZIP entries a fixed one. The page itself (paper, fonts with
their East-Asian names, cells, stable bytes) is built by :mod:`civicloop.core.docx_pages`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.template import Context, Engine
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from civicloop.cases.choices import PartyRole
from civicloop.core.docx_pages import (
    Margins,
    Typeface,
    add_page_break,
    docx_bytes,
    new_document,
    set_cell_text,
    style_run,
)
from civicloop.parties.choices import PartyKind

from .choices import TITLES

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "documents" / "docx"
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)
TABLE_SIZE = Pt(10.5)
SMALL_SIZE = Pt(9)
TEXT_WIDTH_MM = 156  # 210 − 28 − 26
ROW_HEIGHT = Mm(8)
PARAGRAPH_BREAK = "\u2028"
BODY = Typeface(LATIN_FONT, BODY_FONT, BODY_SIZE)
TABLE = Typeface(LATIN_FONT, TABLE_FONT, TABLE_SIZE)
MARGINS = Margins.mm(top=37, right=26, bottom=35, left=28)  # GB/T 9704

_engine = Engine(
    dirs=[str(TEMPLATE_DIR)],
    autoescape=False,
    debug=False,
    builtins=["civicloop.documents.docx_filters"],
)


# --- from the snapshot to lines ----------------------------------------------------------------


def _prepare(value):
    """Line breaks and cell separators inside data cannot reach the layout (see module doc)."""
    if isinstance(value, str):
        return (
            value.replace("\r\n", "\n")
            .replace("\r", "\n")
            .replace("\n", PARAGRAPH_BREAK)
            .replace("|", "｜")
        )
    if isinstance(value, dict):
        return {k: _prepare(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_prepare(v) for v in value]
    return value


def render_lines(snapshot: dict) -> list[str]:
    """The template of the snapshot's kind, rendered: one directive line per block."""
    data = _prepare(snapshot)
    parties = data.get("parties", [])
    principals = [p for p in parties if p["role"] == PartyRole.PARTY]
    handlers = data.get("handlers", [])
    kinds = {p["kind"] for p in principals}
    context = {
        **data,
        "title": TITLES[snapshot["kind"]],
        "br": PARAGRAPH_BREAK,
        "principals": principals,
        "agents": [p for p in parties if p["role"] == PartyRole.AGENT],
        # How the documents address the party: 你 (a person), 你单位 (an organisation).
        "you": "你"
        if kinds == {PartyKind.PERSON}
        else "你单位"
        if kinds == {PartyKind.ORGANISATION}
        else "你（单位）",
        "party_names": "、".join(p["name"] for p in principals),
        "basis": "、".join(m["legal_basis"] for m in data.get("matters", [])),
        "handler_names": "、".join(h["name"] for h in handlers),
        "handler_list": "、".join(f"{h['name']}（执法证号：{h['certificate']}）" for h in handlers),
    }
    text = _engine.get_template(f"{snapshot['kind']}.txt").render(Context(context))
    # Strip only spaces and tabs: U+2028 and the ideographic space (　) are part of the text.
    return [line.strip(" \t") for line in text.split("\n") if line.strip(" \t")]


# --- from lines to DOCX ------------------------------------------------------------------------


def _font(run, *, east_asia: str = BODY_FONT, size=BODY_SIZE, bold: bool = False) -> None:
    style_run(run, Typeface(LATIN_FONT, east_asia, size), bold=bold)


def _paragraph(
    doc,
    text: str,
    *,
    align=None,
    indent: bool = False,
    east_asia: str = BODY_FONT,
    size=BODY_SIZE,
    bold: bool = False,
    space_after: int = 0,
):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = Pt(28) if size == BODY_SIZE else None
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if text:
        _font(paragraph.add_run(text), east_asia=east_asia, size=size, bold=bold)
    return paragraph


@dataclass
class _Table:
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    widths: list[float] | None = None


def _default_widths(table: _Table, columns: int) -> list[float]:
    if table.widths and len(table.widths) == columns:
        return table.widths
    if all(kind == "row" for kind, _cells in table.rows) and columns in (2, 4):
        label = 30 if columns == 4 else 36
        value = (TEXT_WIDTH_MM - label * (columns // 2)) / (columns // 2)
        return [label, value] * (columns // 2)
    return [TEXT_WIDTH_MM / columns] * columns


def _write_table(doc, table: _Table) -> None:
    columns = max(len(cells) for _kind, cells in table.rows)
    widths = _default_widths(table, columns)
    grid = doc.add_table(rows=len(table.rows), cols=columns)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for r, (kind, cells) in enumerate(table.rows):
        row = grid.rows[r]
        row.height = ROW_HEIGHT
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for c in range(columns):
            row.cells[c].width = Mm(widths[c])
        if len(cells) < columns:
            row.cells[len(cells) - 1].merge(row.cells[columns - 1])
        for c, text in enumerate(cells):
            bold = kind == "head" or (kind == "row" and c % 2 == 0)
            set_cell_text(row.cells[c], text, bold=bold, font=TABLE, line_break=PARAGRAPH_BREAK)
            row.cells[c].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def build_docx(lines: list[str], *, title: str, moment: dt.datetime):
    doc = new_document(title, moment, body=BODY, margins=MARGINS)
    table: _Table | None = None
    widths: list[float] | None = None
    after_table = False

    def flush():
        nonlocal table, after_table
        if table is not None and table.rows:
            _write_table(doc, table)
            after_table = True
        table = None

    for line in lines:
        directive, _sep, text = line.partition(" ")
        text = text.strip(" \t")
        if directive in ("@row", "@head", "@data"):
            if table is None:
                table = _Table(widths=widths)
                widths = None
            table.rows.append((directive[1:], [cell.strip(" \t") for cell in text.split("|")]))
            continue
        flush()
        if directive == "@cols":
            widths = [float(w) for w in text.split()]
            continue
        if directive == "@endtable":
            continue
        if directive == "@pagebreak":
            add_page_break(doc)
            continue
        if directive == "@gap":
            _paragraph(doc, "")
            continue
        if directive == "@small" and after_table:
            _paragraph(doc, "", size=SMALL_SIZE)  # a little air between a table and its note
        after_table = False
        for part in text.split(PARAGRAPH_BREAK):
            _block(doc, directive, part, line)
    flush()
    return doc


def _block(doc, directive: str, text: str, line: str) -> None:
    match directive:
        case "@unit":
            _paragraph(
                doc,
                text,
                align=WD_ALIGN_PARAGRAPH.CENTER,
                east_asia=TITLE_FONT,
                size=Pt(20),
                bold=True,
            )
        case "@title":
            _paragraph(
                doc,
                text,
                align=WD_ALIGN_PARAGRAPH.CENTER,
                east_asia=TITLE_FONT,
                size=Pt(22),
                bold=True,
                space_after=6,
            )
        case "@number":
            _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=12)
        case "@p":
            _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
        case "@line":
            _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        case "@h":
            _paragraph(doc, text, bold=True)
        case "@right":
            _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        case "@center":
            _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER)
        case "@small":
            _paragraph(doc, text, size=SMALL_SIZE)
        case _:
            raise ValueError(f"unknown layout directive in a document template: {line[:40]!r}")


def render_docx(snapshot: dict, *, moment: dt.datetime) -> bytes:
    """The DOCX of a snapshot; ``moment`` (the version's generation time) dates its properties."""
    title = f"{TITLES[snapshot['kind']]} {snapshot['number']}"
    return docx_bytes(build_docx(render_lines(snapshot), title=title, moment=moment))
