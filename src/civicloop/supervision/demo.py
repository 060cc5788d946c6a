"""Supervision's step of ``civicloop demo``: the county's and one town's dual-lead groups,
two special meetings with their decisions, study and field visits over the last months (one
leader misses a month), the 约谈 suggested from the ranking, and one 约谈 held and followed up.
Dates are relative to today, so the duties page always has something to show."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.errors import DomainError
from civicloop.core.registry import DemoContext
from civicloop.org.choices import RegionLevel, Role, UnitKind
from civicloop.org.demo import DemoLogin
from civicloop.org.models import Post, Region, Unit, User

from . import services
from .choices import SummonsState, VisitKind
from .models import LeadGroup, Summons, month_start, previous_month
from .ranking import compute_ranking


def _person(username: str, full_name: str, password: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.password = make_password(password)
        user.save(update_fields=["password"])
    return user


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def load(context: DemoContext) -> None:
    if LeadGroup.objects.exists():
        context.detail(_("Supervision records already loaded."))
        return
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    leader = User.objects.filter(username="leader").first()
    county_unit = Unit.objects.filter(kind=UnitKind.LEADERSHIP, region=county).first()
    town = Region.objects.filter(level=RegionLevel.TOWN).order_by("code").first()
    if not (county and leader and county_unit and town):
        context.skip(_("Supervision needs the demo organisation (the county's leader)."))
        return
    password = context.password or "demo"
    deputy = _person("demo_deputy_leader", "周卫东", password)
    Post.objects.get_or_create(user=deputy, unit=county_unit, role=Role.LEADER)
    town_unit, _c = Unit.objects.get_or_create(
        code=f"{town.code[:9]}-leadership",
        defaults={
            "name": f"{town.name}双牵头领导小组",
            "kind": UnitKind.LEADERSHIP,
            "region": town,
        },
    )
    town_leader = _person("town_leader", "沈建华", password)
    Post.objects.get_or_create(user=town_leader, unit=town_unit, role=Role.LEADER)
    context.logins.append(
        DemoLogin("town_leader", str(Role.LEADER.label), town_unit.name, _("sees the town's units"))
    )
    county_group = services.create_group(
        by=leader,
        name=county_unit.name,
        region=county,
        unit=county_unit,
        party_lead=leader,
        government_lead=deputy,
    )
    town_group = services.create_group(
        by=leader,
        name=town_unit.name,
        region=town,
        unit=town_unit,
        party_lead=town_leader,
        government_lead=deputy,
    )
    today = timezone.localdate()
    this_month = month_start(today)
    months = [previous_month(previous_month(previous_month(this_month)))]
    while months[-1] < previous_month(this_month):
        months.append(months[-1].replace(day=28) + dt.timedelta(days=4))
        months[-1] = months[-1].replace(day=1)

    squads = list(Unit.objects.filter(kind=UnitKind.SQUAD).order_by("code")[:2])
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("code")[:2])
    owners = (squads + departments) or [county_unit]
    first = services.record_meeting(
        by=leader,
        group=county_group,
        title="“大综合一体化”改革推进专题会议",
        held_on=months[0] + dt.timedelta(days=9),
        attendees=[leader, deputy],
        decisions=[
            {
                "text": "梳理乡镇（街道）高频事项清单，形成“一镇一策”",
                "owner_unit": owners[0],
                "due_on": months[0] + dt.timedelta(days=30),
            },
            {
                "text": "建立退回事件首接负责制，杜绝推诿扯皮",
                "owner_unit": owners[-1],
                "due_on": months[1] + dt.timedelta(days=14),
            },
        ],
    )
    services.complete_action_item(
        first.action_items.order_by("id").first(), by=leader, result="已印发清单"
    )
    services.record_meeting(
        by=town_leader,
        group=town_group,
        title="占道经营与网格巡查专题会议",
        held_on=months[-1] + dt.timedelta(days=4),
        attendees=[town_leader, deputy],
        decisions=[
            {
                "text": "主要街道占道经营整治，每周通报",
                "owner_unit": squads[0] if squads else owners[0],
                "due_on": today + dt.timedelta(days=20),
            }
        ],
    )
    overdue = services.mark_overdue_action_items(today)
    services.record_visit(
        by=leader,
        kind=VisitKind.STUDY,
        group=county_group,
        leader=leader,
        companions=[deputy],
        visited_on=months[0] + dt.timedelta(days=15),
        place="浙江省诸暨市",
        purpose="学习“枫桥经验”与基层治理四平台",
    )
    # Field visits: every leader each month, except the deputy in the last month ended.
    for index, month in enumerate(months):
        for who, group, place, day in (
            (leader, county_group, f"{town.name}综合信息指挥室", 6),
            (town_leader, town_group, f"{town.name}网格", 12),
            (deputy, county_group, "县社会治理中心", 20),
        ):
            if who == deputy and index == len(months) - 1:
                continue
            services.record_visit(
                by=leader,
                kind=VisitKind.FIELD,
                group=group,
                leader=who,
                visited_on=month + dt.timedelta(days=day - 1),
                place=place,
                region=group.region,
                purpose="督导事件处置与网格巡查",
            )
    suggested = []
    for month in months[1:]:
        suggested += services.suggest_summonses(month)
    held = _hold_one(months, leader=leader, town_leader=town_leader, today=today)
    context.say(
        _(
            "Supervision: 2 dual-lead groups, 2 special meetings (%(overdue)d decision overdue), "
            "field visits for %(months)d months (one leader missed the last), %(suggested)d 约谈 "
            "suggested from the ranking, %(held)d held and followed up."
        )
        % {
            "overdue": overdue,
            "months": len(months),
            "suggested": len(suggested),
            "held": held,
        }
    )


def _hold_one(months, *, leader, town_leader, today) -> int:
    """The worst-ranked unit of the earliest month ranked is summoned, and followed up."""
    month = months[1]
    summons = (
        Summons.objects.filter(month=month, state=SummonsState.SUGGESTED, step=1)
        .order_by("unit__code")
        .first()
    )
    if summons is None:
        ranking = compute_ranking(month)
        if not ranking.results:
            return 0
        worst = ranking.results[-1]
        summons = services.record_summons(
            by=leader,
            unit=worst.unit,
            month=month,
            reason="；".join(worst.reasons()),
        )
    held_on = months[2] + dt.timedelta(days=7) if len(months) > 2 else today
    try:
        services.schedule_summons(
            summons, by=leader, scheduled_for=_moment(held_on, 9), place="县社会治理中心三楼会议室"
        )
        services.hold_summons(
            summons,
            by=leader,
            held_at=_moment(held_on, 9),
            attendees="单位主要负责人、分管负责人",
            commitments="一周内清理退回和超期事件；建立首接负责制；每周向指挥室报告进度",
            notes="通报排名与扣分原因，单位作表态发言。",
        )
        services.follow_up_summons(
            summons, by=leader, improved=True, notes="次月无重复退回，超期率下降。"
        )
    except DomainError:
        return 0
    return 1
