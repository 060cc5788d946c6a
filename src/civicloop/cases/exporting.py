"""Writing cases to an Excel workbook (.xlsx); parties' personal data masked (脱敏).

The caller applies the scope (``Case.objects.visible_to(user)``) and the filters; this
module only decides what each column shows. Text that starts like a formula is written
as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from civicloop.core.spreadsheets import append_header, append_row

from .choices import DeadlineKind
from .models import Case, CaseDeadline, CaseMatter, CaseParty


@dataclass(frozen=True)
class Column:
    header: Promise | str
    value: Callable[[Case], Any]
    width: int = 14


def _decision_due(case: Case):
    active = [d for d in case.deadlines.all() if d.kind == DeadlineKind.DECISION and d.is_active]
    return active[-1].due_at if active else None


def _days_to_close(case: Case):
    if case.closed_at is None:
        return None
    return round((case.closed_at - case.filed_at).total_seconds() / 86400, 1)


COLUMNS: tuple[Column, ...] = (
    Column(_("case number"), lambda c: c.number, 34),
    Column(_("title"), lambda c: c.title, 24),
    Column(_("stage"), lambda c: c.get_state_display(), 12),
    Column(_("procedure"), lambda c: c.get_procedure_display(), 14),
    Column(_("handling unit"), lambda c: c.handling_unit.name, 24),
    Column(_("decided under delegated powers"), lambda c: c.is_empowered, 10),
    Column(_("source"), lambda c: c.get_source_display(), 10),
    Column(
        _("parties"),
        lambda c: "、".join(link.party.display_name for link in c.party_links.all()),
        24,
    ),
    Column(
        _("matters"), lambda c: "、".join(link.matter.code for link in c.matter_links.all()), 16
    ),
    Column(_("date of the violation"), lambda c: c.violation_date, 12),
    Column(_("filed at"), lambda c: c.filed_at, 17),
    Column(_("decision due"), _decision_due, 17),
    Column(_("outcome"), lambda c: c.get_outcome_display(), 10),
    Column(_("fine (yuan)"), lambda c: c.fine_amount, 10),
    Column(_("decided at"), lambda c: c.decided_at, 17),
    Column(_("closed at"), lambda c: c.closed_at, 17),
    Column(_("days from filing to closing"), _days_to_close, 10),
)


def export_queryset(cases):
    return cases.select_related("handling_unit").prefetch_related(
        Prefetch("party_links", queryset=CaseParty.objects.select_related("party")),
        Prefetch("matter_links", queryset=CaseMatter.objects.select_related("matter")),
        Prefetch("deadlines", queryset=CaseDeadline.objects.order_by("id")),
    )


def write_cases_workbook(cases: Iterable[Case], target: BinaryIO) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("cases")))
    append_header(sheet, [c.header for c in COLUMNS], widths=[c.width for c in COLUMNS])
    count = 0
    for case in export_queryset(cases) if hasattr(cases, "select_related") else cases:
        append_row(sheet, [column.value(case) for column in COLUMNS])
        count += 1
    workbook.save(target)
    return count
