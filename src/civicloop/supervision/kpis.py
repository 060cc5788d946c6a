"""Figures of leadership supervision, subject ``supervision`` — the report's “召开专题会议8次，
组织学习考察3次，实地督导15次 … 每位领导每月至少实地督导1次” and the 约谈 of laggards.
``SupervisionConfig.ready()`` registers :data:`FIGURES`.

Meetings, visits and 约谈 are additive counts (placed at the group's region, or the summoned
unit's); the leaders below the field-visit duty are computed month by month from the visits.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.figures import COUNT, Figure, Measure, Period, Subject

from .choices import SummonsState, VisitKind
from .duties import leaders_below_duty
from .models import Meeting, Summons, Visit, month_start, next_month

SUBJECT = "supervision"
SUBJECTS = (Subject(SUBJECT, _("Leadership supervision"), order=60),)


def meeting_rows():
    return Meeting.objects.all()


def study_visit_rows():
    return Visit.objects.filter(kind=VisitKind.STUDY)


def field_visit_rows():
    return Visit.objects.filter(kind=VisitKind.FIELD)


def held_summons_rows():
    return Summons.objects.filter(held_at__isnull=False)


def followed_up_rows():
    return Summons.objects.filter(state__in=[SummonsState.IMPROVED, SummonsState.NOT_IMPROVED])


def suggested_rows():
    return Summons.objects.all()


def leader_months_below(period: Period, region=None) -> int:
    """Leader-months below the field-visit duty: for each month of the period that has
    ended, the leaders (of the region's leadership units) with fewer field visits than the
    duty asks; an open start begins with the first recorded visit."""
    today = timezone.localdate()
    start = period.start
    if start is None:
        first = Visit.objects.aggregate(first=Min("visited_on"))["first"]
        if first is None:
            return 0
        start = first
    end = period.end or today
    month, total = month_start(start), 0
    while next_month(month) <= min(end + dt.timedelta(days=1), today):
        total += leaders_below_duty(month, region=region)
        month = next_month(month)
    return total


PLACE_GROUP = "group__region__code"
PLACE_UNIT = "unit__region__code"

FIGURES = (
    Figure(
        SUBJECT,
        "meetings",
        label=_("Special meetings (专题会议)"),
        definition=_(
            "The special meetings of the dual-lead groups held (held_on) on a date in the "
            "period; placed at the group's county or town."
        ),
        unit=_("meetings"),
        measure=Measure(rows=meeting_rows, date="held_on", kind=COUNT, place=PLACE_GROUP),
        better="up",
        order=10,
    ),
    Figure(
        SUBJECT,
        "study_visits",
        label=_("Study visits (学习考察)"),
        definition=_("Study visits of the dual-lead groups made on a date in the period."),
        unit=_("visits"),
        measure=Measure(rows=study_visit_rows, date="visited_on", kind=COUNT, place=PLACE_GROUP),
        better="up",
        order=20,
    ),
    Figure(
        SUBJECT,
        "field_visits",
        label=_("Field visits (实地督导)"),
        definition=_(
            "Field visits of leaders made on a date in the period (one per visit, however many "
            "leaders went); placed at the group's county or town."
        ),
        unit=_("visits"),
        measure=Measure(rows=field_visit_rows, date="visited_on", kind=COUNT, place=PLACE_GROUP),
        better="up",
        order=30,
    ),
    Figure(
        SUBJECT,
        "leaders_below_field_duty",
        label=_("Leader-months below one field visit"),
        definition=_(
            "For each month of the period that has ended, the leaders holding a leader's post in "
            "a leadership unit (of the region, or all) who made fewer field visits that month "
            "than the duty (one by default), as leader or companion; summed over the months."
        ),
        unit=_("leader-months"),
        compute=leader_months_below,
        better="down",
        order=40,
    ),
    Figure(
        SUBJECT,
        "summons_suggested",
        label=_("约谈 suggested"),
        definition=_(
            "约谈 suggested from the monthly ranking or recorded by a leader (created on a date "
            "in the period), whatever became of them; placed at the summoned unit."
        ),
        unit=_("summonses"),
        measure=Measure(rows=suggested_rows, date="created_at", kind=COUNT, place=PLACE_UNIT),
        better="down",
        order=50,
    ),
    Figure(
        SUBJECT,
        "summons_held",
        label=_("约谈 held"),
        definition=_("约谈 held (held_at) on a date in the period; placed at the summoned unit."),
        unit=_("summonses"),
        measure=Measure(rows=held_summons_rows, date="held_at", kind=COUNT, place=PLACE_UNIT),
        order=60,
    ),
    Figure(
        SUBJECT,
        "summons_follow_up",
        label=_("约谈 follow-up results"),
        definition=_(
            "约谈 followed up (followed_up_at) on a date in the period, by result: improved or "
            "not improved."
        ),
        unit=_("summonses"),
        measure=Measure(
            rows=followed_up_rows,
            date="followed_up_at",
            kind=COUNT,
            place=PLACE_UNIT,
            part="state",
            parts=(SummonsState.IMPROVED, SummonsState.NOT_IMPROVED),
        ),
        extra={"part_labels": dict(SummonsState.choices)},
        order=70,
    ),
)
