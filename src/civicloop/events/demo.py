"""Demo data of the event loop: the category list and a year of realistic events.

:func:`load_categories` loads ``data/categories.csv`` (idempotent; used by the
demo and by a real deployment's first set-up).

:class:`DemoEvents` produces events for the Haiyan demo organisation **only by
calling the real service functions** — intake, judgement, dispatch, acceptance,
feedback, check, rating, closing, return, re-dispatch, rework, park, void, merge,
coordination sub-tasks and escalation — with the clock moved to the moment each
step happens (``time_machine``, which also moves ``timezone.now`` used by model
defaults). So every history row, deadline, notification and escalation is the one
the system itself would have written. The deadline sweep runs every simulated
hour, so overdue events are escalated by the same code as ``civicloop worker``.

Texts: real citizen messages (2020 TipDM Cup, see ``data/SOURCES.md``) whose class
fits an enforcement category, and patrol findings written from templates with
Haiyan's real village names. People, phone numbers and addresses are invented.
Given the same seed the same events, texts, places, people and timeline come out
(tracking codes and task ids are random by design).
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import time_machine
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.errors import DomainError
from civicloop.core.identifiers import id_number_check_char
from civicloop.core.reference_cache import holding_reference_data
from civicloop.matters.choices import HandlingLevel
from civicloop.matters.models import Category, Matter
from civicloop.notifications.models import Notification
from civicloop.org.choices import GRID_ROLES, RegionLevel, Role, UnitKind
from civicloop.org.demo import GIVEN, SURNAMES
from civicloop.org.models import Post, Region, Unit, User
from civicloop.org.services import short_region_name
from civicloop.workcalendar.services import add_working_hours, is_workday, working_periods

from . import services
from .choices import (
    FINISHED_STATES,
    AssignmentKind,
    AssignmentState,
    EventState,
    Outcome,
    Rating,
    Source,
    Span,
    Urgency,
)
from .models import Assignment, Event
from .routing import event_date

DATA_DIR = Path(__file__).resolve().parent / "data"

# The demo year: events from early January to the end of November 2026 (never
# later than "now": the clock of a demo run that happens earlier is respected).
DEMO_START = dt.datetime(2026, 1, 5, 8, 30)
DEMO_END = dt.datetime(2026, 11, 30, 17, 30)
SWEEP_EVERY = dt.timedelta(hours=1)
PROGRESS_EVERY = 50  # events between two progress messages


# --- categories ------------------------------------------------------------------


def load_categories(path: Path | None = None) -> dict[str, int]:
    """Create or update the event categories from ``categories.csv``. Idempotent.

    The owning department is looked up by unit code; a department that does not
    exist (yet) leaves the category without one.
    """
    path = path or DATA_DIR / "categories.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    departments = {u.code: u for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT)}
    counts = {"created": 0, "updated": 0}
    with transaction.atomic():
        by_code: dict[str, Category] = {}
        # Parents first, whatever the file order.
        for position, row in sorted(enumerate(rows), key=lambda item: bool(item[1]["parent"])):
            category, created = Category.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "parent": by_code.get(row["parent"]) if row["parent"] else None,
                    "handling_level": row["handling_level"] or HandlingLevel.TOWN,
                    "department": departments.get(row["department"]) if row["department"] else None,
                    "town_may_handle": row["town_may_handle"].strip() in ("1", "true", "yes"),
                    "is_active": True,
                    "position": (position + 1) * 10,
                },
            )
            by_code[category.code] = category
            counts["created" if created else "updated"] += 1
    return counts


# --- texts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    category: str
    title: str
    description: str
    kind: str  # "complaint" (real message) or "finding" (template)
    source: str = ""
    urgent: bool = False
    reference: str = ""


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


SPOTS = (
    "菜市场门口",
    "小区北门",
    "学校东侧",
    "公交站台旁",
    "主干道路口",
    "村委会东侧",
    "农贸市场旁",
    "沿街商铺前",
    "健身广场",
    "河道边",
    "幼儿园对面",
    "卫生院门口",
)


# --- who is who ---------------------------------------------------------------------


class Cast:
    """The demo organisation's people by unit, loaded once (users keep their cached posts)."""

    def __init__(self, rng: random.Random, demo_usernames: set[str]):
        self.rng = rng
        self.demo_usernames = demo_usernames
        self.members: dict[int, list[tuple[User, str]]] = {}
        users: dict[int, User] = {}
        posts = (
            Post.objects.active()
            .select_related("user", "unit", "unit__region")
            .filter(user__is_active=True)
            .order_by("unit_id", "user__username", "role")
        )
        for post in posts:
            user = users.setdefault(post.user_id, post.user)
            self.members.setdefault(post.unit_id, []).append((user, post.role))
        self.units = {u.code: u for u in Unit.objects.active().select_related("region")}
        self.units_by_id = {u.pk: u for u in self.units.values()}
        self.by_kind_region: dict[tuple[str, str], Unit] = {}
        for unit in sorted(self.units.values(), key=lambda u: u.pk):
            self.by_kind_region.setdefault((unit.kind, unit.region.code), unit)
        county = [u for u in self.units.values() if u.region.level == RegionLevel.COUNTY]
        self.centre = next(
            u for u in sorted(county, key=lambda u: u.pk) if u.kind == UnitKind.COUNTY_CENTRE
        )
        self.leaders = [
            u
            for unit in county
            if unit.kind == UnitKind.LEADERSHIP
            for u, role in self.members.get(unit.pk, [])
            if role == Role.LEADER
        ]

    def unit(self, kind: str, region: Region | str) -> Unit | None:
        code = region if isinstance(region, str) else region.code
        return self.by_kind_region.get((kind, code))

    def member(self, unit: Unit, roles: tuple[str, ...] | frozenset[str] | None = None) -> User:
        people = [u for u, role in self.members.get(unit.pk, []) if roles is None or role in roles]
        if not people:
            raise LookupError(f"{unit} has no member with roles {roles}")
        demo = [u for u in people if u.username in self.demo_usernames]
        if demo and self.rng.random() < 0.6:
            return self.rng.choice(demo)
        return self.rng.choice(people)

    def command_room(self, town: Region) -> Unit:
        return self.unit(UnitKind.COMMAND_ROOM, town)

    def dispatcher(self, town: Region) -> User:
        return self.member(self.command_room(town), (Role.DISPATCHER,))

    def centre_operator(self) -> User:
        return self.member(self.centre, (Role.CENTRE_OPERATOR,))


# --- plans --------------------------------------------------------------------------


@dataclass
class Step:
    unit: str  # "wh" (working hours) or "h" (calendar hours) after the previous step
    amount: float
    action: str
    kwargs: dict = field(default_factory=dict)


@dataclass
class Plan:
    seq: int
    scenario: str
    text: Text
    source: str
    grid: Region
    village: Region
    town: Region
    category: Category  # as judged (the right one)
    urgency: str = Urgency.GENERAL
    span: str = Span.SINGLE
    intake_category: Category | None = None
    wrong_category: Category | None = None
    subtask_units: list[Unit] = field(default_factory=list)
    reporter: dict = field(default_factory=dict)
    recorder: User | None = None
    address: str = ""
    point: tuple[float, float] | None = None
    original: Plan | None = None
    steps: list[Step] = field(default_factory=list)
    times: list[dt.datetime] = field(default_factory=list)
    event_id: int | None = None
    tracking_code: str = ""
    public_rating: bool = False
    handlers: dict[int, User] = field(default_factory=dict)
    failed: bool = False


# Scenario → the state the event ends in. The first group is planned near the end
# of the demo period so the event is still (legitimately) at that step.
RECENT = {
    "collected",
    "judged",
    "dispatched",
    "accepted",
    "handling",
    "feedback",
    "checked",
    "rated",
    "returned_waiting",
    "urgent_open",
    "multi_judged",
    "multi_open",
    "multi_feedback",
    "parked",
}

# One of each, in this order, before the random mix: a small --events still shows
# every state and every path.
ESSENTIAL = [
    "closed",
    "collected",
    "judged",
    "dispatched",
    "accepted",
    "handling",
    "feedback",
    "checked",
    "rated",
    "parked",
    "voided",
    "duplicate_open",
    "duplicate_closed",
    "urgent",
    "multi",
    "returned",
    "check_failed",
    "dissatisfied",
    "overdue_open",
    "redispatched",
    "multi_returned",
    "escalated_leader",
    "parked_resumed",
    "closed_unrated",
    "dissatisfied_limit",
    "returned_waiting",
    "urgent_open",
    "multi_open",
    "late_closed",
    "multi_late",
    "multi_judged",
    "multi_feedback",
]

WEIGHTS = {
    "closed": 40,
    "closed_unrated": 3,
    "check_failed": 4,
    "dissatisfied": 3,
    "dissatisfied_limit": 0.6,
    "returned": 3,
    "returned_waiting": 0.8,
    "redispatched": 2,
    "urgent": 4,
    "urgent_open": 0.6,
    "multi": 4,
    "multi_judged": 0.6,
    "multi_open": 1,
    "multi_feedback": 0.6,
    "multi_returned": 1,
    "multi_late": 0.8,
    "parked": 2,
    "parked_resumed": 1.5,
    "voided": 3,
    "duplicate": 4,
    "escalated_leader": 1.2,
    "overdue_open": 1.5,
    "late_closed": 2,
    "collected": 2,
    "judged": 1,
    "dispatched": 1.5,
    "accepted": 1.5,
    "handling": 3,
    "feedback": 1.5,
    "checked": 1.5,
    "rated": 1.5,
}

# How long (working hours) an event of a recent scenario has waited since its last
# step when the demo ends, chosen so that it is not (yet) overdue.
RECENT_TAIL = {
    "collected": (0.1, 1.5),
    "judged": (0.1, 0.8),
    "dispatched": (0.1, 3.0),
    "accepted": (0.5, 24),
    "handling": (1, 24),
    "feedback": (0.2, 6),
    "checked": (1, 30),
    "rated": (1, 30),
    "returned_waiting": (0.1, 1.2),
    "urgent_open": (0.5, 6),
    "multi_judged": (0.1, 0.8),
    "multi_open": (1, 24),
    "multi_feedback": (0.2, 6),
    "parked": (4, 200),
}

# Categories that a first judgement gets wrong, and the right one the returning
# unit points to (the right one is not delegated to towns, so it goes to a department).
# (Never the street-vending of the hotspots demo's spike: a mis-judged food workshop would
# then be cited as evidence of a 占道经营 spike.)
RETURN_PAIRS = {
    "food-safety": "city-appearance",
    "gas-safety": "clutter",
    "land-use": "illegal-construction",
    "transport": "city-appearance",
    "water-pollution": "sanitation",
    "market-order": "city-appearance",
    "work-safety": "clutter",
}
# Multi-span (多跨) categories and the extra county department each draws in.
MULTI_PARTNERS = {
    "illegal-construction": "dept-zrzy",
    "water-pollution": "dept-sl",
    "pollution": "dept-zhzf",
    "air-pollution": "dept-zhzf",
    "food-safety": "dept-wjw",
    "transport": "dept-zhzf",
    "work-safety": "dept-zjj",
    "land-use": "dept-nync",
    "gas-safety": "dept-yjgl",
    "solid-waste": "dept-zjj",
}
URGENT_CATEGORIES = ("gas-safety", "work-safety", "air-pollution")

PARK_REASONS = (
    "涉及历史遗留违建，需待{village}整体改造时一并处置。",
    "需纳入年度城市更新计划统一解决，已报县级部门备案。",
    "当事人长期外出务工，暂无法联系，待其返乡后继续处理。",
    "涉及产权争议，需待法院判决结果后处置。",
)
VOID_REASONS = (
    "经现场核实，反映情况不属实。",
    "非本县辖区事项，已告知反映人向属地部门反映。",
    "系测试数据，予以作废。",
    "反映内容属于民事合同纠纷，已引导反映人通过诉讼途径解决。",
)
LEADER_REASONS = (
    "群众多次反映，请加快处置进度并报送结果。",
    "该问题社会关注度高，请指挥室跟踪督办，限期办结。",
)
CHECK_PASS = ("现场核查，已整改到位。", "经回访核实，问题已解决。", "网格员现场复核，整改完成。")
CHECK_FAIL = (
    "现场复核发现问题仍然存在，整改不到位，请返工。",
    "复核时发现问题反弹，请重新处置并加强巡查。",
)
COMMENTS = {
    Rating.SATISFIED: ("处理及时，谢谢！", "很满意，问题解决了。", "", "工作人员态度很好。"),
    Rating.BASICALLY_SATISFIED: ("处理了，但速度有点慢。", "基本解决，希望加强日常巡查。", ""),
    Rating.DISSATISFIED: (
        "问题反弹，又出现了。",
        "只是口头劝导，没有根本解决。",
        "处理结果与实际不符。",
    ),
}


# The message set's anonymised places (A市, A3区, L9县, 西地省…), see data/SOURCES.md.
PLACEHOLDER = re.compile(r"[A-Z]\d{0,2}(?:市|区|县)")
PROVINCE_PLACEHOLDER = re.compile(r"[东南西北中]地省")


def localise_message(text: str, *, town: str, others: list[str]) -> str:
    """Put a real message into Haiyan, consistently within the message: the province is
    浙江省, its first city (A市…) 海盐县, its first district or county the event's own town,
    and every further placeholder one of the county's other towns, always the same for the
    same placeholder."""
    text = PROVINCE_PLACEHOLDER.sub("浙江省", text)
    names: dict[str, str] = {}
    spare = iter(others)
    for placeholder in dict.fromkeys(PLACEHOLDER.findall(text)):
        if placeholder.endswith("市") and "海盐县" not in names.values():
            names[placeholder] = "海盐县"
        elif town not in names.values():
            names[placeholder] = town
        else:
            names[placeholder] = next(spare, town)
    text = PLACEHOLDER.sub(lambda m: names[m.group()], text)
    # "海盐县海盐县" or "武原街道县城" would read oddly once replaced.
    return text.replace("海盐县海盐县", "海盐县").replace(f"{town}城", "县城")


def _uniform(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 3)


def working_back(end: dt.datetime, hours: float) -> dt.datetime:
    """The moment ``hours`` of working time before ``end`` (the inverse of add_working_hours)."""
    tz = timezone.get_current_timezone()
    remaining = dt.timedelta(hours=hours)
    cursor = timezone.localtime(end, tz)
    periods = working_periods()
    for _guard in range(3660):
        day = cursor.date()
        if is_workday(day):
            for period in reversed(periods):
                p_start = timezone.make_aware(dt.datetime.combine(day, period.start), tz)
                p_end = timezone.make_aware(dt.datetime.combine(day, period.end), tz)
                if cursor <= p_start:
                    continue
                finish = min(cursor, p_end)
                available = finish - p_start
                if remaining <= available:
                    return finish - remaining
                remaining -= available
                cursor = p_start
        cursor = timezone.make_aware(
            dt.datetime.combine(day - dt.timedelta(days=1), dt.time(23, 59, 59)), tz
        )
    raise ValueError("no working time found")


@dataclass
class DemoResult:
    events: int
    states: Counter
    escalated: int
    failures: list[str]
    start: dt.datetime
    end: dt.datetime


class DemoEvents:
    """Plan ``count`` events over the demo year, then play every step in time order."""

    def __init__(
        self,
        *,
        count: int = 400,
        seed: int = 2026,
        now: dt.datetime | None = None,
        demo_usernames: set[str] | None = None,
        progress: Callable[[str], None] | None = None,
    ):
        self.count = count
        self.rng = random.Random(seed)
        self.progress = progress or (lambda message: None)
        tz = timezone.get_current_timezone()
        # Whole hours, so that runs within the same hour give the same demo.
        now = timezone.localtime(now or timezone.now(), tz).replace(
            minute=0, second=0, microsecond=0
        )
        self.end = min(timezone.make_aware(DEMO_END, tz), now)
        start = timezone.make_aware(DEMO_START, tz)
        if self.end - start < dt.timedelta(
            days=60
        ):  # a clock before the demo year: the last 11 months
            start = self.end - dt.timedelta(days=330)
        self.start = start
        self.cast = Cast(self.rng, demo_usernames or set())
        self.categories = {c.code: c for c in Category.objects.filter(is_active=True)}
        if not self.categories:
            raise ValueError("load the categories first (load_categories)")
        self.failures: list[str] = []
        self._load_places()
        self._load_texts()
        self.measures = {r["category"]: r["measures"] for r in _read_csv("demo_measures.csv")}
        self._load_matters()

    # --- inputs ---

    def _load_matters(self) -> None:
        """Enforcement matters by category (a parent category also offers its children's)."""

        self.matters: dict[int, list] = {}
        for matter in Matter.objects.active().select_related("category").order_by("code"):
            self.matters.setdefault(matter.category_id, []).append(matter)
            if matter.category.parent_id:
                self.matters.setdefault(matter.category.parent_id, []).append(matter)

    def _matter(self, plan: Plan, category: Category):
        """The matter a dispatcher names when judging: one the town holds that day if there
        is one, else one that may be delegated, else any of the category; None when the
        catalog has none. Chosen by the plan's number, so the random plan is unchanged."""
        candidates = self.matters.get(category.pk)
        if not candidates:
            return None

        on = event_date(Event.objects.only("occurred_at", "reported_at").get(pk=plan.event_id))
        held = set(Matter.objects.held_by(plan.town, on=on).values_list("pk", flat=True))
        pool = (
            [m for m in candidates if m.pk in held]
            or [m for m in candidates if m.delegable]
            or candidates
        )
        return pool[plan.seq % len(pool)]

    def _load_places(self) -> None:
        towns = list(Region.objects.towns().order_by("code"))
        self.towns = [
            t for t in towns if self.cast.command_room(t) and self.cast.unit(UnitKind.SQUAD, t)
        ]
        if not self.towns:
            raise ValueError("no town has a command room and a squad; load the organisation first")
        villages = Region.objects.villages().order_by("code")
        grids = Region.objects.grids().order_by("code")
        self.grids_by_village: dict[str, list[Region]] = {}
        for grid in grids:
            self.grids_by_village.setdefault(grid.code[:12], []).append(grid)
        self.villages_by_town: dict[str, list[Region]] = {}
        for village in villages:
            if self.grids_by_village.get(village.code) and self.cast.unit(
                UnitKind.GRID_TEAM, self.grids_by_village[village.code][0]
            ):
                self.villages_by_town.setdefault(village.code[:9], []).append(village)
        self.towns = [t for t in self.towns if self.villages_by_town.get(t.code[:9])]
        # The county seat gets more events; the other towns by number of villages.
        self.town_weights = [
            (3.0 if t.name == "武原街道" else 1.0) * len(self.villages_by_town[t.code[:9]])
            for t in self.towns
        ]
        self.enterprise_towns = [
            t for t in self.towns if self.cast.unit(UnitKind.ENTERPRISE_STATION, t) is not None
        ]
        # The grid whose team holds the demo logins gets a good share of its town's events.
        self.demo_grid = None
        for username in ("grid_worker", "red_butler"):
            for unit_id, people in self.cast.members.items():
                if any(u.username == username for u, _role in people):
                    unit = next(u for u in self.cast.units.values() if u.pk == unit_id)
                    if unit.kind == UnitKind.GRID_TEAM:
                        self.demo_grid = unit.region
                        break
            if self.demo_grid:
                break

    def _load_texts(self) -> None:
        self.complaints: dict[str, list[Text]] = {}
        for row in _read_csv("demo_complaints.csv"):
            if row["category"] in self.categories:
                self.complaints.setdefault(row["category"], []).append(
                    Text(
                        row["category"],
                        row["title"],
                        row["description"],
                        "complaint",
                        reference=row["message_id"],
                    )
                )
        self.findings: dict[str, list[Text]] = {}
        for row in _read_csv("demo_findings.csv"):
            if row["category"] in self.categories:
                self.findings.setdefault(row["source"], []).append(
                    Text(
                        row["category"],
                        row["title"],
                        row["description"],
                        "finding",
                        source=row["source"],
                        urgent=row["urgent"] == "1",
                    )
                )

    # --- planning ---

    def plan(self) -> list[Plan]:
        plans: list[Plan] = []
        planned_events = 0
        index = 0
        scenarios = list(WEIGHTS)
        weights = [WEIGHTS[s] for s in scenarios]
        while planned_events < self.count:
            if index < len(ESSENTIAL):
                scenario = ESSENTIAL[index]
            else:
                scenario = self.rng.choices(scenarios, weights)[0]
            index += 1
            if scenario.startswith("duplicate"):
                # Duplicates of an original still open stay merged; those of a closed
                # original close with it.
                original_scenario = {
                    "duplicate_open": "handling",
                    "duplicate_closed": "closed",
                }.get(scenario) or self.rng.choice(
                    ["closed", "closed", "closed", "handling", "rated"]
                )
                original = self._make_plan(len(plans), original_scenario)
                plans.append(original)
                planned_events += 1
                for _n in range(self.rng.choice((1, 1, 2))):
                    if planned_events >= self.count:
                        break
                    plans.append(self._make_duplicate(len(plans), original))
                    planned_events += 1
            else:
                plans.append(self._make_plan(len(plans), scenario))
                planned_events += 1
        return plans

    def _pick_place(self, *, towns: list[Region] | None = None) -> tuple[Region, Region, Region]:
        if towns:
            town = self.rng.choice(towns)
        else:
            town = self.rng.choices(self.towns, self.town_weights)[0]
        if (
            self.demo_grid is not None
            and self.demo_grid.code.startswith(town.code[:9])
            and self.rng.random() < 0.15
        ):
            grid = self.demo_grid
            village = next(
                v for v in self.villages_by_town[town.code[:9]] if v.code == grid.code[:12]
            )
            return town, village, grid
        village = self.rng.choice(self.villages_by_town[town.code[:9]])
        grid = self.rng.choice(self.grids_by_village[village.code])
        return town, village, grid

    def _pick_text(self, source: str, *, category: str | None = None, urgent: bool = False) -> Text:
        if source in (Source.GRID_PATROL, Source.ENTERPRISE):
            pool = self.findings.get(source, [])
        else:
            pool = [t for texts in self.complaints.values() for t in texts]
            if category and not any(t.category == category for t in pool):
                pool = self.findings.get(Source.GRID_PATROL, [])
        if urgent:
            pool = [t for t in self.findings.get(Source.GRID_PATROL, []) if t.urgent]
        if category:
            pool = [t for t in pool if t.category == category] or [
                t
                for texts in (*self.complaints.values(), *self.findings.values())
                for t in texts
                if t.category == category
            ]
        return self.rng.choice(pool)

    def _render(self, text: Text, village: Region) -> Text:
        if text.kind != "finding":
            town = village.parent
            others = [t.name for t in self.towns if t.pk != town.pk]
            return Text(
                text.category,
                localise_message(text.title, town=town.name, others=others),
                localise_message(text.description, town=town.name, others=others),
                text.kind,
                text.source,
                text.urgent,
                reference=text.reference,
            )
        slots = {
            "place": short_region_name(village.name),
            "spot": self.rng.choice(SPOTS),
            "n": self.rng.randint(2, 9),
        }
        return Text(
            text.category,
            text.title.format(**slots),
            text.description.format(**slots),
            text.kind,
            text.source,
            text.urgent,
        )

    def _pick_source(self, scenario: str) -> str:
        if scenario in ("urgent", "urgent_open"):
            return self.rng.choice([Source.GRID_PATROL, Source.GRID_PATROL, Source.HOTLINE])
        sources = [
            Source.GRID_PATROL,
            Source.LIAISON_STATION,
            Source.HOTLINE,
            Source.PUBLIC_PORTAL,
            Source.ENTERPRISE,
            Source.OPEN311,
        ]
        return self.rng.choices(sources, [40, 15, 20, 15, 6, 4])[0]

    def _make_plan(self, seq: int, scenario: str) -> Plan:
        rng = self.rng
        source = self._pick_source(scenario)
        urgency = Urgency.URGENT if scenario in ("urgent", "urgent_open") else Urgency.GENERAL
        span = Span.MULTI if scenario.startswith("multi") else Span.SINGLE
        wanted: str | None = None
        if scenario in ("returned", "returned_waiting"):
            wanted = rng.choice(sorted(RETURN_PAIRS))
        elif span == Span.MULTI:
            wanted = rng.choice(
                sorted(
                    c
                    for c in MULTI_PARTNERS
                    if c in self.categories and self.categories[c].department_id
                )
            )
        elif urgency == Urgency.URGENT:
            wanted = rng.choice(URGENT_CATEGORIES)
        if source == Source.ENTERPRISE and not self.enterprise_towns:
            source = Source.GRID_PATROL
        if (
            source == Source.ENTERPRISE
            and wanted
            and not any(t.category == wanted for t in self.findings.get(Source.ENTERPRISE, []))
        ):
            source = Source.GRID_PATROL
        town, village, grid = self._pick_place(
            towns=self.enterprise_towns if source == Source.ENTERPRISE else None
        )
        raw = self._pick_text(source, category=wanted, urgent=urgency == Urgency.URGENT)
        text = self._render(raw, village)
        category = self.categories.get(text.category) or self.categories.get("other")
        plan = Plan(
            seq=seq,
            scenario=scenario,
            text=text,
            source=source,
            grid=grid,
            village=village,
            town=town,
            category=category,
            urgency=urgency,
            span=span,
        )
        if scenario in ("returned", "returned_waiting"):
            plan.wrong_category = self.categories.get(RETURN_PAIRS.get(category.code, "other"))
        if span == Span.MULTI:
            units = [category.department]
            partner = self.cast.units.get(MULTI_PARTNERS.get(category.code, ""))
            if partner and partner not in units and rng.random() < 0.6:
                units.append(partner)
            units.append(self.cast.unit(UnitKind.SQUAD, town))
            plan.subtask_units = [u for u in units if u is not None]
        self._people(plan)
        plan.steps = self._steps(plan)
        self._schedule(plan)
        return plan

    def _make_duplicate(self, seq: int, original: Plan) -> Plan:
        source = self.rng.choice(
            [
                s
                for s in (Source.HOTLINE, Source.PUBLIC_PORTAL, Source.LIAISON_STATION)
                if s != original.source
            ]
        )
        plan = Plan(
            seq=seq,
            scenario="duplicate",
            text=original.text,
            source=source,
            grid=original.grid,
            village=original.village,
            town=original.town,
            category=original.category,
            original=original,
        )
        self._people(plan)
        plan.steps = [Step("wh", _uniform(self.rng, 0.1, 0.8), "merge")]
        # Reported a little after the original, merged while the original is still open
        # (before its close, and before the end of the demo period).
        limit = min(
            [self.end - dt.timedelta(minutes=1)]
            + [
                t
                for s, t in zip(original.steps, original.times[1:], strict=True)
                if s.action == "close"
            ]
        )
        start = add_working_hours(original.times[0], _uniform(self.rng, 0.2, 2.0))
        plan.times = self._times(start, plan.steps)
        if plan.times[-1] >= limit:
            window = limit - original.times[0]
            plan.times = [
                original.times[0] + window * self.rng.uniform(0.1, 0.4),
                original.times[0] + window * self.rng.uniform(0.5, 0.9),
            ]
        return plan

    def _people(self, plan: Plan) -> None:
        rng, cast = self.rng, self.cast
        if plan.source == Source.GRID_PATROL:
            team = cast.unit(UnitKind.GRID_TEAM, plan.grid)
            roles = rng.choices(
                [(Role.PROFESSIONAL_GRID_WORKER,), (Role.RED_BUTLER,), tuple(GRID_ROLES)],
                [60, 25, 15],
            )[0]
            plan.recorder = cast.member(team, roles)
        elif plan.source == Source.LIAISON_STATION:
            plan.recorder = cast.member(
                cast.unit(UnitKind.VILLAGE_STATION, plan.village), (Role.STATION_STAFF,)
            )
        elif plan.source == Source.ENTERPRISE:
            plan.recorder = cast.member(
                cast.unit(UnitKind.ENTERPRISE_STATION, plan.town), (Role.STATION_STAFF,)
            )
        elif plan.source == Source.HOTLINE:
            plan.recorder = cast.centre_operator()
        else:
            plan.recorder = None
        short = short_region_name(plan.village.name)
        if "社区" in short:
            plan.address = f"{plan.town.name}{short}{rng.randint(1, 30)}幢{rng.choice(SPOTS[:6])}"
        else:
            plan.address = f"{plan.town.name}{short}{rng.randint(1, 12)}组"
        if plan.grid.latitude is not None and plan.source != Source.PUBLIC_PORTAL:
            plan.point = (
                float(plan.grid.longitude) + rng.uniform(-0.003, 0.003),
                float(plan.grid.latitude) + rng.uniform(-0.003, 0.003),
            )
        if plan.source in (Source.GRID_PATROL, Source.ENTERPRISE):
            plan.intake_category = plan.category if rng.random() < 0.85 else None
            plan.reporter = {}
        else:
            plan.intake_category = plan.category if plan.recorder and rng.random() < 0.6 else None
            plan.reporter = self._reporter()
        if plan.wrong_category is not None:
            plan.intake_category = plan.wrong_category
        # The reporter rates on the public page with the tracking code, or staff of
        # the place collect the satisfaction form (during working hours).
        plan.public_rating = plan.source in (Source.PUBLIC_PORTAL, Source.OPEN311) or bool(
            plan.reporter.get("reporter_phone") and rng.random() < 0.4
        )

    def _reporter(self) -> dict:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))
        reporter = {
            "reporter_name": name,
            "reporter_phone": phone,
            "is_anonymous": rng.random() < 0.15,
        }
        if rng.random() < 0.3:
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 18000))
            first17 = "330424" + birth.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
            reporter["reporter_id_number"] = first17 + id_number_check_char(first17)
        return reporter

    # --- steps per scenario ---

    def _steps(self, plan: Plan) -> list[Step]:
        u = lambda a, b: _uniform(self.rng, a, b)  # noqa: E731
        rng = self.rng
        scenario = plan.scenario
        if plan.urgency == Urgency.URGENT:
            main = [
                Step("h", u(0.05, 0.2), "judge"),
                Step("h", u(0.02, 0.1), "dispatch"),
                Step("h", u(0.05, 0.3), "accept"),
                Step("h", u(0.0, 0.2), "start"),
                Step("h", u(1, 12), "feedback"),
            ]
        elif plan.span == Span.MULTI:
            main = [Step("wh", u(0.2, 0.8), "judge"), Step("wh", u(0.1, 0.6), "dispatch")]
            main += [
                Step("wh", u(0.3, 2.5), "accept_subtask", {"index": i})
                for i in range(len(plan.subtask_units))
            ]
            main += [
                Step("wh", u(4, 16), "complete_subtask", {"index": i})
                for i in range(len(plan.subtask_units))
            ]
        else:
            main = [
                Step("wh", u(0.1, 0.9), "judge"),
                Step("wh", u(0.05, 0.5), "dispatch"),
                Step("wh", u(0.2, 2.5), "accept"),
                Step("wh", u(0.0, 0.8), "start"),
                Step("wh", u(3, 30), "feedback"),
            ]
        check = Step("wh", u(1, 6), "check", {"passed": True})
        good = rng.choices([Rating.SATISFIED, Rating.BASICALLY_SATISFIED], [75, 25])[0]
        rate_after = (
            (lambda: Step("h", u(2, 40), "rate"))
            if plan.public_rating
            else (lambda: Step("wh", u(1, 12), "rate"))
        )

        def rate_step(rating: str) -> Step:
            step = rate_after()
            step.kwargs = {"rating": rating}
            return step

        rate = rate_step(good)
        close = Step("wh", u(0.2, 4), "close")
        finish = [check, rate, close]

        def until(action: str) -> list[Step]:
            names = [s.action for s in main]
            return main[: names.index(action) + 1]

        if scenario == "collected":
            return []
        if scenario in ("judged", "dispatched", "accepted"):
            return until(
                {"judged": "judge", "dispatched": "dispatch", "accepted": "accept"}[scenario]
            )
        if scenario in ("handling", "urgent_open"):
            return until("start")
        if scenario == "feedback":
            return main
        if scenario == "checked":
            return main + [check]
        if scenario == "rated":
            return main + [check, rate]
        if scenario in ("closed", "urgent", "multi"):
            return main + finish
        if scenario == "multi_judged":
            return main[:1]
        if scenario == "multi_feedback":
            return main
        if scenario == "multi_open":
            done = [s for s in main if s.action != "complete_subtask"]
            return done + [s for s in main if s.action == "complete_subtask"][:1]
        if scenario == "multi_late":
            late = [Step(s.unit, s.amount, s.action, s.kwargs) for s in main]
            late[-1] = Step("wh", u(85, 100), "complete_subtask", late[-1].kwargs)
            return late + finish
        if scenario == "multi_returned":
            # One department returns its sub-task; the centre adds another department.
            judge, dispatch = main[:2]
            n = len(plan.subtask_units)
            returning = 1 if n == 3 else 0
            others = [i for i in range(n) if i != returning]
            steps = [
                judge,
                dispatch,
                Step("wh", u(0.3, 2), "accept_subtask", {"index": others[0]}),
                Step("wh", u(0.3, 2), "return_subtask", {"index": returning}),
                Step("wh", u(0.3, 2), "add_subtask"),
                Step("wh", u(0.3, 2), "accept_subtask", {"index": n}),
            ]
            steps += [Step("wh", u(0.3, 2), "accept_subtask", {"index": i}) for i in others[1:]]
            steps += [Step("wh", u(4, 16), "complete_subtask", {"index": i}) for i in [*others, n]]
            return steps + finish
        if scenario == "closed_unrated":
            return main + [check, Step("h", u(74, 100), "close", {"reason": "unrated"})]
        if scenario == "check_failed":
            return main + [
                Step("wh", u(1, 6), "check", {"passed": False}),
                Step("wh", u(3, 24), "feedback"),
                check,
                rate,
                close,
            ]
        if scenario == "dissatisfied":
            return main + [
                check,
                rate_step(Rating.DISSATISFIED),
                Step("wh", u(3, 24), "feedback"),
                Step("wh", u(1, 6), "check", {"passed": True}),
                rate_step(good),
                close,
            ]
        if scenario == "dissatisfied_limit":
            steps = list(main)
            for _round in range(2):
                steps += [
                    Step("wh", u(1, 6), "check", {"passed": True}),
                    rate_step(Rating.DISSATISFIED),
                    Step("wh", u(3, 24), "feedback"),
                ]
            return steps + [
                Step("wh", u(1, 6), "check", {"passed": True}),
                rate_step(Rating.DISSATISFIED),
                Step("wh", u(0.5, 6), "close", {"reason": "limit"}),
            ]
        if scenario in ("returned", "returned_waiting"):
            first = main[:2] + ([main[2]] if rng.random() < 0.5 else [])
            returned = first + [Step("wh", u(0.2, 2), "return")]
            if scenario == "returned_waiting":
                return returned
            return (
                returned
                + [
                    Step("wh", u(0.1, 0.6), "judge", {"again": True}),
                    Step("wh", u(0.05, 0.4), "dispatch"),
                ]
                + main[2:]
                + finish
            )
        if scenario == "redispatched":
            first = main[:2] + ([main[2]] if rng.random() < 0.5 else [])
            return first + [Step("wh", u(0.2, 2), "redispatch")] + main[2:] + finish
        if scenario == "parked":
            return until("start") + [Step("wh", u(2, 40), "park")]
        if scenario == "parked_resumed":
            return (
                until("start")
                + [
                    Step("wh", u(2, 40), "park"),
                    Step("wh", u(16, 120), "resume"),
                    Step("wh", u(3, 24), "feedback"),
                ]
                + finish
            )
        if scenario == "voided":
            first = [main[0]] if rng.random() < 0.4 else []
            return first + [Step("wh", u(0.1, 1.5), "void")]
        if scenario == "escalated_leader":
            steps = until("start") + [Step("wh", u(8, 24), "escalate")]
            return steps + [Step("wh", u(2, 12), "feedback")] + finish
        if scenario == "overdue_open":
            return main[:2] + [Step("wh", u(6, 14), "accept"), Step("wh", u(0, 1), "start")]
        if scenario == "late_closed":
            steps = until("start") + [Step("wh", u(50, 70), "feedback")]
            return steps + finish
        raise ValueError(scenario)

    # --- scheduling ---

    def _times(self, start: dt.datetime, steps: list[Step]) -> list[dt.datetime]:
        times = [start]
        moment = start
        for step in steps:
            if step.unit == "wh":
                moment = add_working_hours(moment, step.amount)
            else:
                moment = moment + dt.timedelta(hours=step.amount)
            times.append(moment)
        return times

    def _report_moment(self, source: str) -> dt.datetime:
        tz = timezone.get_current_timezone()
        span_days = max((self.end - self.start).days, 1)
        day = (self.start + dt.timedelta(days=self.rng.randint(0, span_days))).date()
        if source in (Source.HOTLINE, Source.PUBLIC_PORTAL, Source.OPEN311):
            moment = dt.datetime.combine(day, dt.time(7)) + dt.timedelta(
                minutes=self.rng.randint(0, 15 * 60)
            )
            return timezone.make_aware(moment, tz)
        moment = dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(
            minutes=self.rng.randint(0, 8 * 60)
        )
        return add_working_hours(timezone.make_aware(moment, tz), 0)

    def _schedule(self, plan: Plan) -> None:
        steps = plan.steps
        if plan.scenario in RECENT:
            low, high = RECENT_TAIL[plan.scenario]
            tail = _uniform(self.rng, low, high)
            working = sum(s.amount for s in steps if s.unit == "wh")
            calendar = sum(s.amount for s in steps if s.unit == "h")
            if plan.urgency == Urgency.URGENT:
                start = self.end - dt.timedelta(hours=calendar + tail)
            else:
                start = working_back(self.end, working + tail) - dt.timedelta(hours=calendar)
        elif plan.scenario == "overdue_open":
            start = working_back(self.end, _uniform(self.rng, 15, 40) * 8)
        else:
            start = self._report_moment(plan.source)
        times = self._times(start, steps)
        for _attempt in range(12):
            if times[-1] <= self.end - dt.timedelta(minutes=1) and times[
                0
            ] >= self.start - dt.timedelta(days=3):
                break
            if times[-1] > self.end - dt.timedelta(minutes=1):
                start -= (times[-1] - self.end) + dt.timedelta(hours=self.rng.uniform(1, 72))
            else:
                start = self.start + dt.timedelta(hours=self.rng.uniform(0, 48))
            times = self._times(start, steps)
        plan.times = times

    # --- playing ---

    def _read_old_notifications(self) -> None:
        """Staff read their notices: leave only the last few days' unread, as in a live system."""
        cutoff = self.end - dt.timedelta(days=3)
        Notification.objects.filter(created_at__lt=cutoff, read_at__isnull=True).update(
            read_at=F("created_at") + dt.timedelta(hours=2), delivered_at=F("created_at")
        )

    def run(self) -> DemoResult:
        self.progress("planning")
        plans = self.plan()
        queue: list[tuple[dt.datetime, int, int, Plan]] = []
        for plan in plans:
            for index, moment in enumerate(plan.times):
                queue.append((moment, plan.seq, index, plan))
        heapq.heapify(queue)
        self._next_due: dict[int, dt.datetime] = {}
        sweep_at = self.start
        events_done = 0
        self.progress("playing")
        with transaction.atomic():
            while queue:
                moment, _seq, index, plan = heapq.heappop(queue)
                while sweep_at < moment:
                    self._sweep(sweep_at)
                    sweep_at += SWEEP_EVERY
                if plan.failed:
                    continue
                with time_machine.travel(moment, tick=False):
                    try:
                        if index == 0:
                            self._collect(plan)
                            events_done += 1
                            if events_done % PROGRESS_EVERY == 0:
                                self.progress(
                                    _("%(done)d of %(total)d events reported…")
                                    % {"done": events_done, "total": len(plans)}
                                )
                        else:
                            step = plan.steps[index - 1]
                            getattr(self, "_do_" + step.action)(plan, **step.kwargs)
                    except (DomainError, LookupError) as exc:
                        plan.failed = True
                        self.failures.append(
                            f"{plan.scenario} #{plan.seq} at {moment:%Y-%m-%d %H:%M}: "
                            f"{plan.steps[index - 1].action if index else 'collect'}: {exc}"
                        )
                if plan.event_id:
                    self._track(plan.event_id, multi=plan.span == Span.MULTI)
            while sweep_at <= self.end:
                self._sweep(sweep_at)
                sweep_at += SWEEP_EVERY
            self._read_old_notifications()
        ids = [p.event_id for p in plans if p.event_id]
        states = Counter(Event.objects.filter(pk__in=ids).values_list("state", flat=True))
        escalated = Event.objects.filter(pk__in=ids, escalation_level__gt=0).count()
        return DemoResult(
            events=events_done,
            states=states,
            escalated=escalated,
            failures=self.failures,
            start=self.start,
            end=self.end,
        )

    # The deadline sweep (services.escalate_overdue, as `civicloop worker` runs it) is
    # due every simulated hour. To keep the demo fast it is called only in the hours
    # when it has something to do: we track, per event, the earliest deadline the
    # sweep looks at (the event's current deadline unless already escalated or
    # parked, and its open coordination sub-tasks' due times). Skipped calls are
    # exactly the ones that would have escalated nothing.

    def _track(self, event_id: int, *, multi: bool = True) -> None:
        state, deadline_at, escalated = (
            Event.objects.filter(pk=event_id)
            .values_list("state", "deadline_at", "escalated_deadline_at")
            .get()
        )
        dues = []
        if (
            state not in FINISHED_STATES
            and state != EventState.PARKED
            and deadline_at
            and deadline_at != escalated
        ):
            dues.append(deadline_at)
        if multi:
            dues += Assignment.objects.filter(
                event_id=event_id,
                kind=AssignmentKind.SUBTASK,
                escalated_at__isnull=True,
                due_at__isnull=False,
                state__in=[AssignmentState.ISSUED, AssignmentState.ACCEPTED],
            ).values_list("due_at", flat=True)
        if dues:
            self._next_due[event_id] = min(dues)
        else:
            self._next_due.pop(event_id, None)

    def _sweep(self, moment: dt.datetime) -> None:
        due = [event_id for event_id, at in self._next_due.items() if at < moment]
        if not due:
            return
        with time_machine.travel(moment, tick=False):
            services.escalate_overdue()
        for event_id in due:
            self._track(event_id)

    # --- actions (each one call of a service function) ---

    def _event(self, plan: Plan) -> Event:
        """The event to hand to a service function. Every service locks and re-reads
        the row by primary key before checking anything, so a reference is enough."""
        return Event(pk=plan.event_id)

    def _collect(self, plan: Plan) -> None:
        now = timezone.now()
        point = plan.point
        occurred = now - dt.timedelta(minutes=self.rng.randint(5, 30 if plan.recorder else 20 * 60))
        event = services.create_event(
            by=plan.recorder,
            source=plan.source,
            title=plan.text.title[: services.MAX_TITLE],
            description=plan.text.description,
            category=plan.intake_category,
            location=services.Location(
                region=plan.grid,
                latitude=point[1] if point else None,
                longitude=point[0] if point else None,
                datum="gcj02",
                address=plan.address,
            ),
            occurred_at=occurred,
            **plan.reporter,
        )
        plan.event_id = event.pk
        plan.tracking_code = event.tracking_code

    def _handler(self, plan: Plan, unit: Unit) -> User:
        if unit.pk not in plan.handlers:
            roles = {
                UnitKind.VILLAGE_STATION: (Role.STATION_STAFF,),
                UnitKind.DEPARTMENT: (Role.DEPARTMENT_OFFICER,),
            }.get(unit.kind, (Role.ENFORCEMENT_OFFICER,))
            plan.handlers[unit.pk] = self.cast.member(unit, roles)
        return plan.handlers[unit.pk]

    def _lead_handler(self, plan: Plan, event: Event) -> User:
        lead = event.lead_assignment()
        if lead is None:
            raise LookupError("no lead assignment")
        return self._handler(plan, self.cast.units_by_id.get(lead.unit_id) or lead.unit)

    def _judge_reason(self, plan: Plan, category: Category) -> str:
        if plan.urgency == Urgency.URGENT:
            return f"经研判，属{category.name}，存在现实安全风险，定为紧急事件，由应急处突队伍处置、属地协助。"
        if plan.span == Span.MULTI:
            names = "、".join(u.name for u in plan.subtask_units)
            return f"经研判，属{category.name}，涉及{names}，需多部门协同处置，报县社会治理中心发起协同指令。"
        return f"经研判，属{category.name}，一般事件，按职责派遣处置。"

    def _do_judge(self, plan: Plan, again: bool = False) -> None:
        event = self._event(plan)
        category = plan.category if (again or plan.wrong_category is None) else plan.wrong_category
        services.judge_event(
            event,
            by=self.cast.dispatcher(plan.town),
            urgency=plan.urgency,
            span=plan.span,
            reason=self._judge_reason(plan, category),
            category=category,
            matter=self._matter(plan, category),
        )

    def _do_dispatch(self, plan: Plan) -> None:
        event = self._event(plan)
        if plan.span == Span.MULTI:
            specs = [
                services.SubtaskSpec(unit=unit, instruction=self._instruction(plan, unit))
                for unit in plan.subtask_units
            ]
            services.dispatch_event(
                event,
                by=self.cast.centre_operator(),
                subtasks=specs,
                reason="多跨事件，发起协同处置指令。",
            )
        else:
            services.dispatch_event(event, by=self.cast.dispatcher(plan.town))

    def _instruction(self, plan: Plan, unit: Unit) -> str:
        if unit.kind == UnitKind.SQUAD:
            return "负责现场管控、属地协调和群众沟通，配合职能部门处置。"
        return f"请按{unit.name}职责开展调查处置，并在期限内反馈处置结果。"

    def _do_accept(self, plan: Plan) -> None:
        event = self._event(plan)
        services.accept_event(event, by=self._lead_handler(plan, event))

    def _do_start(self, plan: Plan) -> None:
        event = self._event(plan)
        services.start_handling(event, by=self._lead_handler(plan, event))

    def _measures(self, plan: Plan) -> str:
        return self.measures.get(plan.category.code) or self.measures.get(
            plan.category.parent.code if plan.category.parent else "", self.measures["other"]
        )

    def _do_feedback(self, plan: Plan) -> None:
        event = self._event(plan)
        outcome = self.rng.choices([Outcome.RESOLVED, Outcome.PARTLY_RESOLVED], [90, 10])[0]
        services.submit_feedback(
            event,
            by=self._lead_handler(plan, event),
            outcome=outcome,
            measures=self._measures(plan),
        )

    def _checker(self, plan: Plan) -> User:
        return (
            self.cast.centre_operator()
            if plan.span == Span.MULTI
            else self.cast.dispatcher(plan.town)
        )

    def _do_check(self, plan: Plan, passed: bool) -> None:
        event = self._event(plan)
        notes = self.rng.choice(CHECK_PASS if passed else CHECK_FAIL)
        services.check_event(event, by=self._checker(plan), passed=passed, notes=notes)

    def _do_rate(self, plan: Plan, rating: str) -> None:
        event = self._event(plan)
        comment = self.rng.choice(COMMENTS[rating])
        if plan.public_rating:
            services.rate_event(
                event, rating=rating, comment=comment, tracking_code=plan.tracking_code
            )
            return
        team = self.cast.unit(UnitKind.GRID_TEAM, plan.grid)
        collector = (
            self.cast.member(team, tuple(GRID_ROLES))
            if team
            else self.cast.member(
                self.cast.unit(UnitKind.VILLAGE_STATION, plan.village), (Role.STATION_STAFF,)
            )
        )
        services.rate_event(event, rating=rating, comment=comment, by=collector)

    def _do_close(self, plan: Plan, reason: str = "") -> None:
        event = self._event(plan)
        text = {
            "unrated": "已多次电话联系反映人未接听，超过评价期限，经核查已整改到位，予以办结。",
            "limit": "已按规定两次返工，现场核查已整改到位，反映人诉求超出政策范围，经指挥室研判予以办结。",
        }.get(reason, "")
        services.close_event(event, by=self._checker(plan), reason=text)

    def _do_return(self, plan: Plan) -> None:
        event = self._event(plan)
        department = plan.category.department.name if plan.category.department else "相关部门"
        reason = f"经现场核实，该问题属{plan.category.name}，为{department}职责，非本单位处置事项，请重新研判派遣。"
        services.return_event(event, by=self._lead_handler(plan, event), reason=reason)

    def _do_redispatch(self, plan: Plan) -> None:
        event = self._event(plan)
        lead = event.lead_assignment()
        station = self.cast.unit(UnitKind.VILLAGE_STATION, plan.village)
        if lead.unit.kind == UnitKind.SQUAD and station is not None:
            target = station
            reason = (
                f"该点位在{short_region_name(plan.village.name)}联络站辖区，改派联络站就近处置。"
            )
        else:
            target = self.cast.unit(UnitKind.SQUAD, plan.town)
            reason = "经与部门会商，属镇街赋权事项，改派镇街综合行政执法队处置。"
        if target is None or target.pk == lead.unit_id:
            raise LookupError("no other unit to re-dispatch to")
        services.redispatch_event(
            event, by=self.cast.dispatcher(plan.town), to_unit=target, reason=reason
        )

    def _do_park(self, plan: Plan) -> None:
        event = self._event(plan)
        reason = self.rng.choice(PARK_REASONS).format(village=short_region_name(plan.village.name))
        services.park_event(event, by=self.cast.dispatcher(plan.town), reason=reason)

    def _do_resume(self, plan: Plan) -> None:
        event = self._event(plan)
        services.resume_event(
            event, by=self.cast.dispatcher(plan.town), reason="阻碍因素已消除，恢复处置。"
        )

    def _do_void(self, plan: Plan) -> None:
        event = self._event(plan)
        services.void_event(
            event, by=self.cast.dispatcher(plan.town), reason=self.rng.choice(VOID_REASONS)
        )

    def _do_merge(self, plan: Plan) -> None:
        event = self._event(plan)
        original = Event.objects.get(pk=plan.original.event_id)
        services.merge_event(
            event,
            into=original,
            by=self.cast.dispatcher(plan.town),
            reason=f"与{original.number}反映同一问题，合并处理。",
        )

    def _do_escalate(self, plan: Plan) -> None:
        event = self._event(plan)
        leader = (
            self.rng.choice(self.cast.leaders) if self.cast.leaders else self.cast.centre_operator()
        )
        services.escalate_event(event, by=leader, reason=self.rng.choice(LEADER_REASONS))

    def _subtask(self, plan: Plan, event: Event, index: int) -> Assignment:
        units = plan.subtask_units
        unit = units[index]
        assignment = (
            event.assignments.filter(kind=AssignmentKind.SUBTASK, unit=unit)
            .exclude(state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED])
            .order_by("-id")
            .first()
        )
        if assignment is None:
            raise LookupError(f"no live sub-task for {unit}")
        return assignment

    def _do_accept_subtask(self, plan: Plan, index: int) -> None:
        event = self._event(plan)
        assignment = self._subtask(plan, event, index)
        services.accept_subtask(assignment, by=self._handler(plan, assignment.unit))

    def _do_complete_subtask(self, plan: Plan, index: int) -> None:
        event = self._event(plan)
        assignment = self._subtask(plan, event, index)
        outcome = Outcome.RESOLVED
        unit = assignment.unit
        measures = (
            self._measures(plan)
            if unit.kind == UnitKind.DEPARTMENT
            else "已组织执法队员现场管控，配合职能部门完成处置，并做好群众解释工作。"
        )
        services.complete_subtask(
            assignment, by=self._handler(plan, unit), outcome=outcome, measures=measures
        )

    def _do_return_subtask(self, plan: Plan, index: int) -> None:
        event = self._event(plan)
        assignment = self._subtask(plan, event, index)
        services.return_subtask(
            assignment,
            by=self._handler(plan, assignment.unit),
            reason="该事项不属本单位职责范围，建议由其他职能部门承办。",
        )

    def _do_add_subtask(self, plan: Plan) -> None:
        event = self._event(plan)
        used = {u.pk for u in plan.subtask_units}
        candidates = sorted(
            (
                u
                for u in self.cast.units.values()
                if u.kind == UnitKind.DEPARTMENT
                and u.pk not in used
                and self.cast.members.get(u.pk)
            ),
            key=lambda u: u.code,
        )
        if not candidates:
            raise LookupError("no department left to add")
        unit = self.rng.choice(candidates)
        services.add_subtask(
            event,
            by=self.cast.centre_operator(),
            unit=unit,
            instruction=self._instruction(plan, unit),
        )
        plan.subtask_units.append(unit)


def generate_demo_events(
    *,
    count: int = 400,
    seed: int = 2026,
    demo_usernames: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    # The demo changes no calendar day, deadline rule, region or unit: their lookups are
    # remembered for the whole run (see core.reference_cache).
    with holding_reference_data():
        return DemoEvents(
            count=count, seed=seed, demo_usernames=demo_usernames, progress=progress
        ).run()
