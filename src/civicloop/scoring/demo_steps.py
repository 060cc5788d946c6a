"""The work log's and the points' step of ``civicloop demo``: the county's scoring rules, a few
weeks of patrol visits and activities for the demo's grid staff, the ledger computed from them
and from the demo's events, and one appeal (registered in ``ScoringConfig.ready()``).

Fast (a few seconds): rows are written in bulk, photos are left out."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext
from civicloop.events.models import Event
from civicloop.org.choices import GRID_ROLES, Role
from civicloop.org.models import Post

from .choices import ActivityKind, GradeMethod
from .ledger import recompute
from .models import Activity, PatrolVisit, RuleVersion
from .services import add_rule_version

# The county's starter rules (a demo of 量化赋分: a base of 100 a quarter, points per record).
STARTER_BASE = {
    Role.RED_BUTLER: 100,
    Role.PROFESSIONAL_GRID_WORKER: 100,
    Role.PART_TIME_GRID_WORKER: 60,
    Role.ENFORCEMENT_OFFICER: 100,
}
STARTER_POINTS = {
    "patrol_visit": 0.5,
    "activity": 2,
    "clue_confirmed": 1,
    "task_on_time": 2,
    "task_overdue": -2,
    "rework": -3,
    "rating_satisfied": 1,
    "rating_basically": 0.5,
    "rating_dissatisfied": -2,
}
STARTER_ACTIVITY = {ActivityKind.DISPUTE_MEDIATION: 3, ActivityKind.EMERGENCY_HELP: 3}
STARTER_GRADES = {"good": 0.2, "fairly_good": 0.3, "average": 0.4}

TOPICS = {
    ActivityKind.LAW_TALK: "反电诈普法宣传",
    ActivityKind.DISPUTE_MEDIATION: "邻里纠纷排查调处",
    ActivityKind.EMERGENCY_HELP: "台风天转移群众",
    ActivityKind.ENTERPRISE_VISIT: "走访辖区企业",
    ActivityKind.SAFETY_CHECK: "出租房消防隐患排查",
}
NOTES = ["沿街商铺巡查，无异常", "走访独居老人", "巡查河道", "检查垃圾分类点", "走访出租房"]


def ensure_starter_rules(since: dt.date) -> RuleVersion:
    existing = RuleVersion.objects.order_by("effective_from").first()
    if existing is not None:
        return existing
    return add_rule_version(
        by=None,
        effective_from=since,
        base_scores=STARTER_BASE,
        points=STARTER_POINTS,
        activity_points=STARTER_ACTIVITY,
        grade_method=GradeMethod.SHARES,
        grade_cutoffs=STARTER_GRADES,
        note="演示用量化赋分细则",
    )


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    zone = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(8 + rng.randrange(10), rng.randrange(60)), tzinfo=zone)


def work_log_and_points(context: DemoContext) -> None:
    rng = random.Random(context.seed)
    today = timezone.localdate()
    first = Event.objects.order_by("reported_at").values_list("reported_at", flat=True).first()
    start = timezone.localtime(first).date() if first else today - dt.timedelta(days=90)
    ensure_starter_rules(dt.date(start.year, 1, 1))
    posts = list(
        Post.objects.active()
        .filter(role__in=[Role.RED_BUTLER, Role.PROFESSIONAL_GRID_WORKER])
        .select_related("unit__region")
        .order_by("id")
    )
    days = [today - dt.timedelta(days=n) for n in range(1, 43)]
    visits, activities = [], []
    now = timezone.now()
    if not PatrolVisit.objects.exists():
        for post in posts:
            grid = post.unit.region
            for day in rng.sample(days, k=min(len(days), rng.randrange(4, 12))):
                visits.append(
                    PatrolVisit(
                        region=grid,
                        visited_at=_moment(rng, day),
                        latitude=grid.latitude,
                        longitude=grid.longitude,
                        note=rng.choice(NOTES),
                        recorded_by_id=post.user_id,
                        recorded_at=now,
                    )
                )
            if post.role == Role.RED_BUTLER or rng.random() < 0.3:
                for day in rng.sample(days, k=rng.randrange(1, 4)):
                    kind = rng.choice(list(TOPICS))
                    activities.append(
                        Activity(
                            kind=kind,
                            region=grid.parent if grid.parent_id else grid,
                            topic=TOPICS[kind],
                            held_at=_moment(rng, day),
                            participant_count=rng.randrange(2, 60),
                            recorded_by_id=post.user_id,
                            recorded_at=now,
                        )
                    )
        with transaction.atomic():
            PatrolVisit.objects.bulk_create(visits, batch_size=500)
            Activity.objects.bulk_create(activities, batch_size=500)
    result = recompute()
    grid_people = Post.objects.active().filter(role__in=GRID_ROLES).values("user").distinct()
    context.say(
        _(
            "Work log and points: %(visits)d patrol visits and %(activities)d activities of "
            "%(people)d grid staff; %(entries)d point entries computed from the records."
        )
        % {
            "visits": PatrolVisit.objects.count(),
            "activities": Activity.objects.count(),
            "people": grid_people.count(),
            "entries": result.created + result.changed + result.unchanged,
        }
    )
