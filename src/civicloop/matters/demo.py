"""Demo data of the matters app, made only through the service functions.

* :func:`load_demo_empowerment` — the starter catalog (``data/catalog.csv``), the
  base list every Haiyan town/street holds since 2023-07-01, and the
  characteristic matters of the seed article: 澉浦镇 adds forestry and scenic-area
  matters for the 南北湖 scenic area from 2026-04-01; 沈荡镇 adds water-source
  protection for 千亩荡 from 2026-06-01 (one of those through an approved
  request, 点单赋权). 百步镇's property-management matter is withdrawn on
  2026-08-31; one matter gets a new wording from 2026-07-01.
* :func:`load_demo_requests` — a rejected request (秦山街道) and a pending one
  (武原街道).
* the scripted events that show routing following this empowerment are played by
  ``events.demo_stories`` (events are a layer above matters).
* the 2026 first-half assessment round is loaded by ``assessment.demo`` (the assessment
  is a layer above matters).

Decision numbers and titles are invented (marked 演示); the statutes are real.
Everything is idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import time_machine
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from civicloop.notifications.models import Notification
from civicloop.org.choices import RegionLevel, Role, UnitKind
from civicloop.org.models import Region, Unit, User
from civicloop.workcalendar.services import is_workday

from . import services
from .choices import GrantKind
from .importing import load_starter_catalog
from .models import (
    EmpowermentGrant,
    EmpowermentRequest,
    Matter,
)
from .ranges import ranges_of

BASE_FROM = dt.date(2023, 7, 1)
BASE_DECISION = (
    "盐政发〔2023〕18号",
    "海盐县人民政府关于向镇（街道）赋予部分县级行政执法事项的决定（演示）",
    dt.date(2023, 6, 20),
)
# The base list: what every town and street holds (基础事项).
BASE_CODES = [
    *(f"SR-{n:03d}" for n in range(1, 13)),
    "ZD-001",
    "GG-001",
    "GH-001",
    "GH-002",
    "GH-003",
    "DQ-001",
    "DQ-002",
    "DQ-003",
    "DQ-004",
    "DQ-005",
    "DQ-007",
    "ZS-001",
    "ZS-002",
    "ZS-003",
    "GF-001",
    "GF-002",
    "GF-003",
    "LH-001",
    "LH-002",
    "LH-004",
    "WY-001",
    "WY-002",
    "HD-001",
    "HD-002",
    "NY-001",
]
GANPU, SHENDANG, BAIBU, QINSHAN, WUYUAN = "澉浦镇", "沈荡镇", "百步镇", "秦山街道", "武原街道"
GANPU_FROM = dt.date(2026, 4, 1)
GANPU_DECISION = (
    "盐政发〔2026〕9号",
    "海盐县人民政府关于向澉浦镇赋予南北湖风景名胜区林业等特色执法事项的决定（演示）",
    dt.date(2026, 3, 20),
)
GANPU_CODES = [
    "LY-001",
    "LY-002",
    "LY-003",
    "LY-004",
    "LY-005",
    "LY-006",
    "LY-007",
    "FJ-001",
    "FJ-002",
    "FJ-003",
]
SHENDANG_FROM = dt.date(2026, 6, 1)
SHENDANG_DECISION = (
    "盐政发〔2026〕15号",
    "海盐县人民政府关于向沈荡镇赋予千亩荡饮用水水源保护特色执法事项的决定（演示）",
    dt.date(2026, 5, 20),
)
SHENDANG_CODES = ["SY-001", "SY-003"]
SHENDANG_REQUESTED = "SY-002"
BAIBU_DECISION = (
    "盐政发〔2023〕36号",
    "海盐县人民政府关于向百步镇赋予物业管理特色执法事项的决定（演示）",
    dt.date(2023, 12, 15),
)
BAIBU_END_DECISION = (
    "盐政发〔2026〕27号",
    "海盐县人民政府关于调整部分镇（街道）赋权事项的决定（演示）",
    dt.date(2026, 8, 25),
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(hour, minute)), timezone.get_current_timezone()
    )


def _past(moment: dt.datetime) -> bool:
    return moment < timezone.now()


def _town(name: str) -> Region | None:
    return Region.objects.filter(level=RegionLevel.TOWN, name=name).order_by("code").first()


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


def _dispatcher(town: Region) -> User | None:
    return _member(
        Unit.objects.filter(kind=UnitKind.COMMAND_ROOM, region=town).first(), Role.DISPATCHER
    )


def _centre_operator() -> User | None:
    return _member(Unit.objects.filter(kind=UnitKind.COUNTY_CENTRE).first(), Role.CENTRE_OPERATOR)


def _county_leader() -> User | None:
    return _member(
        Unit.objects.filter(kind=UnitKind.LEADERSHIP, region__level=RegionLevel.COUNTY).first(),
        Role.LEADER,
    )


def _matters(codes) -> list[Matter]:
    by_code = Matter.objects.in_bulk(list(codes), field_name="code")
    return [by_code[c] for c in codes if c in by_code]


# --- catalog and grants -------------------------------------------------------------------


@dataclass
class EmpowermentSummary:
    matters: int
    grants: int
    requests: int


def load_demo_empowerment() -> EmpowermentSummary:
    """The catalog, the base list for every town, and the characteristic grants."""
    load_starter_catalog()
    if not EmpowermentGrant.objects.exists():
        _grants()
    dq = Matter.objects.filter(code="DQ-003").first()
    moment = _at(dt.date(2026, 6, 24), 10)
    if dq is not None and dq.versions.count() == 1 and _past(moment):
        version = dq.latest_version()
        with time_machine.travel(moment, tick=False):
            services.add_matter_version(
                dq,
                by=None,
                system=True,
                effective_from=dt.date(2026, 7, 1),
                note="按2026年版县级执法事项目录统一事项名称表述。",
                content=services.VersionData(
                    name="对在城市人民政府禁止的时段和区域内露天烧烤食品或者为露天烧烤食品提供场地的行政处罚",
                    law=version.law,
                    law_version=version.law_version,
                    article=version.article,
                    clause=version.clause,
                    article_text=version.article_text,
                    fine_min=version.fine_min,
                    fine_max=version.fine_max,
                    ranges=tuple(ranges_of(version)),
                ),
            )
    _mark_old_notifications_read()
    return EmpowermentSummary(
        matters=Matter.objects.count(),
        grants=EmpowermentGrant.objects.count(),
        requests=EmpowermentRequest.objects.count(),
    )


@transaction.atomic
def _grants() -> None:
    towns = list(Region.objects.towns().order_by("code"))
    base = _matters(BASE_CODES)
    with time_machine.travel(_at(BASE_DECISION[2], 16), tick=False):
        decision = services.decision_for(
            by=None, number=BASE_DECISION[0], title=BASE_DECISION[1], issued_on=BASE_DECISION[2]
        )
        for town in towns:
            services.grant_matters(
                town=town,
                matters=base,
                by=None,
                system=True,
                kind=GrantKind.BASE,
                effective_from=BASE_FROM,
                decision=decision,
                reason="基础事项清单：各镇（街道）统一承接。",
            )
    baibu = _town(BAIBU)
    if baibu is not None:
        with time_machine.travel(_at(BAIBU_DECISION[2], 16), tick=False):
            decision = services.decision_for(
                by=None,
                number=BAIBU_DECISION[0],
                title=BAIBU_DECISION[1],
                issued_on=BAIBU_DECISION[2],
            )
            grants = services.grant_matters(
                town=baibu,
                matters=_matters(["WY-003"]),
                by=None,
                system=True,
                kind=GrantKind.CHARACTERISTIC,
                effective_from=dt.date(2024, 1, 1),
                decision=decision,
                reason="百步镇新建小区集中，物业管理问题多发。",
            )
        moment = _at(BAIBU_END_DECISION[2], 16)
        if grants and _past(moment):
            with time_machine.travel(moment, tick=False):
                end = services.decision_for(
                    by=None,
                    number=BAIBU_END_DECISION[0],
                    title=BAIBU_END_DECISION[1],
                    issued_on=BAIBU_END_DECISION[2],
                )
                services.end_grant(
                    grants[0],
                    by=None,
                    system=True,
                    effective_to=dt.date(2026, 8, 31),
                    decision=end,
                    reason="2026年上半年评估发现该镇物业管理用房案件办理不规范、"
                    "法制审核力量不足，收回该事项，由县住建局实施。",
                )
    ganpu = _town(GANPU)
    moment = _at(GANPU_DECISION[2], 16)
    if ganpu is not None and _past(moment):
        with time_machine.travel(moment, tick=False):
            decision = services.decision_for(
                by=None,
                number=GANPU_DECISION[0],
                title=GANPU_DECISION[1],
                issued_on=GANPU_DECISION[2],
            )
            services.grant_matters(
                town=ganpu,
                matters=_matters(GANPU_CODES),
                by=None,
                system=True,
                kind=GrantKind.CHARACTERISTIC,
                effective_from=GANPU_FROM,
                decision=decision,
                reason="南北湖风景名胜区山林面积大，林业和景区违法行为由镇就近处置。",
            )
    shendang = _town(SHENDANG)
    if shendang is not None:
        _shendang(shendang)


def _shendang(town: Region) -> None:
    dispatcher, centre = _dispatcher(town), _centre_operator()
    requested = _matters([SHENDANG_REQUESTED])
    submitted_at = _at(dt.date(2026, 5, 8), 10)
    decided_at = _at(SHENDANG_DECISION[2], 15)
    if dispatcher is None or centre is None or not requested or not _past(decided_at):
        return
    with time_machine.travel(submitted_at, tick=False):
        request = services.submit_request(
            town=town,
            matter=requested[0],
            by=dispatcher,
            wanted_from=SHENDANG_FROM,
            reason="千亩荡饮用水水源一级保护区内组织垂钓、网箱养殖问题时有发生，镇综合执法队已配备水上巡查力量，"
            "申请赋予该事项，就近处置。",
        )
    with time_machine.travel(decided_at, tick=False):
        decision = services.decision_for(
            by=centre,
            number=SHENDANG_DECISION[0],
            title=SHENDANG_DECISION[1],
            issued_on=SHENDANG_DECISION[2],
        )
        services.approve_request(
            request, by=centre, decision=decision, reason="经评估，沈荡镇具备承接能力，同意赋予。"
        )
        services.grant_matters(
            town=town,
            matters=_matters(SHENDANG_CODES),
            by=centre,
            kind=GrantKind.CHARACTERISTIC,
            effective_from=SHENDANG_FROM,
            decision=decision,
            reason="千亩荡饮用水水源保护区由沈荡镇统一巡查、就近执法。",
        )


def load_demo_requests() -> int:
    """A rejected request (秦山街道) and a pending one (武原街道); the approved one comes with the grants."""
    if EmpowermentRequest.objects.exclude(matter__code=SHENDANG_REQUESTED).exists():
        return 0
    made = 0
    qinshan, wuyuan, leader = _town(QINSHAN), _town(WUYUAN), _county_leader()
    stories = [
        (
            qinshan,
            "PS-001",
            _at(dt.date(2026, 9, 10), 9, 30),
            dt.date(2026, 10, 1),
            "街道老旧小区雨污混接、餐饮店污水直排雨水管网问题较多，申请赋予该事项。",
            (
                _at(dt.date(2026, 9, 18), 15),
                "排水执法需专业检测能力，街道暂未配备相应力量；建议先由县住建局牵头开展联合执法，"
                "明年评估后再议。",
            ),
        ),
        (
            wuyuan,
            "RQ-003",
            _at(dt.date(2026, 11, 20), 10),
            dt.date(2027, 1, 1),
            "辖区餐饮集聚区瓶装燃气使用不规范问题多发，今年已由县住建局处理多起；街道执法队已有3人取得燃气安全培训证书，"
            "申请赋予后就近处置。",
            None,
        ),
    ]
    for town, code, submitted, wanted, reason, decision in stories:
        dispatcher = _dispatcher(town) if town else None
        matters = _matters([code])
        if dispatcher is None or not matters or not _past(submitted):
            continue
        with time_machine.travel(submitted, tick=False):
            request = services.submit_request(
                town=town, matter=matters[0], by=dispatcher, reason=reason, wanted_from=wanted
            )
        made += 1
        if decision is not None and leader is not None and _past(decision[0]):
            with time_machine.travel(decision[0], tick=False):
                services.reject_request(request, by=leader, reason=decision[1])
    _mark_old_notifications_read()
    return made


def _workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _mark_old_notifications_read() -> None:
    """As in the events demo: staff have read the notices older than three days."""
    cutoff = timezone.now() - dt.timedelta(days=3)
    Notification.objects.filter(created_at__lt=cutoff, read_at__isnull=True).update(
        read_at=F("created_at") + dt.timedelta(hours=2), delivered_at=F("created_at")
    )
