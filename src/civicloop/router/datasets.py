"""Where training texts come from: message CSV files (the shipped starter data or
a file given on the command line) and the organisers' taxonomy.

CSV files are read as UTF-8 (with or without BOM) or GB18030, the two encodings
Chinese spreadsheets save; anything else is refused with a message that says what
is wrong, before anything is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from civicloop.core.text import message_text

from .learning import Corpus

DATA_DIR = Path(__file__).resolve().parent / "data"
STARTER_FILE = DATA_DIR / "labelled_train.csv"
TAXONOMY_FILE = DATA_DIR / "taxonomy.csv"

ID_COLUMN = "留言编号"
TITLE_COLUMN = "留言主题"
BODY_COLUMN = "留言详情"
LABEL_COLUMN = "一级分类"
TEXT_COLUMNS = (TITLE_COLUMN, BODY_COLUMN)

# Cells longer than this are cut (a message board post is far shorter).
MAX_CELL = 20_000


class CsvProblem(ValueError):
    """A CSV file that cannot be used, with a message for people."""


@dataclass
class MessageTable:
    """The rows of a message CSV, decoded, with the encoding that worked."""

    path: Path
    encoding: str
    columns: list[str]
    rows: list[dict[str, str]]

    def texts(self) -> list[str]:
        return [message_text(r.get(TITLE_COLUMN), r.get(BODY_COLUMN)) for r in self.rows]

    def labels(self) -> list[str]:
        return [(r.get(LABEL_COLUMN) or "").strip() for r in self.rows]


def decode(raw: bytes) -> tuple[str, str]:
    """Text and encoding name of a CSV file's bytes: UTF-8 (BOM or not), else GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise CsvProblem(_("The file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8."))


def read_messages(path: Path | str, *, need_label: bool = False) -> MessageTable:
    """Read a message CSV; it must have 留言主题 and 留言详情 (and 一级分类 when
    ``need_label``) and at least one row with text."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CsvProblem(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 ("Unicode text" in Excel)
        raise CsvProblem(_("The file is neither UTF-8 nor GB18030 text; save it as CSV UTF-8."))
    if b"\x00" in raw[:4096]:
        raise CsvProblem(
            _("%(path)s is not a CSV text file (is it an Excel workbook? Save it as CSV UTF-8).")
            % {"path": path}
        )
    content, encoding = decode(raw)
    if not content.strip():
        raise CsvProblem(_("%(path)s is empty.") % {"path": path})
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL * 10))
    try:
        reader = csv.DictReader(io.StringIO(content, newline=""))
        columns = [c.strip() for c in (reader.fieldnames or [])]
        reader.fieldnames = columns
        rows = [
            {k: (v or "")[:MAX_CELL] for k, v in row.items() if k is not None} for row in reader
        ]
    except csv.Error as exc:
        raise CsvProblem(
            _("%(path)s is not a valid CSV file: %(error)s") % {"path": path, "error": exc}
        ) from exc
    required = [*TEXT_COLUMNS, LABEL_COLUMN] if need_label else list(TEXT_COLUMNS)
    missing = [c for c in required if c not in columns]
    if missing:
        raise CsvProblem(
            _("%(path)s lacks the column(s) %(missing)s; it has: %(columns)s.")
            % {"path": path, "missing": "、".join(missing), "columns": "、".join(columns) or "—"}
        )
    rows = [r for r in rows if any((r.get(c) or "").strip() for c in TEXT_COLUMNS)]
    if not rows:
        raise CsvProblem(_("%(path)s has no rows with a subject or details.") % {"path": path})
    if need_label:
        unlabelled = [
            i for i, r in enumerate(rows, start=2) if not (r.get(LABEL_COLUMN) or "").strip()
        ]
        if unlabelled:
            raise CsvProblem(
                _("%(path)s: rows without a label in column %(column)s (first: line %(line)s).")
                % {"path": path, "column": LABEL_COLUMN, "line": unlabelled[0]}
            )
    return MessageTable(path=path, encoding=encoding, columns=columns, rows=rows)


def labelled_corpus(path: Path | str) -> Corpus:
    table = read_messages(path, need_label=True)
    return Corpus(table.texts(), table.labels())


def file_digest(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def starter_corpus() -> Corpus:
    """The real labelled messages shipped with the app (2020 TipDM Cup, 7 classes)."""
    return labelled_corpus(STARTER_FILE)


@cache
def taxonomy_corpus() -> Corpus:
    """Weak texts from the organisers' taxonomy: for each second-level class, its name
    and the names of its third-level classes, labelled with the first-level class."""
    groups: dict[tuple[str, str], list[str]] = {}
    with TAXONOMY_FILE.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["一级分类"].strip(), row["二级分类"].strip())
            groups.setdefault(key, []).append(row["三级分类"].strip())
    texts, labels = [], []
    for (first, second), thirds in groups.items():
        texts.append(f"{second}：{'、'.join(thirds)}")
        labels.append(first)
    return Corpus(texts, labels)
