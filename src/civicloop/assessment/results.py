"""An assessment round's results compared across towns: the table, the ranking and
its Excel export (pages, API and export read the same rows)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from civicloop.core.spreadsheets import append_row

from .choices import Dimension
from .models import AssessmentRound, TownAssessment
from .scoring import DIMENSIONS, rank


@dataclass
class ResultRow:
    assessment: TownAssessment
    scores: dict[str, Decimal | None]
    total: Decimal | None
    rank: int | None

    @property
    def town(self):
        return self.assessment.town

    def score_list(self) -> list[Decimal | None]:
        return [self.scores.get(d) for d in DIMENSIONS]


def round_results(round_: AssessmentRound, *, assessments=None) -> list[ResultRow]:
    """One row per town (of ``assessments``, default all in the round), ranked by total."""
    assessments = assessments if assessments is not None else round_.assessments.all()
    assessments = list(assessments.select_related("town").prefetch_related("scores"))
    totals = [a.total for a in assessments]
    ranks = rank(totals)
    rows = [
        ResultRow(a, {s.dimension: s.score for s in a.scores.all()}, a.total, r)
        for a, r in zip(assessments, ranks, strict=True)
    ]
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.town.code))
    return rows


def write_results_workbook(
    round_: AssessmentRound, rows: list[ResultRow], target: BinaryIO | str
) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("results")
    sheet.column_dimensions["B"].width = 14
    sheet.freeze_panes = "C3"
    title = _("%(round)s (%(start)s – %(end)s)") % {
        "round": round_.name,
        "start": round_.period_start.isoformat(),
        "end": round_.period_end.isoformat(),
    }
    append_row(sheet, [title], bold=True)
    header = [
        _("rank"),
        _("town / street"),
        _("state"),
        *[f"{Dimension(d).label} ({round_.weights.get(d, 0)})" for d in DIMENSIONS],
        _("total score"),
    ]
    append_row(sheet, header, bold=True)
    for row in rows:
        append_row(
            sheet,
            [
                row.rank,
                row.town.name,
                row.assessment.get_state_display(),
                *row.score_list(),
                row.total,
            ],
        )
    workbook.save(target)
    return len(rows)
