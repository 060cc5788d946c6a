"""What a leader owes this month, and the field-visit duty (每位领导每月至少一次实地督导) of
every leader in a scope, month by month (met or missed)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from civicloop.org.choices import Role, UnitKind
from civicloop.org.models import User

from . import access, conf
from .choices import OPEN_SUMMONS_STATES, ActionItemState, VisitKind
from .models import ActionItem, Meeting, Summons, Visit, month_bounds, month_start, next_month


def leaders_in_scope(user) -> list[User]:
    """People holding a leader's post in a leadership unit the user's scope covers."""
    scope = access.scope_of(user)
    leaders = User.objects.filter(
        posts__role=Role.LEADER,
        posts__is_active=True,
        posts__unit__kind=UnitKind.LEADERSHIP,
    )
    q = scope.q("posts__unit__region__code")
    if q is not None:
        leaders = leaders.filter(q)
    return list(leaders.distinct().order_by("full_name", "username"))


def field_visits_by_leader(leaders: list[User], first: dt.date, after: dt.date) -> Counter:
    """``{(leader id, first day of month): visits}`` — a visit counts for its leader and for
    each companion (once per visit)."""
    ids = [leader.pk for leader in leaders]
    counts: Counter = Counter()
    visits = Visit.objects.field().filter(visited_on__gte=first, visited_on__lt=after)
    visits = visits.filter(Q(leader__in=ids) | Q(companions__in=ids)).distinct()
    for visit in visits.prefetch_related("companions"):
        people = {visit.leader_id} | {c.pk for c in visit.companions.all()}
        for person in people & set(ids):
            counts[(person, month_start(visit.visited_on))] += 1
    return counts


@dataclass
class DutyRow:
    leader: User
    cells: list[dict] = field(default_factory=list)

    @property
    def missed(self) -> int:
        return sum(1 for cell in self.cells if cell["met"] is False)


def field_visit_table(
    user, months: list[dt.date], *, today: dt.date | None = None
) -> list[DutyRow]:
    """For each leader in the user's scope and each month: the field visits and whether the
    duty was met. The running month is ``None`` (not yet missed) until it is met."""
    today = today or timezone.localdate()
    months = sorted(month_start(m) for m in months)
    leaders = leaders_in_scope(user)
    if not months:
        return []
    counts = field_visits_by_leader(leaders, months[0], next_month(months[-1]))
    required = conf.get("field_visits_per_month")
    rows = []
    for leader in leaders:
        row = DutyRow(leader=leader)
        for month in months:
            count = counts.get((leader.pk, month), 0)
            met: bool | None = count >= required
            if not met and next_month(month) > today:
                met = None  # the month is still running
            row.cells.append({"month": month, "count": count, "met": met})
        rows.append(row)
    return rows


def leaders_below_duty(month: dt.date, *, region=None) -> int:
    """How many leaders (of the region's leadership units, or all) made fewer field visits in
    ``month`` than the duty asks."""
    leaders = User.objects.filter(
        posts__role=Role.LEADER, posts__is_active=True, posts__unit__kind=UnitKind.LEADERSHIP
    )
    if region is not None:
        leaders = leaders.filter(posts__unit__region__code__startswith=region.prefix)
    leaders = list(leaders.distinct())
    first, after = month_bounds(month)
    counts = field_visits_by_leader(leaders, first, after)
    required = conf.get("field_visits_per_month")
    return sum(1 for leader in leaders if counts.get((leader.pk, first), 0) < required)


def duties_of(user, *, today: dt.date | None = None) -> dict:
    """A leader's duties this month: the field visit (made or still due), the meetings of
    their groups, the 约谈 to schedule or hold, and the decisions overdue in their scope."""
    today = today or timezone.localdate()
    first, after = month_bounds(today)
    required = conf.get("field_visits_per_month")
    visits = field_visits_by_leader([user], first, after).get((user.pk, first), 0)
    summons = (
        Summons.objects.visible_to(user)
        .filter(state__in=OPEN_SUMMONS_STATES)
        .filter(Q(conducted_by__isnull=True) | Q(conducted_by=user))
        .select_related("unit")
        .order_by("scheduled_for", "month")
    )
    return {
        "month": first,
        "field_visits": visits,
        "field_visits_required": required,
        "field_visit_due": visits < required,
        "days_left": (after - today).days,
        "meetings": list(
            Meeting.objects.visible_to(user)
            .filter(held_on__gte=first, held_on__lt=after)
            .select_related("group")
        ),
        "summonses": list(summons[:20]),
        "overdue_items": list(
            ActionItem.objects.visible_to(user)
            .filter(state=ActionItemState.OVERDUE)
            .select_related("owner_unit", "meeting")[:20]
        ),
        "study_visits": Visit.objects.visible_to(user)
        .filter(kind=VisitKind.STUDY, visited_on__gte=first, visited_on__lt=after)
        .count(),
    }
