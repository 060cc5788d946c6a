"""Writing the matter catalog and assessment results to Excel (.xlsx).

The catalog workbook's first sheet has one row per matter, with the version in
force on the export date, in the columns :mod:`importing` reads (so an export
imports back unchanged); a second sheet lists every version (the history of
wordings and ranges); a third explains the columns in Chinese and English.

Text that starts like a formula (``=``, ``+``, ``-``, ``@``) is written as plain
text so that no cell runs as a formula when the file is opened.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from civicloop.core.spreadsheets import append_header, cell

from .importing import COLUMNS
from .models import EmpowermentGrant, Matter, MatterVersion
from .ranges import format_ranges_text, ranges_of

# The first sheet's columns, in order (the minimum first).
CATALOG_FIELDS = [
    "code",
    "name",
    "department",
    "law",
    "article",
    "fine_min",
    "fine_max",
    "ranges",
    "category",
    "delegable",
    "law_version",
    "clause",
    "effective_from",
    "article_text",
    "note",
    "category_name",
    "department_name",
    "towns_holding",
]
WIDTHS = {
    "code": 10,
    "name": 48,
    "law": 28,
    "article": 14,
    "article_text": 80,
    "category_name": 14,
    "department_name": 22,
    "clause": 16,
    "note": 24,
}


def _header(sheet, fields: list[str]) -> None:
    append_header(sheet, fields, widths=[WIDTHS.get(name, 12) for name in fields], freeze="B2")


def _version_row(version: MatterVersion | None, matter: Matter, holding: int) -> dict[str, Any]:
    return {
        "code": matter.code,
        "name": version.name if version else matter.name,
        "department": matter.department.code,
        "law": version.law if version else "",
        "article": version.article if version else "",
        "fine_min": version.fine_min if version else None,
        "fine_max": version.fine_max if version else None,
        "ranges": format_ranges_text(ranges_of(version)) if version else "",
        "category": matter.category.code,
        "delegable": "是" if matter.delegable else "否",
        "law_version": version.law_version if version else None,
        "clause": version.clause if version else "",
        "effective_from": version.effective_from if version else None,
        "article_text": version.article_text if version else "",
        "note": version.note if version else "",
        "category_name": matter.category.name,
        "department_name": matter.department.name,
        "towns_holding": holding,
    }


def write_catalog_workbook(matters, target: BinaryIO | str, *, on: dt.date | None = None) -> int:
    """Write ``matters`` with the versions in force on ``on`` (today); return the row count."""
    on = on or timezone.localdate()
    matters = list(
        matters.select_related("category", "department")
        .with_version(on)
        .prefetch_related("versions__statutory_ranges")
    )
    holding = Counter(EmpowermentGrant.objects.in_force(on=on).values_list("matter_id", flat=True))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="matters")
    _header(sheet, CATALOG_FIELDS)
    for matter in matters:
        values = _version_row(matter.current_version(on), matter, holding.get(matter.pk, 0))
        sheet.append([cell(sheet, values[f]) for f in CATALOG_FIELDS])

    versions = workbook.create_sheet(title="versions")
    version_fields = [
        "code",
        "effective_from",
        "effective_to",
        "name",
        "law",
        "law_version",
        "article",
        "clause",
        "fine_min",
        "fine_max",
        "ranges",
        "note",
        "article_text",
    ]
    _header(versions, version_fields)
    for matter in matters:
        for version in sorted(matter.versions.all(), key=lambda v: v.effective_from):
            values = {
                "code": matter.code,
                "effective_to": version.effective_to,
                "ranges": format_ranges_text(ranges_of(version)),
                **{
                    f: getattr(version, f)
                    for f in version_fields
                    if f not in ("code", "effective_to", "ranges")
                },
            }
            versions.append([cell(versions, values[f]) for f in version_fields])

    readme = workbook.create_sheet(title="说明")
    readme.column_dimensions["A"].width = 18
    readme.column_dimensions["B"].width = 14
    readme.column_dimensions["C"].width = 70
    readme.append(
        [
            cell(
                readme,
                _(
                    "Matter catalog exported on %(date)s: each row shows the version in force "
                    "that day."
                )
                % {"date": on.isoformat()},
                bold=True,
            )
        ]
    )
    readme.append(
        [
            cell(readme, _("column"), bold=True),
            cell(readme, _("header in Chinese"), bold=True),
            cell(readme, _("meaning"), bold=True),
        ]
    )
    by_field = {c.field: c for c in COLUMNS}
    for name in CATALOG_FIELDS:
        column = by_field[name]
        readme.append(
            [cell(readme, name), cell(readme, column.header), cell(readme, str(column.help))]
        )
    workbook.save(target)
    return len(matters)
