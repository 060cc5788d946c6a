"""Figures of penalty cases, each computed from records by one function (docs/kpis.md).

Every function takes a :class:`Period` (either end may be open: the whole database)
and returns a JSON-ready value. :data:`FIGURES` names them, with their unit and definition,
in the order reports show them; ``CasesConfig.ready()`` registers them in
``core.figures.figures`` under the subject ``cases``, where the leniency app adds
``leniency_items`` and ``credit_repairs``. A new figure is one function and one line there.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from civicloop.core.figures import Figure, Period, figures

from .choices import APPROVING_OPINIONS, Outcome, Procedure, ReviewState
from .models import Case, LegalReview, ReviewSeat


def _days(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86400


def avg_closing_days(period: Period) -> dict[str, float | None]:
    """Mean natural days from filing to closing, by procedure, over the cases closed in the
    period (withdrawn cases are not closed). ``None`` for a procedure without closed cases."""
    rows = Case.objects.closed_between(period.start, period.end).values_list(
        "procedure", "filed_at", "closed_at"
    )
    spans: dict[str, list[float]] = {p: [] for p in Procedure.values}
    for procedure, filed_at, closed_at in rows:
        spans[procedure].append(_days(closed_at - filed_at))
    return {p: round(sum(v) / len(v), 1) if v else None for p, v in spans.items()}


def closed_cases(period: Period) -> dict[str, int]:
    """How many cases were closed in the period, by procedure (the base of the averages)."""
    counts = dict.fromkeys(Procedure.values, 0)
    for procedure in Case.objects.closed_between(period.start, period.end).values_list(
        "procedure", flat=True
    ):
        counts[procedure] += 1
    return counts


def empowered_cases_decided(period: Period):
    """Cases a town decided under delegated powers in the period, outside the simple procedure
    (on-the-spot decisions are not reviewed; review.py)."""
    return (
        Case.objects.empowered()
        .decided_between(period.start, period.end)
        .exclude(procedure=Procedure.SIMPLE)
    )


def qualified_review_share(period: Period) -> float | None:
    """Of the empowered-town cases decided in the period, the share whose decision rested on a
    legal review approved by at least one reviewer holding the legal professional qualification
    on the day of the opinion. The review counted is the latest approved one concluded before
    the decision; a case decided without an approved review counts as not qualified. ``None``
    when no such case was decided."""
    cases = empowered_cases_decided(period)
    total = cases.count()
    if not total:
        return None
    latest = LegalReview.objects.filter(
        case=OuterRef("pk"), state=ReviewState.APPROVED, concluded_at__lte=OuterRef("decided_at")
    ).order_by("-concluded_at", "-id")
    qualified = ReviewSeat.objects.filter(
        review_id=OuterRef("approving_review"), qualified=True, opinion__in=APPROVING_OPINIONS
    )
    counted = (
        cases.annotate(approving_review=Subquery(latest.values("pk")[:1]))
        .filter(Exists(qualified))
        .count()
    )
    return round(counted / total, 4)


def no_penalty_decisions(period: Period) -> int:
    """Decisions not to penalise (不予处罚) made in the period."""
    return (
        Case.objects.decided_between(period.start, period.end)
        .filter(outcome=Outcome.NO_PENALTY)
        .count()
    )


SUBJECT = "cases"

FIGURES = (
    Figure(
        SUBJECT,
        "avg_closing_days",
        definition=_(
            "Mean natural days from filing to closing of the cases closed in the period, "
            "by procedure (withdrawn cases are not closed)."
        ),
        unit=_("days, by procedure"),
        compute=avg_closing_days,
        order=10,
        regional=False,
    ),
    Figure(
        SUBJECT,
        "closed_cases",
        definition=_("Cases closed in the period, by procedure (the base of the averages)."),
        unit=_("cases, by procedure"),
        compute=closed_cases,
        order=20,
        regional=False,
    ),
    Figure(
        SUBJECT,
        "qualified_review_share",
        definition=_(
            "Of the empowered towns' cases decided in the period outside the simple procedure, "
            "the share whose approving legal review had a qualified reviewer approve."
        ),
        unit=_("share (0–1)"),
        compute=qualified_review_share,
        order=30,
        regional=False,
    ),
    Figure(
        SUBJECT,
        "no_penalty_decisions",
        definition=_("Decisions not to penalise made in the period."),
        unit=_("decisions"),
        compute=no_penalty_decisions,
        order=40,
        regional=False,
    ),
)


def report(period: Period | None = None) -> dict:
    """Every figure of penalty cases for the period (the other apps' too), with the period."""
    return figures.report(SUBJECT, period)
