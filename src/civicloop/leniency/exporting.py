"""Writing the "一免一减" list to Excel (.xlsx): the first sheet has one row per item with its
latest version, in the columns :mod:`importing` reads (an export imports back unchanged);
the second lists every version; the third explains the columns and the conditions.

Text that starts like a formula is written as plain text (no cell runs as a formula)."""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from civicloop.core.spreadsheets import append_header, cell

from .conditions import KINDS, format_conditions
from .importing import COLUMNS
from .models import LeniencyItem

FIELDS = [
    "code",
    "matter",
    "kind",
    "title",
    "conditions",
    "legal_basis",
    "basis_text",
    "document_number",
    "effective_from",
    "note",
    "matter_name",
    "version",
    "in_force",
]
WIDTHS = {
    "code": 14,
    "matter": 10,
    "title": 40,
    "conditions": 44,
    "basis_text": 34,
    "document_number": 30,
    "matter_name": 40,
    "note": 24,
    "effective_from": 12,
}


def _header(sheet, fields: list[str]) -> None:
    append_header(sheet, fields, widths=[WIDTHS.get(name, 12) for name in fields], freeze="B2")


def _cell(sheet, value: Any, *, bold: bool = False):
    # Every cell top-aligned, long text wrapped (conditions, legal basis).
    return cell(sheet, value, bold=bold, wrap=None)


def write_list_workbook(items, out: str | BinaryIO, *, on: dt.date | None = None) -> int:
    on = on or timezone.localdate()
    workbook = Workbook(write_only=True)
    main = workbook.create_sheet(_("items"))
    _header(main, FIELDS)
    versions_sheet = workbook.create_sheet(_("versions"))
    version_fields = [
        "code",
        "version",
        "effective_from",
        "effective_to",
        "title",
        "conditions",
        "legal_basis",
        "basis_text",
        "document_number",
        "note",
    ]
    _header(versions_sheet, version_fields)
    count = 0
    for item in items.select_related("matter").prefetch_related("versions"):
        versions = sorted(item.versions.all(), key=lambda v: v.effective_from)
        if not versions:
            continue
        latest = versions[-1]
        row = {
            "code": item.code,
            "matter": item.matter.code,
            "kind": item.kind,
            "title": latest.title,
            "conditions": format_conditions(latest.conditions),
            "legal_basis": latest.legal_basis,
            "basis_text": latest.basis_text,
            "document_number": latest.document_number,
            "effective_from": latest.effective_from,
            "note": latest.note,
            "matter_name": item.matter.name,
            "version": latest.number,
            "in_force": "是" if item.is_active and latest.is_in_force(on) else "否",
        }
        main.append([_cell(main, row[f]) for f in FIELDS])
        for version in versions:
            values = {
                "code": item.code,
                "version": version.number,
                "effective_from": version.effective_from,
                "effective_to": version.effective_to,
                "title": version.title,
                "conditions": format_conditions(version.conditions),
                "legal_basis": version.legal_basis,
                "basis_text": version.basis_text,
                "document_number": version.document_number,
                "note": version.note,
            }
            versions_sheet.append([_cell(versions_sheet, values[f]) for f in version_fields])
        count += 1
    readme = workbook.create_sheet(_("README"))
    readme.append(
        [
            _cell(readme, _("column"), bold=True),
            _cell(readme, "中文", bold=True),
            _cell(readme, _("meaning"), bold=True),
        ]
    )
    for column in COLUMNS:
        readme.append(
            [
                _cell(readme, column.field),
                _cell(readme, column.header),
                _cell(readme, str(column.help)),
            ]
        )
    readme.append([])
    readme.append(
        [
            _cell(readme, _("condition"), bold=True),
            _cell(readme, "中文", bold=True),
            _cell(readme, _("meaning"), bold=True),
        ]
    )
    for code, kind in KINDS.items():
        readme.append(
            [
                _cell(readme, code + ("=…" if kind.parse else "")),
                _cell(readme, "、".join(kind.aliases)),
                _cell(readme, str(kind.label) % {"value": "…"} if kind.parse else str(kind.label)),
            ]
        )
    workbook.save(out)
    return count


def export_items() -> Any:
    return LeniencyItem.objects.order_by("matter__code", "kind", "code")
