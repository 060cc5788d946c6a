"""Demo data of the hotspots app, made only through the real service functions.

:func:`play_demo_hotspots` adds to the events demo:

* a **spike** that is still going on: 占道经营 at one village's farmers' market in
  武原街道 (the demo grid worker's grid), nine reports over the last six days; the
  scan runs for each of those days, so the warning is raised on the day the
  cluster crossed the threshold and extended on the next ones; the 武原 command
  room is notified;
* an **older spike** in 澉浦镇 six weeks ago (straw burning in one village within
  three days), handled to the end, its warning acknowledged and closed by the
  town's dispatcher;
* **duplicates**: two fresh reports (collected, waiting for judgement) that repeat
  an open event at the same place — the judge page suggests the original — and
  one that the dispatcher already merged from the suggestion.

Texts are written by the Civicloop team from the kinds of reports in the events
demo; places are Haiyan's real villages. Run once, with the events demo.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass, field

import time_machine
from django.db import transaction
from django.utils import timezone

from civicloop.core.errors import DomainError
from civicloop.core.reference_cache import holding_reference_data
from civicloop.events import services as event_services
from civicloop.events.choices import Outcome, Rating, Source, Span, Urgency
from civicloop.events.models import Event
from civicloop.matters.models import Category
from civicloop.org.choices import GRID_ROLES, RegionLevel, Role, UnitKind
from civicloop.org.models import Region, Unit, User
from civicloop.org.services import short_region_name

from . import services
from .models import Warning

logger = logging.getLogger(__name__)

MARKET = [
    (
        "{v}农贸市场门口流动摊贩占道经营",
        "{v}农贸市场门口早上有流动摊贩在人行道上摆摊卖菜，占用盲道，行人只能走机动车道。",
    ),
    (
        "{v}农贸市场东侧人行道被水果摊占用",
        "{v}农贸市场东侧人行道被几个水果摊占满，三轮车乱停，早高峰交通拥堵。",
    ),
    (
        "{v}农贸市场周边形成马路市场",
        "{v}农贸市场周边菜农沿路摆摊，形成马路市场，地面垃圾多，车辆无法通行。",
    ),
    (
        "{v}农贸市场门口占道卖水产",
        "{v}农贸市场门口有摊贩在路边摆摊卖水产，污水横流，影响通行和市容。",
    ),
]
BURNING = (
    "{v}{n}组田间露天焚烧秸秆",
    "{v}{n}组农田里有人焚烧秸秆，浓烟很大，影响附近居民和道路通行，请尽快处理。",
)
DUPLICATES = [
    # category, original (title, text), repeat (title, text)
    (
        "air-pollution",
        (
            "{v}小区北门烧烤店油烟噪音扰民",
            "{v}小区北门一家烧烤店每天营业到凌晨，油烟直排、顾客喧哗，楼上居民无法休息，多次劝说无效，请求处理。",
        ),
        (
            "{v}小区北门烧烤店晚上太吵油烟大",
            "反映{v}小区北门那家烧烤店每晚经营到凌晨一两点，油烟直接排到楼上，噪音很大，影响休息，希望尽快处理。",
        ),
    ),
    (
        "clutter",
        (
            "{v}桥头东侧河道边倾倒建筑垃圾",
            "{v}桥头东侧河道边有车辆夜间倾倒建筑垃圾，已堆了十多方，影响河道行洪和周边环境。",
        ),
        (
            "{v}桥头东侧河边又被倒了建筑垃圾",
            "{v}桥头东侧河道边的建筑垃圾越堆越多，晚上有车来倒，请相关部门管一管。",
        ),
    ),
    (
        "clutter",
        (
            "{v}12幢楼道堆放杂物",
            "{v}12幢楼道里堆放旧家具和纸箱，堵住了消防通道，存在消防隐患，请督促清理。",
        ),
        (
            "{v}12幢楼道杂物堵塞消防通道",
            "{v}12幢一楼到三楼楼道里堆满杂物，消防通道被堵，居民担心安全，请尽快清理。",
        ),
    ),
]


@dataclass
class DemoHotspots:
    events: int = 0
    warnings: int = 0
    merged: int = 0
    skipped: list[str] = field(default_factory=list)


def _member(unit: Unit | None, *roles: str) -> User | None:
    if unit is None:
        return None
    return (
        User.objects.filter(
            posts__unit=unit, posts__role__in=roles, posts__is_active=True, is_active=True
        )
        .order_by("username")
        .first()
    )


def _unit(kind: str, region: Region) -> Unit | None:
    return Unit.objects.active().filter(kind=kind, region=region).order_by("pk").first()


def _grid_worker(grid: Region) -> User | None:
    team = _unit(UnitKind.GRID_TEAM, grid)
    return _member(team, Role.PROFESSIONAL_GRID_WORKER) or _member(team, *GRID_ROLES)


def _dispatcher(town: Region) -> User | None:
    return _member(_unit(UnitKind.COMMAND_ROOM, town), Role.DISPATCHER)


def _operator() -> User | None:
    return _member(Unit.objects.filter(kind=UnitKind.COUNTY_CENTRE).first(), Role.CENTRE_OPERATOR)


def _demo_grid(town: Region) -> Region | None:
    """The grid of the demo grid worker when it is in ``town``, else the town's first grid with a team."""
    login = User.objects.filter(username="grid_worker").first()
    if login is not None:
        for post in login.active_posts():
            if post.unit.kind == UnitKind.GRID_TEAM and post.unit.region.code.startswith(
                town.prefix
            ):
                return post.unit.region
    for grid in Region.objects.grids().filter(code__startswith=town.prefix).order_by("code"):
        if _unit(UnitKind.GRID_TEAM, grid):
            return grid
    return None


def _grids(town: Region, *, skip: set[str]) -> list[Region]:
    return [
        g
        for g in Region.objects.grids().filter(code__startswith=town.prefix).order_by("code")
        if g.code not in skip and _unit(UnitKind.GRID_TEAM, g)
    ]


class Player:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.result = DemoHotspots()

    def report(
        self,
        *,
        at: dt.datetime,
        grid: Region,
        category: Category,
        title: str,
        text: str,
        source: str = Source.GRID_PATROL,
    ) -> Event | None:
        recorder = _grid_worker(grid) if source == Source.GRID_PATROL else _operator()
        if recorder is None:
            self.result.skipped.append(f"no recorder at {grid.code}")
            return None
        extra = {}
        if source == Source.HOTLINE:
            extra = {
                "reporter_name": "陈" + self.rng.choice("伟芳敏静丽强"),
                "reporter_phone": "139" + "".join(self.rng.choice("0123456789") for _ in range(8)),
            }
        with time_machine.travel(at, tick=False):
            event = event_services.create_event(
                by=recorder,
                source=source,
                title=title,
                description=text,
                category=category,
                location=event_services.Location(region=grid),
                occurred_at=at - dt.timedelta(minutes=self.rng.randint(10, 50)),
                **extra,
            )
        self.result.events += 1
        return event

    def handle(self, event: Event, *, at: dt.datetime, to: str) -> None:
        """Judge, dispatch, accept, start (``to="handling"``), then feed back, check, rate and
        close (``to="closed"``), each a few working hours after the last."""
        town = event.region.town
        dispatcher = _dispatcher(town)
        if dispatcher is None:
            return
        try:
            with time_machine.travel(at, tick=False):
                event_services.judge_event(
                    event,
                    by=dispatcher,
                    urgency=Urgency.GENERAL,
                    span=Span.SINGLE,
                    category=event.category,
                    reason=f"经研判，属{event.category.name}，一般事件，按职责派遣处置。",
                )
                event_services.dispatch_event(event, by=dispatcher)
            event.refresh_from_db()
            unit = event.lead_assignment().unit
            roles = {
                UnitKind.VILLAGE_STATION: (Role.STATION_STAFF,),
                UnitKind.DEPARTMENT: (Role.DEPARTMENT_OFFICER,),
            }.get(unit.kind, (Role.ENFORCEMENT_OFFICER,))
            handler = _member(unit, *roles)
            if handler is None:
                return
            with time_machine.travel(at + dt.timedelta(minutes=40), tick=False):
                event_services.accept_event(event, by=handler)
                event_services.start_handling(event, by=handler)
            if to != "closed":
                return
            with time_machine.travel(at + dt.timedelta(hours=5), tick=False):
                event_services.submit_feedback(
                    event,
                    by=handler,
                    outcome=Outcome.RESOLVED,
                    measures="已现场劝导并责令整改，当事人已停止违法行为，现场已清理。",
                )
            with time_machine.travel(at + dt.timedelta(hours=6), tick=False):
                event_services.check_event(
                    event, by=dispatcher, passed=True, notes="网格员现场复核，已整改到位。"
                )
            with time_machine.travel(at + dt.timedelta(hours=22), tick=False):
                collector = _grid_worker(event.region) or dispatcher
                event_services.rate_event(
                    event, by=collector, rating=Rating.SATISFIED, comment="处理及时。"
                )
                event_services.close_event(event, by=dispatcher)
        except (DomainError, AttributeError) as exc:
            self.result.skipped.append(f"{event.number}: {exc}")

    def scan(self, days: list[dt.date], *, now: dt.datetime) -> None:
        tz = timezone.get_current_timezone()
        for day in days:
            moment = min(now, timezone.make_aware(dt.datetime.combine(day, dt.time(20, 0)), tz))
            with time_machine.travel(moment, tick=False):
                report = services.scan_spikes(at=day)
            self.result.warnings += len(report.raised)


def play_demo_hotspots(*, seed: int = 2026, now: dt.datetime | None = None) -> DemoHotspots:
    """Play the hotspot stories (see the module); return what was made."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    player = Player(seed)
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    towns = {t.name: t for t in Region.objects.filter(level=RegionLevel.TOWN)}
    wuyuan, ganpu = towns.get("武原街道"), towns.get("澉浦镇")
    if wuyuan is None or "street-vending" not in categories:
        player.result.skipped.append("no 武原街道 or no street-vending category")
        return player.result
    with transaction.atomic(), holding_reference_data():  # see events.demo.generate_demo_events
        _recent_spike(player, wuyuan, categories["street-vending"], now)
        if ganpu is not None and "air-pollution" in categories:
            _old_spike(player, ganpu, categories["air-pollution"], now)
        _duplicates(player, wuyuan, categories, now)
    for problem in player.result.skipped:
        logger.info("hotspots demo: %s", problem)
    return player.result


def _recent_spike(player: Player, town: Region, category: Category, now: dt.datetime) -> None:
    grid = _demo_grid(town)
    if grid is None:
        return
    village = short_region_name(grid.parent.name) if grid.parent else grid.name
    # (days before now, hours before that moment): nine reports over six days.
    plan = [(5, 7), (4, 5), (3, 8), (3, 4), (2, 6), (2, 3), (1, 5), (0, 2), (0, 0.7)]
    made = []
    for index, (days, hours) in enumerate(plan):
        at = now - dt.timedelta(days=days, hours=hours)
        title, text = MARKET[index % len(MARKET)]
        source = Source.GRID_PATROL if index % 3 != 2 else Source.HOTLINE
        event = player.report(
            at=at,
            grid=grid,
            category=category,
            title=title.format(v=village),
            text=text.format(v=village),
            source=source,
        )
        if event is not None:
            made.append((event, at, days))
    for event, at, days in made:
        if days >= 1:  # the last day's reports wait for judgement
            player.handle(event, at=at + dt.timedelta(hours=1), to="handling")
    tz = timezone.get_current_timezone()
    first = timezone.localtime(now - dt.timedelta(days=6), tz).date()
    player.scan([first + dt.timedelta(days=i) for i in range(7)], now=now)


def _old_spike(player: Player, town: Region, category: Category, now: dt.datetime) -> None:
    grids = _grids(town, skip=set())
    if not grids:
        return
    grid = grids[len(grids) // 2]
    village = short_region_name(grid.parent.name) if grid.parent else grid.name
    start = now - dt.timedelta(days=42)
    made = []
    for index, (days, hour) in enumerate(
        [(0, 9), (0, 14), (1, 10), (1, 15), (1, 17), (2, 9), (2, 11)]
    ):
        at = (start + dt.timedelta(days=days)).replace(hour=hour, minute=player.rng.randint(0, 50))
        title, text = BURNING
        event = player.report(
            at=at,
            grid=grid,
            category=category,
            title=title.format(v=village, n=index + 2),
            text=text.format(v=village, n=index + 2),
        )
        if event is not None:
            made.append((event, at))
    for event, at in made:
        player.handle(event, at=at + dt.timedelta(hours=1), to="closed")
    tz = timezone.get_current_timezone()
    first = timezone.localtime(start, tz).date()
    dispatcher = _dispatcher(town)

    warning = None
    for day in [first + dt.timedelta(days=i) for i in range(4)]:
        player.scan([day], now=now)
        if warning is None:
            warning = (
                Warning.objects.filter(region__code__startswith=town.prefix, raised_at__gte=start)
                .order_by("raised_at")
                .first()
            )
            if warning is not None and dispatcher is not None:
                # The next morning the command room has seen it.
                with time_machine.travel(warning.raised_at + dt.timedelta(hours=14), tick=False):
                    services.acknowledge_warning(
                        warning, by=dispatcher, note="已安排网格员和农业农村部门现场巡查。"
                    )
    if warning is None or dispatcher is None:
        return
    last = timezone.make_aware(
        dt.datetime.combine(first + dt.timedelta(days=4), dt.time(10, 30)), tz
    )
    with time_machine.travel(last, tick=False):
        services.close_warning(
            warning,
            by=dispatcher,
            reason="已会同村委会开展秸秆禁烧宣传和夜间巡查，连续三天未再发现焚烧。",
        )


def _duplicates(player: Player, town: Region, categories: dict, now: dt.datetime) -> None:
    skip = {g.code for g in [_demo_grid(town)] if g}
    grids = _grids(town, skip=skip)
    for index, (code, original, repeat) in enumerate(DUPLICATES):
        if code not in categories or index >= len(grids):
            continue
        grid = grids[(index * 3 + 1) % len(grids)]
        village = short_region_name(grid.parent.name) if grid.parent else grid.name
        first_at = now - dt.timedelta(days=2 + index, hours=3)
        event = player.report(
            at=first_at,
            grid=grid,
            category=categories[code],
            title=original[0].format(v=village),
            text=original[1].format(v=village),
        )
        if event is None:
            continue
        player.handle(event, at=first_at + dt.timedelta(hours=1), to="handling")
        again_at = (
            now - dt.timedelta(hours=1 + index)
            if index < 2
            else now - dt.timedelta(days=1, hours=2)
        )
        repeat_event = player.report(
            at=again_at,
            grid=grid,
            category=categories[code],
            title=repeat[0].format(v=village),
            text=repeat[1].format(v=village),
            source=Source.HOTLINE,
        )
        if repeat_event is None or index < 2:
            continue
        # The last one: the dispatcher saw the suggestion and merged.
        dispatcher = _dispatcher(town)
        with time_machine.travel(again_at + dt.timedelta(minutes=35), tick=False):
            suggestions = services.suggest_duplicates(repeat_event, user=dispatcher)
            if suggestions:
                services.merge_suggested(suggestions[0], by=dispatcher)
                player.result.merged += 1
