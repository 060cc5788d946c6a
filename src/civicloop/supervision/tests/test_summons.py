import datetime as dt

import pytest

from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.supervision import services
from civicloop.supervision.choices import SummonsRule, SummonsState
from civicloop.supervision.conf import EscalationStep
from civicloop.supervision.models import Summons
from civicloop.testing.cases import at, local

from . import records

FEB, MARCH = dt.date(2026, 2, 1), dt.date(2026, 3, 1)
pytestmark = pytest.mark.django_db


def _rules(summons):
    return [reason["rule"] for reason in summons.reasons]


def test_one_month_on_the_black_list_suggests_only_for_the_repeated_returns(march, sv):
    made = services.suggest_summonses(MARCH, now=local(dt.datetime(2026, 4, 2)))
    assert [s.unit for s in made] == [sv.wuyuan_squad]
    summons = made[0]
    assert _rules(summons) == [SummonsRule.REPEATED_RETURNS]
    assert march["returned"].number in summons.reasons[0]["text"]
    assert summons.state == SummonsState.SUGGESTED and summons.step == 1
    row = summons.history.get()
    assert (row.action, row.to_state, row.actor) == ("suggest", SummonsState.SUGGESTED, None)
    # Running it again adds nothing.
    assert services.suggest_summonses(MARCH, now=local(dt.datetime(2026, 4, 2))) == []


def test_the_bottom_of_the_list_twice_running_is_a_reason(sv, settings):
    settings.CIVICLOOP_SUPERVISION = {"repeated_returns": 99}
    for month in (FEB, MARCH):
        records.done_on_time(sv, month)
        records.left_overdue(sv, month)
    made = services.suggest_summonses(MARCH, now=local(dt.datetime(2026, 4, 2)))
    assert [s.unit for s in made] == [sv.wuyuan_squad]
    assert _rules(made[0]) == [SummonsRule.BLACK_LIST_RUNNING]
    assert "2026-02" in made[0].reasons[0]["text"]


def test_the_bottom_of_the_list_once_is_not_a_reason(sv, settings):
    settings.CIVICLOOP_SUPERVISION = {"repeated_returns": 99}
    records.done_on_time(sv, MARCH)
    records.left_overdue(sv, MARCH)
    assert services.suggest_summonses(MARCH, now=local(dt.datetime(2026, 4, 2))) == []


def test_a_unit_summoned_the_month_before_goes_to_the_higher_body(march, sv):
    services.record_summons(by=sv.leader, unit=sv.wuyuan_squad, month=FEB, reason="推诿扯皮")
    summons = services.suggest_summonses(MARCH, now=local(dt.datetime(2026, 4, 2)))[0]
    assert summons.step == 2
    assert "县委县政府" in summons.body
    # The second step is the county's: a town leader may not schedule it.
    with pytest.raises(NotPermitted):
        services.schedule_summons(
            summons,
            by=sv.wuyuan_leader,
            scheduled_for=local(dt.datetime(2026, 4, 8)),
            place="会议室",
        )
    assert Summons.objects.get(pk=summons.pk).state == SummonsState.SUGGESTED


def test_escalation_steps_are_configurable(march, sv, settings):
    settings.CIVICLOOP_SUPERVISION = {
        "escalation": (EscalationStep("chief", "县长约谈", county_only=True),)
    }
    summons = services.suggest_summonses(MARCH, now=local(dt.datetime(2026, 4, 2)))[0]
    assert (summons.step, summons.body) == (1, "县长约谈")


def test_a_summons_is_scheduled_held_and_followed_up_with_history(march, sv):
    with at(dt.datetime(2026, 4, 2, 9)):
        summons = services.suggest_summonses(MARCH)[0]
        services.schedule_summons(
            summons,
            by=sv.wuyuan_leader,
            scheduled_for=local(dt.datetime(2026, 4, 8, 9)),
            place="武原街道三楼会议室",
        )
    with at(dt.datetime(2026, 4, 8, 11)):
        services.hold_summons(
            summons,
            by=sv.wuyuan_leader,
            held_at=local(dt.datetime(2026, 4, 8, 9)),
            attendees="中队长 王某",
            commitments="一周内清理退回事件，建立首接负责制",
        )
    summons.refresh_from_db()
    assert summons.state == SummonsState.HELD
    assert summons.follow_up_due_on == dt.date(2026, 5, 8)
    with at(dt.datetime(2026, 5, 10, 10)):
        services.follow_up_summons(summons, by=sv.wuyuan_leader, improved=True, notes="四月无退回")
    summons.refresh_from_db()
    assert summons.state == SummonsState.IMPROVED
    assert summons.follow_up_evidence["before"]["month"] == "2026-03"
    assert summons.follow_up_evidence["after"]["month"] == "2026-05"
    rows = list(summons.history.order_by("at", "id"))
    assert [(r.action, r.from_state, r.to_state) for r in rows] == [
        ("suggest", "", SummonsState.SUGGESTED),
        ("schedule", SummonsState.SUGGESTED, SummonsState.SCHEDULED),
        ("hold", SummonsState.SCHEDULED, SummonsState.HELD),
        ("follow_up", SummonsState.HELD, SummonsState.IMPROVED),
    ]
    assert all(r.actor == sv.wuyuan_leader for r in rows[1:])


def test_a_summons_cannot_be_held_before_it_is_scheduled_nor_without_commitments(march, sv):
    with at(dt.datetime(2026, 4, 2, 9)):
        summons = services.suggest_summonses(MARCH)[0]
        with pytest.raises(InvalidTransition):
            services.hold_summons(
                summons,
                by=sv.leader,
                held_at=local(dt.datetime(2026, 4, 2, 8)),
                attendees="王某",
                commitments="整改",
            )
        services.schedule_summons(
            summons, by=sv.leader, scheduled_for=local(dt.datetime(2026, 4, 2, 8)), place="县府"
        )
        with pytest.raises(InvalidInput) as refused:
            services.hold_summons(
                summons,
                by=sv.leader,
                held_at=local(dt.datetime(2026, 4, 2, 8)),
                attendees="王某",
                commitments="  ",
            )
    assert refused.value.field == "commitments"
    summons.refresh_from_db()
    assert summons.state == SummonsState.SCHEDULED and summons.history.count() == 2


def test_only_a_leader_supervising_the_unit_acts_on_its_summons(march, sv):
    with at(dt.datetime(2026, 4, 2, 9)):
        summons = services.suggest_summonses(MARCH)[0]
    for outsider in (sv.wuyuan_dispatcher, sv.grid_worker):
        with pytest.raises(NotPermitted):
            services.dismiss_summons(summons, by=outsider, reason="不需要")
    ganpu = services.record_summons(
        by=sv.leader, unit=sv.ganpu_squad, month=MARCH, reason="群众反映推诿"
    )
    with pytest.raises(NotPermitted):
        services.dismiss_summons(ganpu, by=sv.wuyuan_leader, reason="不需要")
    services.dismiss_summons(summons, by=sv.wuyuan_leader, reason="已当面提醒")
    assert Summons.objects.visible_to(sv.wuyuan_leader).get() == summons
    assert Summons.objects.visible_to(sv.leader).count() == 2
    assert not Summons.objects.visible_to(sv.grid_worker).exists()
    summons.refresh_from_db()
    assert summons.state == SummonsState.DISMISSED
    assert summons.history.last().reason == "已当面提醒"
