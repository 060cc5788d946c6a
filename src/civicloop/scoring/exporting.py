"""The annual assessment workbook (年度考核): one sheet of the year's totals, ranks and ratings
with each quarter's total, one of every point entry with the record that earned it, and one of
the outcomes recorded. Cells are written by ``core.spreadsheets`` only."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from civicloop.core.figures import Period
from civicloop.core.spreadsheets import append_header, append_row

from .models import Outcome, PointEntry
from .standings import ScorePeriod, standings


def describe_source(entry: PointEntry) -> str:
    """The record behind an entry, as people name it (event number, visit place and time …)."""
    source = entry.source
    if source is None:
        return "—"
    number = getattr(source, "number", None) or getattr(
        getattr(source, "event", None), "number", None
    )
    return f"{source._meta.verbose_name} {number or ''} {source}".strip()


def annual_workbook(year: int, *, viewer=None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Annual totals"))
    quarters = [standings(ScorePeriod(year, q), viewer=viewer) for q in (1, 2, 3, 4)]
    by_quarter = [{s.person.pk: s for s in rows} for rows in quarters]
    append_header(
        sheet,
        [
            _("Staff member"),
            _("Role"),
            _("Town"),
            *[_("Q%(n)d total") % {"n": q} for q in (1, 2, 3, 4)],
            *[_("Q%(n)d rating") % {"n": q} for q in (1, 2, 3, 4)],
            _("Year total"),
            _("County rank"),
            _("Town rank"),
        ],
        widths=[16, 16, 14, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
    )
    for row in standings(ScorePeriod(year), viewer=viewer):
        quarter_rows = [q.get(row.person.pk) for q in by_quarter]
        append_row(
            sheet,
            [
                str(row.person),
                row.role_label,
                str(row.town or ""),
                *[q.total if q else None for q in quarter_rows],
                *[q.grade_label if q else "" for q in quarter_rows],
                row.total,
                row.county_rank,
                row.town_rank,
            ],
        )
    detail = workbook.create_sheet(_("Point entries"))
    append_header(
        detail,
        [_("Staff member"), _("Earned at"), _("Item"), _("Points"), _("Record"), _("Rule version")],
        widths=[16, 18, 22, 8, 48, 14],
    )
    start, end = Period.year(year).moments()
    entries = PointEntry.objects.between(start, end).select_related(
        "person", "rule_version", "source_type"
    )
    if viewer is not None:
        entries = entries.visible_to(viewer)
    for entry in entries.order_by("person__username", "earned_at", "id"):
        append_row(
            detail,
            [
                str(entry.person),
                entry.earned_at,
                entry.get_item_display(),
                entry.points,
                describe_source(entry),
                entry.rule_version.effective_from if entry.rule_version else "",
            ],
        )
    outcomes = workbook.create_sheet(_("Outcomes"))
    append_header(
        outcomes,
        [
            _("Staff member"),
            _("Kind"),
            _("Quarter"),
            _("Rating"),
            _("Note"),
            _("Recorded by"),
            _("Recorded at"),
        ],
        widths=[16, 16, 8, 12, 30, 16, 18],
    )
    rows = Outcome.objects.filter(year=year).select_related("person", "recorded_by")
    if viewer is not None:
        rows = rows.visible_to(viewer)
    for outcome in rows:
        append_row(
            outcomes,
            [
                str(outcome.person),
                outcome.get_kind_display(),
                outcome.quarter or "",
                outcome.get_grade_display() if outcome.grade else "",
                outcome.note,
                str(outcome.recorded_by),
                outcome.recorded_at,
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
