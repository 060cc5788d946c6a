"""Figures of inspections (subject ``inspections``): the report's headline “检查频次下降52.8%”
— visits per enterprise and their change year on year — the joint-visit share, repeated
inspections, problems found and cases opened. ``InspectionsConfig.ready()`` registers
:data:`FIGURES`. Also the town assessment's 监管检查 indicator (:func:`supervision_indicator`).

A visit counts on its date and where its subject is; a record on the day it was made.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicloop.assessment.choices import Dimension
from civicloop.assessment.indicators import Indicator, _rate
from civicloop.core.figures import COUNT, SHARE, Figure, Measure, Period, Subject, figures

from .choices import PROBLEM_RESULTS, VisitState
from .models import InspectionRecord, Visit
from .services import repeated_pairs

SUBJECT = "inspections"
PLACE = "subject__region__code"


def visit_rows():
    return Visit.objects.all()


def problem_rows():
    return InspectionRecord.objects.filter(result_code__in=PROBLEM_RESULTS)


def case_rows():
    return InspectionRecord.objects.filter(case__isnull=False)


def _visits(period: Period, region=None):
    rows = Visit.objects.all()
    if period.start:
        rows = rows.filter(date__gte=period.start)
    if period.end:
        rows = rows.filter(date__lte=period.end)
    if region is not None:
        rows = rows.filter(subject__region__code__startswith=region.prefix)
    return rows


def visits_per_enterprise(period: Period, region=None):
    """Visits in the period divided by the enterprises visited."""
    rows = _visits(period, region)
    visits = rows.count()
    enterprises = rows.values("subject").distinct().count()
    return round(visits / enterprises, 4) if enterprises else None


def visits_change(period: Period, region=None):
    """Visits in the period against the same dates a year earlier, in per cent."""
    last = period.last_year()
    if last is None:
        return None
    before = _visits(last, region).count()
    if not before:
        return None
    now = _visits(period, region).count()
    return round((now - before) * 100 / before, 1)


def repeated(period: Period, region=None):
    """Visits in the period that repeat another department's visit of the subject within 30
    days (the earlier visit may lie before the period)."""
    rows = _visits(period, region)
    window = Period(period.start - dt.timedelta(days=30) if period.start else None, period.end)
    candidates = _visits(window, region).filter(subject__in=rows.values("subject"))
    warnings = repeated_pairs(candidates.prefetch_related("units"))
    return rows.filter(pk__in=list(warnings)).count()


def _records(**params):
    def url(period: Period, region=None) -> str:
        query = dict(params)
        if period.start:
            query["after"] = period.start.isoformat()
        if period.end:
            query["before"] = period.end.isoformat()
        if region is not None:
            query["region"] = region.code
        return f"{reverse('inspections:visits')}?{urlencode(query)}"

    return url


VISITS = Figure(
    SUBJECT,
    "visits",
    label=_("Inspection visits"),
    definition=_(
        "Visits to market subjects dated in the period (a joint visit of several departments "
        "counts once: 综合查一次), planned or done, where the subject is."
    ),
    unit=_("visits"),
    measure=Measure(rows=visit_rows, date="date", kind=COUNT, place=PLACE),
    better="down",
    records=_records(),
    order=10,
)
VISITS_PER_ENTERPRISE = Figure(
    SUBJECT,
    "visits_per_enterprise",
    label=_("Visits per enterprise"),
    definition=_(
        "Visits dated in the period divided by the number of market subjects visited in it."
    ),
    unit=_("visits"),
    compute=visits_per_enterprise,
    better="down",
    records=_records(),
    order=20,
)
VISITS_CHANGE = Figure(
    SUBJECT,
    "visits_change",
    label=_("Visits, change year on year"),
    definition=_(
        "The report's “检查频次下降52.8%”: visits dated in the period against visits on the "
        "same dates a year earlier, (this − last) ÷ last × 100; empty without visits last year."
    ),
    unit="%",
    compute=visits_change,
    better="down",
    records=_records(),
    order=30,
)
JOINT_SHARE = Figure(
    SUBJECT,
    "joint_share",
    label=_("Joint-visit share"),
    definition=_(
        "Of the visits dated in the period, the share merging the tasks of two or more "
        "departments (综合查一次)."
    ),
    unit=_("share"),
    measure=Measure(
        rows=visit_rows, date="date", kind=SHARE, numerator=Q(department_count__gte=2), place=PLACE
    ),
    better="up",
    records=_records(joint="1"),
    order=40,
)
REPEATED = Figure(
    SUBJECT,
    "repeated",
    label=_("Repeated inspections"),
    definition=_(
        "Visits dated in the period to a subject another department (or set of departments) "
        "visited in the 30 days before: the repeated-inspection monitor's warnings."
    ),
    unit=_("visits"),
    compute=repeated,
    better="down",
    records=_records(repeated="1"),
    order=50,
)
PROBLEMS_FOUND = Figure(
    SUBJECT,
    "problems_found",
    label=_("Problems found"),
    definition=_(
        "Inspection records made in the period whose national result code is a finding "
        "(未按规定公示, 弄虚作假, 无法联系, 责令改正, 不配合检查)."
    ),
    unit=_("records"),
    measure=Measure(rows=problem_rows, date="inspected_at", kind=COUNT, place=f"visit__{PLACE}"),
    records=_records(problems="1"),
    order=60,
)
CASES_OPENED = Figure(
    SUBJECT,
    "cases_opened",
    label=_("Cases opened from inspections"),
    definition=_(
        "Penalty cases opened from inspection records on a local date in the period (the "
        "record links the case)."
    ),
    unit=_("cases"),
    measure=Measure(rows=case_rows, date="case_opened_at", kind=COUNT, place=f"visit__{PLACE}"),
    records=_records(cases="1"),
    order=70,
)

FIGURES = (
    VISITS,
    VISITS_PER_ENTERPRISE,
    VISITS_CHANGE,
    JOINT_SHARE,
    REPEATED,
    PROBLEMS_FOUND,
    CASES_OPENED,
)
SUBJECTS = (Subject(SUBJECT, _("Inspections"), order=58),)


def report(period: Period | None = None, region=None) -> dict:
    return figures.report(SUBJECT, period, region)


def supervision_indicator(town, start: dt.date, end: dt.date) -> Indicator:
    """监管检查: of the visits to the town's subjects due in the period (dated in it, up to
    today), the share done with an inspection record."""
    today = timezone.localdate()
    due = Visit.objects.filter(
        subject__region__code__startswith=town.prefix,
        date__gte=start,
        date__lte=min(end, today),
    )
    total = due.count()
    done = due.filter(state=VisitState.DONE).count()
    note = (
        gettext(
            "Inspections: of the %(total)d visits to the town's market subjects due in the "
            "period, %(done)d were done and recorded."
        )
        % {"total": total, "done": done}
        if total
        else gettext("Inspections: no visits to the town's market subjects were due.")
    )
    return Indicator(Dimension.SUPERVISION, _rate(done, total), done, total, note)
