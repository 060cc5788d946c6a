"""The points ledger (积分台账): every entry computed from a record, under the rule version in
force on the local day the record was earned. Recomputing is idempotent: the entries wanted are
matched to the stored ones by key (item, source record, person); missing ones are added, changed
ones updated, stale ones removed, and nothing else is touched — so the periodic task, the command
and the demo may run it as often as they like. Appeal adjustments are not the ledger's.

What earns what (docs/scoring.md has the table):

- a patrol visit (走访) — its recorder, when visited;
- an activity — its recorder, when held, by kind;
- a clue collected and confirmed — an event a staff member reported that was judged (研判) and
  neither voided nor merged, to its reporter, when reported;
- assigned work done — an assignment done, to who fed back on it (else who accepted it), when
  done: on time when done by its due time, else overdue;
- returned for rework — a failed check, or a rework after a dissatisfied rating, to who fed back
  last before it;
- a satisfaction rating — to who fed back last before it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from civicloop.events.choices import AssignmentState, EventState, Rating
from civicloop.events.models import Assignment, Check, Event, EventHistory, EventRating, Feedback
from civicloop.org.choices import CODE_PREFIX_LENGTH, RegionLevel
from civicloop.org.models import Post, Region

from .choices import COMPUTED_ITEMS, PointItem
from .models import Activity, PatrolVisit, PointEntry, RuleVersion

RATING_ITEMS = {
    Rating.SATISFIED: PointItem.RATING_SATISFIED,
    Rating.BASICALLY_SATISFIED: PointItem.RATING_BASICALLY,
    Rating.DISSATISFIED: PointItem.RATING_DISSATISFIED,
}


@dataclass(frozen=True)
class Earned:
    """One entry the records call for."""

    person_id: int
    item: str
    source_type_id: int
    source_id: int
    earned_at: dt.datetime
    kind: str = ""

    @property
    def key(self) -> str:
        return f"{self.item}:{self.source_type_id}:{self.source_id}:{self.person_id}"


class Versions:
    """The active rule set's versions, looked up by local day."""

    def __init__(self, versions: Iterable[RuleVersion] | None = None):
        if versions is None:
            versions = RuleVersion.objects.filter(ruleset__is_active=True).order_by(
                "effective_from"
            )
        self.versions = list(versions)
        self._days = [v.effective_from for v in self.versions]

    def on(self, day: dt.date) -> RuleVersion | None:
        index = bisect.bisect_right(self._days, day) - 1
        return self.versions[index] if index >= 0 else None

    def __bool__(self) -> bool:
        return bool(self.versions)


def _window(queryset, field: str, since: dt.datetime | None):
    return queryset if since is None else queryset.filter(**{f"{field}__gte": since})


class Feedbacks:
    """Who fed back on what, read once: the last on an assignment, the last on an event
    before a moment."""

    def __init__(self):
        self.by_event: dict[int, list[tuple[dt.datetime, int]]] = defaultdict(list)
        self.by_assignment: dict[int, int] = {}
        rows = Feedback.objects.order_by("submitted_at", "id").values_list(
            "event_id", "assignment_id", "submitted_by_id", "submitted_at"
        )
        for event_id, assignment_id, person_id, at in rows:
            self.by_event[event_id].append((at, person_id))
            self.by_assignment[assignment_id] = person_id

    def last_before(self, event_id: int, moment: dt.datetime) -> int | None:
        found = None
        for at, person_id in self.by_event.get(event_id, ()):
            if at > moment:
                break
            found = person_id
        return found


def earned(since: dt.datetime | None = None) -> Iterator[Earned]:
    """Every entry the records call for (earned at or after ``since``), before the rules."""
    ct = ContentType.objects.get_for_model
    visit_ct, activity_ct, event_ct = ct(PatrolVisit).pk, ct(Activity).pk, ct(Event).pk
    assignment_ct, check_ct, history_ct, rating_ct = (
        ct(Assignment).pk,
        ct(Check).pk,
        ct(EventHistory).pk,
        ct(EventRating).pk,
    )
    for pk, person, at in _window(PatrolVisit.objects, "visited_at", since).values_list(
        "pk", "recorded_by_id", "visited_at"
    ):
        yield Earned(person, PointItem.PATROL_VISIT, visit_ct, pk, at)
    for pk, person, at, kind in _window(Activity.objects, "held_at", since).values_list(
        "pk", "recorded_by_id", "held_at", "kind"
    ):
        yield Earned(person, PointItem.ACTIVITY, activity_ct, pk, at, kind)
    judged = EventHistory.objects.filter(action="judge").values("event_id")
    clues = (
        _window(Event.objects, "reported_at", since)
        .filter(reported_by__isnull=False, pk__in=judged)
        .exclude(state__in=[EventState.VOIDED, EventState.MERGED])
    )
    for pk, person, at in clues.values_list("pk", "reported_by_id", "reported_at"):
        yield Earned(person, PointItem.CLUE_CONFIRMED, event_ct, pk, at)

    feedbacks = Feedbacks()
    done = _window(Assignment.objects, "done_at", since).filter(
        state=AssignmentState.DONE, done_at__isnull=False
    )
    for pk, done_at, due_at, accepted_by in done.values_list(
        "pk", "done_at", "due_at", "accepted_by_id"
    ):
        person = feedbacks.by_assignment.get(pk) or accepted_by
        if person is None:
            continue
        item = (
            PointItem.TASK_OVERDUE
            if due_at is not None and done_at > due_at
            else PointItem.TASK_ON_TIME
        )
        yield Earned(person, item, assignment_ct, pk, done_at)
    failed = _window(Check.objects, "checked_at", since).filter(passed=False)
    for pk, event_id, at in failed.values_list("pk", "event_id", "checked_at"):
        person = feedbacks.last_before(event_id, at)
        if person is not None:
            yield Earned(person, PointItem.REWORK, check_ct, pk, at)
    reworks = _window(EventHistory.objects, "at", since).filter(action="rework")
    for pk, event_id, at in reworks.values_list("pk", "event_id", "at"):
        person = feedbacks.last_before(event_id, at)
        if person is not None:
            yield Earned(person, PointItem.REWORK, history_ct, pk, at)
    ratings = _window(EventRating.objects, "rated_at", since)
    for pk, event_id, at, rating in ratings.values_list("pk", "event_id", "rated_at", "rating"):
        person = feedbacks.last_before(event_id, at)
        if person is not None and rating in RATING_ITEMS:
            yield Earned(person, RATING_ITEMS[rating], rating_ct, pk, at)


def towns_of(person_ids: Iterable[int]) -> dict[int, int]:
    """Each person's town (the town of their first active post below the county), by id."""
    length = CODE_PREFIX_LENGTH[RegionLevel.TOWN]
    codes: dict[int, str] = {}
    posts = (
        Post.objects.active()
        .filter(user_id__in=set(person_ids))
        .exclude(unit__region__level=RegionLevel.COUNTY)
        .order_by("user_id", "id")
        .values_list("user_id", "unit__region__code")
    )
    for person_id, code in posts:
        codes.setdefault(person_id, code[:length].ljust(12, "0"))
    town_ids = dict(
        Region.objects.filter(level=RegionLevel.TOWN, code__in=set(codes.values())).values_list(
            "code", "pk"
        )
    )
    return {person: town_ids[code] for person, code in codes.items() if code in town_ids}


@dataclass(frozen=True)
class Recomputed:
    created: int
    changed: int
    removed: int
    unchanged: int


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


@transaction.atomic
def recompute(*, since: dt.datetime | None = None) -> Recomputed:
    """Bring the ledger in line with the records (earned at or after ``since``; all when None)."""
    versions = Versions()
    wanted: dict[str, tuple[Earned, RuleVersion, Decimal]] = {}
    for entry in earned(since):
        version = versions.on(_local_day(entry.earned_at))
        if version is None:
            continue
        points = Decimal(str(version.points_for(entry.item, kind=entry.kind))).quantize(
            Decimal("0.01")
        )
        if points == 0:
            continue
        wanted[entry.key] = (entry, version, points)
    towns = towns_of({entry.person_id for entry, _v, _p in wanted.values()})
    stored = {
        row.key: row
        for row in _window(PointEntry.objects, "earned_at", since).filter(item__in=COMPUTED_ITEMS)
    }
    now = timezone.now()
    created, changed, unchanged = [], [], 0
    for key, (entry, version, points) in wanted.items():
        town = towns.get(entry.person_id)
        row = stored.pop(key, None)
        if row is None:
            created.append(
                PointEntry(
                    key=key,
                    person_id=entry.person_id,
                    item=entry.item,
                    points=points,
                    earned_at=entry.earned_at,
                    rule_version=version,
                    source_type_id=entry.source_type_id,
                    source_id=entry.source_id,
                    town_id=town,
                    computed_at=now,
                )
            )
            continue
        if (row.points, row.rule_version_id, row.earned_at, row.town_id) == (
            points,
            version.pk,
            entry.earned_at,
            town,
        ):
            unchanged += 1
            continue
        row.points, row.rule_version, row.earned_at, row.town_id = (
            points,
            version,
            entry.earned_at,
            town,
        )
        row.computed_at = now
        changed.append(row)
    PointEntry.objects.bulk_create(created, batch_size=500)
    PointEntry.objects.bulk_update(
        changed, ["points", "rule_version", "earned_at", "town", "computed_at"], batch_size=500
    )
    removed = len(stored)
    if stored:
        PointEntry.objects.filter(pk__in=[row.pk for row in stored.values()]).delete()
    return Recomputed(len(created), len(changed), removed, unchanged)
