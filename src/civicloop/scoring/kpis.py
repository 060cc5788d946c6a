"""Figures of the grid work log and the staff points, subject ``scoring`` — the report's "192
red butlers and professional grid workers sent down", "scored by 量化赋分 … 48 quarterly 好
ratings, 12 grade promotions, 4 promoted to section level". ``ScoringConfig.ready()`` registers
:data:`FIGURES`.

Patrol visits and activities are additive measures (placed where they happened). Staff counts
(every role; grid staff by post — ``org``'s ``grid.sent_down`` counts the red butlers and
professional grid workers) are stock figures (active posts on the period's last day); the points distribution, ratings and
promotions are computed from the ledger and the outcomes recorded, placed by the person's post.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.figures import COUNT, Figure, Measure, Period, Subject
from civicloop.org.choices import GRID_ROLES, Role, UnitKind
from civicloop.org.models import Post

from .choices import ActivityKind, Grade, OutcomeKind
from .ledger import Versions
from .models import Activity, Outcome, PatrolVisit
from .standings import earned_totals, scored_roles

SUBJECT = "scoring"
SUBJECTS = (Subject(SUBJECT, _("Grid work and staff points"), order=75),)

# Bands of the points earned in a period (the distribution's keys, in order).
BANDS = ((None, 0, "<0"), (0, 10, "0-9"), (10, 20, "10-19"), (20, 50, "20-49"), (50, None, "50+"))


def _day(period: Period):
    return period.end or timezone.localdate()


def _posts(period: Period, region):
    """Posts held on the period's last day, in the region."""
    day = _day(period)
    posts = Post.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=day),
        Q(ended_on__isnull=True) | Q(ended_on__gte=day),
        is_active=True,
    )
    if region is not None:
        posts = posts.filter(unit__region__code__startswith=region.prefix)
    return posts


def staff_by_role(period: Period, region=None) -> dict:
    rows = _posts(period, region).values_list("role", "user").distinct()
    counts = Counter(role for role, _user in rows)
    return {role: counts.get(role, 0) for role in Role.values}


def staff_by_post(period: Period, region=None) -> dict:
    """Grid staff (red butlers, grid workers, volunteers) by the kind of unit they serve in."""
    rows = (
        _posts(period, region)
        .filter(role__in=GRID_ROLES)
        .values_list("unit__kind", "user")
        .distinct()
    )
    return dict(Counter(kind for kind, _user in rows))


def _scored_people(period: Period, region) -> set[int]:
    roles = scored_roles(Versions())
    return set(_posts(period, region).filter(role__in=roles).values_list("user", flat=True))


def points_distribution(period: Period, region=None) -> dict:
    """How many scored staff earned how many points in the period, by band."""
    people = _scored_people(period, region)
    totals = earned_totals(period, people)
    counts = {label: 0 for _low, _high, label in BANDS}
    for person in people:
        total = totals.get(person, Decimal(0))
        for low, high, label in BANDS:
            if (low is None or total >= low) and (high is None or total < high):
                counts[label] += 1
                break
    return counts


def _outcomes(period: Period, region, kind: str):
    rows = Outcome.objects.filter(kind=kind)
    start, end = period.moments()
    if start is not None:
        rows = rows.filter(recorded_at__gte=start)
    if end is not None:
        rows = rows.filter(recorded_at__lt=end)
    if region is not None:
        people = Post.objects.filter(unit__region__code__startswith=region.prefix).values("user")
        rows = rows.filter(person__in=people)
    return rows


def ratings_given(period: Period, region=None) -> dict:
    """Quarterly ratings recorded in the period, by grade (好/较好/一般/较差)."""
    counts = Counter(_outcomes(period, region, OutcomeKind.RATING).values_list("grade", flat=True))
    return {grade: counts.get(grade, 0) for grade in Grade.values}


def promotions(period: Period, region=None) -> int:
    return (
        _outcomes(period, region, OutcomeKind.PROMOTION).count()
        + _outcomes(period, region, OutcomeKind.SECTION_PROMOTION).count()
    )


def _ranking_url(period: Period, region=None) -> str:
    params = {"period": str(_day(period).year)}
    if region is not None and len(region.prefix) == 9:
        params["town"] = region.code
    return f"{reverse('scoring:ranking')}?{urlencode(params)}"


def _worklog_url(period: Period, region=None) -> str:
    return f"{reverse('scoring:worklog')}?mine=0"


FIGURES = (
    Figure(
        SUBJECT,
        "staff_by_role",
        label=_("Staff by role"),
        definition=_(
            "The number of distinct people holding an active post of each role on the period's "
            "last day, in units within the region; a person with two roles counts under both."
        ),
        unit=_("people"),
        compute=staff_by_role,
        extra={"part_labels": dict(Role.choices)},
        order=20,
        cockpit=False,
    ),
    Figure(
        SUBJECT,
        "staff_by_post",
        label=_("Grid staff by post"),
        definition=_("The grid staff on the period's last day by the kind of unit of their post."),
        unit=_("people"),
        compute=staff_by_post,
        extra={"part_labels": dict(UnitKind.choices)},
        order=30,
        cockpit=False,
    ),
    Figure(
        SUBJECT,
        "patrol_visits",
        label=_("Patrol visits"),
        definition=_(
            "The number of patrol visits (走访) recorded in the work log whose visit time falls on "
            "a local date in the period, placed in the village or grid visited."
        ),
        unit=_("visits"),
        measure=Measure(rows="civicloop.scoring.kpis.visit_rows", date="visited_at", kind=COUNT),
        better="up",
        records=_worklog_url,
        order=40,
    ),
    Figure(
        SUBJECT,
        "activities",
        label=_("Activities"),
        definition=_(
            "The number of activities recorded (law-popularisation talks, dispute screening and "
            "mediation, emergency help, enterprise visits …) held on a local date in the period, "
            "by kind, placed where they were held."
        ),
        unit=_("activities"),
        measure=Measure(
            rows="civicloop.scoring.kpis.activity_rows",
            date="held_at",
            kind=COUNT,
            part="kind",
            parts=tuple(ActivityKind.values),
        ),
        better="up",
        records=_worklog_url,
        extra={"part_labels": dict(ActivityKind.choices)},
        order=50,
    ),
    Figure(
        SUBJECT,
        "points_distribution",
        label=_("Points distribution"),
        definition=_(
            "Of the staff scored (an active post of a role with a base score in the rules) in "
            "the region on the period's last day, how many earned how many points (the ledger's "
            "entries earned in the period, the base score not included), by band."
        ),
        unit=_("people"),
        compute=points_distribution,
        records=_ranking_url,
        order=60,
        cockpit=False,
    ),
    Figure(
        SUBJECT,
        "ratings",
        label=_("Quarterly ratings given"),
        definition=_(
            "The quarterly ratings (好/较好/一般/较差) recorded as outcomes in the period (the "
            "day they were recorded), by grade, for staff with a post in the region."
        ),
        unit=_("ratings"),
        compute=ratings_given,
        records=_ranking_url,
        extra={"part_labels": dict(Grade.choices)},
        order=70,
    ),
    Figure(
        SUBJECT,
        "promotions",
        label=_("Promotions"),
        definition=_(
            "Grade promotions and promotions to section level recorded as outcomes in the "
            "period, for staff with a post in the region."
        ),
        unit=_("people"),
        compute=promotions,
        better="up",
        records=_ranking_url,
        order=80,
    ),
)


def visit_rows():
    return PatrolVisit.objects.all()


def activity_rows():
    return Activity.objects.all()
