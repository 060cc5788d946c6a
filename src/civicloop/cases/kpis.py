"""Figures of penalty cases (subject ``cases``; docs/kpis.md is generated from the definitions).

Each figure is a :class:`~civicloop.core.figures.Measure` over one queryset of cases, so the
cockpit can pre-aggregate it by day and town. A case is placed by ``Case.objects.with_place()``:
the place of the violation when recorded, else the handling unit's area — a town counts the cases
in its own area, not a neighbour's. ``records`` of each figure is the case list filtered to exactly
the cases counted (``filtersets.CaseFilterSet``).

``CasesConfig.ready()`` registers :data:`FIGURES`; the leniency app adds ``leniency_items`` and
``credit_repairs`` to this subject for the reports that have always shown them there.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.figures import COUNT, MEAN, SHARE, Figure, Measure, Period, Subject, figures

from .choices import APPROVING_OPINIONS, CaseState, Outcome, Procedure, ReviewState
from .models import Case, CaseQuerySet, LegalReview, ReviewSeat

SUBJECT = "cases"
PLACE = "place_code"  # annotated by Case.objects.with_place()
DAYS = 1 / 86400  # durations are summed in seconds
# On-the-spot decisions (simple procedure) need no legal review (review.py).
REVIEWED_PROCEDURES = tuple(p for p in Procedure.values if p != Procedure.SIMPLE)


# --- the rows each figure counts ---------------------------------------------------------------


def cases() -> CaseQuerySet:
    return Case.objects.with_place()


def closed_cases_rows() -> CaseQuerySet:
    """Closed cases (stage 结案); a withdrawn case is finished but not closed."""
    return Case.objects.with_place().filter(state=CaseState.CLOSED, closed_at__isnull=False)


def no_penalty_rows() -> CaseQuerySet:
    return Case.objects.with_place().filter(outcome=Outcome.NO_PENALTY)


def empowered_rows() -> CaseQuerySet:
    return Case.objects.with_place().empowered()


def reviewed_empowered_rows() -> CaseQuerySet:
    """Empowered cases outside the simple procedure, each annotated with ``qualified_review``:
    whether its approving legal review — the latest approved review concluded at or before the
    decision — has an approving opinion by a reviewer qualified on the day of the opinion."""
    latest = LegalReview.objects.filter(
        case=OuterRef("pk"), state=ReviewState.APPROVED, concluded_at__lte=OuterRef("decided_at")
    ).order_by("-concluded_at", "-id")
    qualified = ReviewSeat.objects.filter(
        review_id=OuterRef("approving_review"), qualified=True, opinion__in=APPROVING_OPINIONS
    )
    return (
        Case.objects.with_place()
        .empowered()
        .filter(procedure__in=REVIEWED_PROCEDURES)
        .annotate(approving_review=Subquery(latest.values("pk")[:1]))
        .annotate(qualified_review=Exists(qualified))
    )


CLOSING_TIME = ExpressionWrapper(F("closed_at") - F("filed_at"), output_field=DurationField())


# --- drill-downs: the case list filtered to the rows counted ---------------------------------


def case_list_url(period: Period, region, date: str, **params) -> str:
    """The case list (``/cases/``) filtered to the cases whose ``date`` (filed, decided,
    closed) falls in the period and whose place lies in ``region``, plus ``params``."""
    query = dict(params)
    if period.start:
        query[f"{date}_after"] = period.start.isoformat()
    if period.end:
        query[f"{date}_before"] = period.end.isoformat()
    if region is not None:
        query["region"] = region.code
    return f"{reverse('cases:list')}?{urlencode(query, doseq=True)}"


def closed_records(period: Period, region=None) -> str:
    return case_list_url(period, region, "closed", state=CaseState.CLOSED)


def filed_records(period: Period, region=None) -> str:
    return case_list_url(period, region, "filed")


def no_penalty_records(period: Period, region=None) -> str:
    return case_list_url(period, region, "decided", outcome=Outcome.NO_PENALTY)


def empowered_records(period: Period, region=None) -> str:
    return case_list_url(period, region, "decided", is_empowered="true")


def reviewed_empowered_records(period: Period, region=None) -> str:
    return case_list_url(
        period, region, "decided", is_empowered="true", procedure=list(REVIEWED_PROCEDURES)
    )


# --- the figures ------------------------------------------------------------------------------

FIGURES = (
    Figure(
        SUBJECT,
        "avg_closing_days",
        label=_("Average days to close, by procedure"),
        definition=_(
            "For each procedure (simple, fast track, ordinary): the mean natural days from "
            "filing (filed_at) to closing (closed_at), as fractional days rounded to one "
            "decimal, over the cases closed (stage closed) on a local date in the period. "
            "Numerator: the sum of those durations; denominator: the number of those cases. "
            "Withdrawn cases are not closed and are not counted. A case counts under the "
            "procedure it had when it closed (a fast-track case switched to the ordinary "
            "procedure counts as ordinary). Empty (null) for a procedure without a case closed "
            "in the period. The closing date decides the period; the case's place (the place "
            "of the violation, else the handling unit's area) decides the region."
        ),
        unit=_("days, by procedure"),
        measure=Measure(
            rows=closed_cases_rows,
            date="closed_at",
            kind=MEAN,
            place=PLACE,
            value=CLOSING_TIME,
            scale=DAYS,
            part="procedure",
            parts=tuple(Procedure.values),
            digits=1,
        ),
        better="down",
        records=closed_records,
        order=10,
    ),
    Figure(
        SUBJECT,
        "avg_closing_days_overall",
        label=_("Average days to close"),
        definition=_(
            "The mean natural days from filing (filed_at) to closing (closed_at), as "
            "fractional days rounded to one decimal, over all cases closed (stage closed) on "
            "a local date in the period, whatever their procedure — the report's “办结时间从"
            "平均90天缩减至10天左右”. Numerator: the sum of those durations; denominator: the "
            "number of those cases. Withdrawn cases are not counted. Empty (null) when no case "
            "closed in the period. The closing date decides the period; the case's place "
            "decides the region."
        ),
        unit=_("days"),
        measure=Measure(
            rows=closed_cases_rows,
            date="closed_at",
            kind=MEAN,
            place=PLACE,
            value=CLOSING_TIME,
            scale=DAYS,
            digits=1,
        ),
        better="down",
        records=closed_records,
        order=15,
    ),
    Figure(
        SUBJECT,
        "closed_cases",
        label=_("Cases closed, by procedure"),
        definition=_(
            "The number of cases closed (stage closed) on a local date in the period, by the "
            "procedure they had when they closed — the denominators of the average days to "
            "close. Withdrawn cases are not counted. The closing date decides the period; the "
            "case's place decides the region."
        ),
        unit=_("cases, by procedure"),
        measure=Measure(
            rows=closed_cases_rows,
            date="closed_at",
            kind=COUNT,
            place=PLACE,
            part="procedure",
            parts=tuple(Procedure.values),
        ),
        better="up",
        records=closed_records,
        order=20,
    ),
    Figure(
        SUBJECT,
        "filed_cases",
        label=_("Cases filed, by procedure"),
        definition=_(
            "The number of cases filed (filed_at) on a local date in the period, by their "
            "procedure today (a fast-track case switched to the ordinary procedure counts as "
            "ordinary), withdrawn cases included. The filing date decides the period; the "
            "case's place decides the region."
        ),
        unit=_("cases, by procedure"),
        measure=Measure(
            rows=cases,
            date="filed_at",
            kind=COUNT,
            place=PLACE,
            part="procedure",
            parts=tuple(Procedure.values),
        ),
        # More cases filed is more enforcement or more violations: neither good nor bad news.
        better=None,
        records=filed_records,
        order=25,
    ),
    Figure(
        SUBJECT,
        "qualified_review_share",
        label=_("Empowered cases approved by a qualified reviewer"),
        definition=_(
            "The report's “赋权案件由具备法律职业资格的法审人员审批案件占比”. Denominator: the "
            "cases decided (decided_at) on a local date in the period under delegated powers "
            "(is_empowered: a town squad's case on a matter the town held on the filing date), "
            "outside the simple procedure (on-the-spot decisions are not reviewed). Numerator: "
            "those of them whose approving legal review — the latest review approved and "
            "concluded at or before the decision — has at least one approving opinion "
            "(approve, or approve with changes) by a reviewer who held the legal professional "
            "qualification (法律职业资格) on the day of that opinion. A case decided without an "
            "approved review counts in the denominator only. A share between 0 and 1, empty "
            "(null) when the denominator is 0. Reviewers serving since before 2021-07-15 may "
            "approve without the qualification, which is why it can be below 1 (the report: "
            "99.45 %). The decision date decides the period; the case's place decides the "
            "region."
        ),
        unit=_("share (0–1)"),
        measure=Measure(
            rows=reviewed_empowered_rows,
            date="decided_at",
            kind=SHARE,
            place=PLACE,
            numerator=Q(qualified_review=True),
        ),
        better="up",
        records=reviewed_empowered_records,
        order=30,
    ),
    Figure(
        SUBJECT,
        "empowered_cases_decided",
        label=_("Empowered cases decided"),
        definition=_(
            "The number of cases decided (decided_at) on a local date in the period under "
            "delegated powers (is_empowered: a town squad's case on a matter the town held on "
            "the filing date), every procedure and outcome. The decision date decides the "
            "period; the case's place decides the region."
        ),
        unit=_("cases"),
        measure=Measure(rows=empowered_rows, date="decided_at", kind=COUNT, place=PLACE),
        # The reform moves enforcement down to the towns: more of it decided there is the aim.
        better="up",
        records=empowered_records,
        order=35,
    ),
    Figure(
        SUBJECT,
        "no_penalty_decisions",
        label=_("No-penalty decisions"),
        definition=_(
            "The report's “办理不予行政处罚案件”: the number of cases decided (decided_at) on a "
            "local date in the period with the outcome “no penalty” (不予处罚), whatever the "
            "ground (first minor violation corrected, no fault, …). The decision date decides "
            "the period; the case's place decides the region."
        ),
        unit=_("decisions"),
        measure=Measure(rows=no_penalty_rows, date="decided_at", kind=COUNT, place=PLACE),
        # Flexible enforcement (柔性执法): the report counts them as an achievement.
        better="up",
        records=no_penalty_records,
        order=40,
    ),
)


def report(period: Period | None = None, region=None) -> dict:
    """Every figure of penalty cases for the period (the other apps' too), with the period."""
    return figures.report(SUBJECT, period, region)


SUBJECTS = (Subject("cases", _("Penalty cases"), order=40),)
