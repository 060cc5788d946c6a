"""Scripted demo events that show routing following the empowerment on the event's date
(``matters.demo`` grants it): forestry in 澉浦 before and after its grant, water-source
protection in 沈荡 before and after, and bottled-gas cases in 武原 that the town does not hold
(they go to the county department, and the town page suggests asking for the matter). Played
through the real services; idempotent like the rest of the demo."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import time_machine
from django.db import transaction
from django.utils import timezone

from civicloop.matters.demo import (
    GANPU,
    SHENDANG,
    WUYUAN,
    _at,
    _dispatcher,
    _mark_old_notifications_read,
    _matters,
    _member,
    _past,
    _town,
    _workday,
)
from civicloop.matters.models import Matter
from civicloop.org.choices import GRID_ROLES, Role, UnitKind
from civicloop.org.models import Region, Unit

from . import services as event_services
from .choices import Outcome, Rating, Source, Span, Urgency


@dataclass(frozen=True)
class Story:
    town: str
    code: str
    day: dt.date
    title: str
    description: str


STORIES = [
    Story(
        GANPU,
        "LY-006",
        dt.date(2026, 3, 12),
        "南北湖山林边有人野外烧火",
        "网格巡查发现南北湖景区北侧山林边有村民焚烧枯枝杂草，火堆距林地不足20米，已现场劝阻并踩灭余火。",
    ),
    Story(
        GANPU,
        "LY-002",
        dt.date(2026, 6, 16),
        "南北湖村后山有人砍伐林木",
        "巡查发现南北湖村后山有农户未办理采伐许可证砍伐松树约15株，现场堆放原木，已拍照固定。",
    ),
    Story(
        SHENDANG,
        "SY-001",
        dt.date(2026, 4, 21),
        "千亩荡水源保护区内有人垂钓",
        "巡查发现千亩荡饮用水水源一级保护区警示牌内侧有3人垂钓，已劝离并告知保护区规定。",
    ),
    Story(
        SHENDANG,
        "SY-001",
        dt.date(2026, 8, 11),
        "千亩荡保护区游泳垂钓反复出现",
        "傍晚时段千亩荡水源一级保护区内又有人游泳、垂钓，群众反映多次，请依法处置。",
    ),
    *[
        Story(WUYUAN, "RQ-003", day, title, text)
        for day, title, text in [
            (
                dt.date(2026, 6, 9),
                "餐饮店地下室存放使用液化气钢瓶",
                "巡查发现某小吃店在地下储藏间存放并使用液化石油气钢瓶4只，无通风和报警装置。",
            ),
            (
                dt.date(2026, 7, 14),
                "夜宵摊在人员密集处使用液化气",
                "夜宵排档在人行道旁直接使用液化气钢瓶灶具，周边人员密集，存在安全隐患。",
            ),
            (
                dt.date(2026, 8, 18),
                "小区内违规使用瓶装燃气经营",
                "居民反映小区底商在住宅楼内使用多只液化气钢瓶经营餐饮，担心安全。",
            ),
            (
                dt.date(2026, 9, 15),
                "钢瓶与明火同处一室",
                "巡查发现一家面馆厨房内液化气钢瓶紧挨灶台明火，软管老化。",
            ),
            (
                dt.date(2026, 10, 20),
                "农贸市场摊位违规使用液化气",
                "农贸市场熟食摊位在封闭隔间内使用液化气钢瓶，无安全措施。",
            ),
            (
                dt.date(2026, 11, 10),
                "餐饮店超量存放液化气钢瓶",
                "某快餐店后厨存放液化气钢瓶7只，超过安全存放数量，未设独立气瓶间。",
            ),
        ]
    ],
]


def play_demo_stories(*, rng: random.Random | None = None) -> int:
    """Play the scripted events through the real services; return how many were made."""
    rng = rng or random.Random(2026)
    made = 0
    for story in STORIES:
        town, matters = _town(story.town), _matters([story.code])
        if town is None or not matters:
            continue
        day = _workday(story.day)
        if not _past(_at(day + dt.timedelta(days=4), 18)):
            continue
        with transaction.atomic():
            if _play(story, town, matters[0], day, rng):
                made += 1
    _mark_old_notifications_read()
    return made


def _play(story: Story, town: Region, matter: Matter, day: dt.date, rng: random.Random) -> bool:
    grid = Region.objects.grids().filter(code__startswith=town.prefix).order_by("code").first()
    team = Unit.objects.filter(kind=UnitKind.GRID_TEAM, region=grid).first() if grid else None
    recorder = _member(team, *GRID_ROLES)
    dispatcher = _dispatcher(town)
    if recorder is None or dispatcher is None:
        return False
    with time_machine.travel(_at(day, 9, rng.randint(0, 40)), tick=False):
        event = event_services.create_event(
            by=recorder,
            source=Source.GRID_PATROL,
            title=story.title,
            description=story.description,
            category=matter.category,
            location=event_services.Location(region=grid),
            occurred_at=timezone.now() - dt.timedelta(minutes=rng.randint(10, 50)),
        )
    with time_machine.travel(_at(day, 10, rng.randint(0, 20)), tick=False):
        event_services.judge_event(
            event,
            by=dispatcher,
            urgency=Urgency.GENERAL,
            span=Span.SINGLE,
            matter=matter,
            reason=f"经研判，属“{matter.name}”，一般事件，按赋权情况派遣。",
        )
        event_services.dispatch_event(event, by=dispatcher)
    event.refresh_from_db()
    unit = event.lead_assignment().unit
    roles = (
        (Role.DEPARTMENT_OFFICER,)
        if unit.kind == UnitKind.DEPARTMENT
        else (Role.ENFORCEMENT_OFFICER,)
    )
    handler = _member(unit, *roles)
    if handler is None:
        return False
    with time_machine.travel(_at(day, 11, rng.randint(0, 30)), tick=False):
        event_services.accept_event(event, by=handler)
        event_services.start_handling(event, by=handler)
    next_day = _workday(day + dt.timedelta(days=1))
    with time_machine.travel(_at(next_day, 15, rng.randint(0, 30)), tick=False):
        event_services.submit_feedback(
            event,
            by=handler,
            outcome=Outcome.RESOLVED,
            measures="已现场责令改正，依法调查取证并按程序处理，当事人已整改。",
        )
    with time_machine.travel(_at(next_day, 16, 40), tick=False):
        event_services.check_event(
            event, by=dispatcher, passed=True, notes="网格员现场复核，已整改到位。"
        )
    with time_machine.travel(_at(_workday(next_day + dt.timedelta(days=1)), 10, 15), tick=False):
        event_services.rate_event(event, by=recorder, rating=Rating.SATISFIED, comment="处理及时。")
        event_services.close_event(event, by=dispatcher)
    return True
