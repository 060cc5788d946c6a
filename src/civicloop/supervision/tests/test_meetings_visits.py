import datetime as dt

import pytest

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.workqueue import work_queue
from civicloop.notifications.models import Notification
from civicloop.supervision import duties, services
from civicloop.supervision.choices import ActionItemState, VisitKind
from civicloop.supervision.models import ActionItem, Meeting, Visit
from civicloop.testing.cases import at

pytestmark = pytest.mark.django_db


def test_a_meeting_records_its_decisions_as_action_items_with_history(sv, groups):
    _county, town = groups
    with at(dt.datetime(2026, 3, 5, 15)):
        meeting = services.record_meeting(
            by=sv.wuyuan_leader,
            group=town,
            title="占道经营专项整治",
            held_on=dt.date(2026, 3, 5),
            decisions=[
                {
                    "text": "三月底前清理主街占道",
                    "owner_unit": sv.wuyuan_squad,
                    "due_on": dt.date(2026, 3, 31),
                }
            ],
        )
    item = meeting.action_items.get()
    assert item.state == ActionItemState.OPEN
    assert item.history.get().action == "create"
    # The owner unit is told, with the way to record it done.
    told = Notification.objects.get(recipient=sv.wuyuan_officer, verb="action_item")
    assert told.link == f"/supervision/items/{item.pk}/complete/"
    # The sweep on the due date leaves it; the day after, it is overdue.
    assert services.mark_overdue_action_items(dt.date(2026, 3, 31)) == 0
    assert services.mark_overdue_action_items(dt.date(2026, 4, 1)) == 1
    item.refresh_from_db()
    assert item.state == ActionItemState.OVERDUE
    row = item.history.last()
    assert (row.action, row.from_state, row.to_state, row.actor) == (
        "fall_overdue",
        ActionItemState.OPEN,
        ActionItemState.OVERDUE,
        None,
    )
    # The owner unit records it done.
    services.complete_action_item(item, by=sv.wuyuan_officer, result="主街占道已清理")
    item.refresh_from_db()
    assert item.state == ActionItemState.DONE and item.done_at is not None
    done = item.history.last()
    assert (done.action, done.actor, done.details["late"]) == ("complete", sv.wuyuan_officer, True)


def test_a_decision_is_due_after_its_meeting_and_others_may_not_complete_it(sv, groups):
    _county, town = groups
    with pytest.raises(InvalidInput) as refused:
        services.record_meeting(
            by=sv.wuyuan_leader,
            group=town,
            title="专题会",
            held_on=dt.date(2026, 3, 5),
            decisions=[
                {"text": "整改", "owner_unit": sv.wuyuan_squad, "due_on": dt.date(2026, 3, 1)}
            ],
        )
    assert refused.value.field == "due_on"
    assert not Meeting.objects.exists()
    meeting = services.record_meeting(
        by=sv.wuyuan_leader, group=town, title="专题会", held_on=dt.date(2026, 3, 5)
    )
    item = services.add_action_item(
        meeting,
        by=sv.wuyuan_leader,
        text="整改",
        owner_unit=sv.wuyuan_squad,
        due_on=dt.date(2026, 3, 9),
    )
    with pytest.raises(NotPermitted):
        services.complete_action_item(item, by=sv.ganpu_officer, result="完成")
    assert ActionItem.objects.get().state == ActionItemState.OPEN


def test_a_town_leader_records_only_for_their_town(sv, groups):
    county, town = groups
    with pytest.raises(NotPermitted):
        services.record_meeting(
            by=sv.wuyuan_leader, group=county, title="全县会议", held_on=dt.date(2026, 3, 5)
        )
    assert list(Meeting.objects.visible_to(sv.wuyuan_leader)) == []
    services.record_meeting(
        by=sv.leader, group=county, title="全县会议", held_on=dt.date(2026, 3, 5)
    )
    assert Meeting.objects.visible_to(sv.leader).count() == 1
    assert Meeting.objects.visible_to(sv.wuyuan_leader).count() == 0


def test_field_visits_are_met_or_missed_by_month_with_the_edges_in_their_month(sv, groups):
    county, town = groups
    # The last day of January and the first of March: February has none.
    for day in (dt.date(2026, 1, 31), dt.date(2026, 3, 1)):
        services.record_visit(
            by=sv.wuyuan_leader,
            kind=VisitKind.FIELD,
            group=town,
            leader=sv.wuyuan_leader,
            visited_on=day,
            place="武原村",
            purpose="检查占道整治",
        )
    # The town leader went along on a county visit in February, as a companion.
    services.record_visit(
        by=sv.leader,
        kind=VisitKind.FIELD,
        group=county,
        leader=sv.leader,
        companions=[sv.wuyuan_leader],
        visited_on=dt.date(2026, 2, 28),
        place="澉浦镇",
        purpose="督导网格巡查",
    )
    months = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    table = {
        row.leader: [(c["count"], c["met"]) for c in row.cells]
        for row in duties.field_visit_table(sv.leader, months, today=dt.date(2026, 4, 1))
    }
    assert table[sv.wuyuan_leader] == [(1, True), (1, True), (1, True)]
    assert table[sv.leader] == [(0, False), (1, True), (0, False)]
    assert duties.leaders_below_duty(dt.date(2026, 3, 1)) == 1
    assert duties.leaders_below_duty(dt.date(2026, 3, 1), region=sv.wuyuan) == 0
    # The town leader's table lists the town's leaders only.
    town_rows = duties.field_visit_table(sv.wuyuan_leader, months, today=dt.date(2026, 4, 1))
    assert [row.leader for row in town_rows] == [sv.wuyuan_leader]


def test_the_running_month_is_not_missed_until_it_ends(sv, groups):
    rows = duties.field_visit_table(sv.leader, [dt.date(2026, 3, 1)], today=dt.date(2026, 3, 31))
    assert {row.cells[0]["met"] for row in rows} == {None}


def test_a_study_visit_does_not_count_as_a_field_visit(sv, groups):
    county, _town = groups
    services.record_visit(
        by=sv.leader,
        kind=VisitKind.STUDY,
        group=county,
        leader=sv.leader,
        visited_on=dt.date(2026, 3, 3),
        place="浙江省诸暨市",
        purpose="学习枫桥经验",
    )
    assert Visit.objects.count() == 1
    assert duties.leaders_below_duty(dt.date(2026, 3, 1)) == 2


def test_a_leader_sees_their_duties_this_month(sv, groups):
    _county, town = groups
    with at(dt.datetime(2026, 3, 10, 9)):
        services.record_meeting(
            by=sv.wuyuan_leader, group=town, title="专题会", held_on=dt.date(2026, 3, 9)
        )
        services.record_summons(
            by=sv.wuyuan_leader, unit=sv.wuyuan_squad, month=dt.date(2026, 3, 1), reason="推诿"
        )
        mine = duties.duties_of(sv.wuyuan_leader)
    assert mine["field_visit_due"] is True and mine["field_visits"] == 0
    assert [m.title for m in mine["meetings"]] == ["专题会"]
    assert [s.unit for s in mine["summonses"]] == [sv.wuyuan_squad]


def test_decisions_and_summonses_wait_in_the_work_queue_of_who_acts_on_them(sv, groups):
    _county, town = groups
    meeting = services.record_meeting(
        by=sv.wuyuan_leader, group=town, title="专题会", held_on=dt.date(2026, 3, 5)
    )
    services.add_action_item(
        meeting,
        by=sv.wuyuan_leader,
        text="清理主街占道",
        owner_unit=sv.wuyuan_squad,
        due_on=dt.date(2026, 3, 31),
    )
    services.record_summons(
        by=sv.wuyuan_leader, unit=sv.wuyuan_squad, month=dt.date(2026, 3, 1), reason="推诿"
    )
    officer = work_queue(sv.wuyuan_officer)
    [decision] = officer.of_kind("supervision_decisions")
    assert "清理主街占道" in decision.title and decision.url.endswith("/complete/")
    assert officer.of_kind("supervision_summons") == []
    leader = work_queue(sv.wuyuan_leader)
    assert len(leader.of_kind("supervision_summons")) == 1
    assert len(leader.of_kind("supervision_decisions")) == 1
    assert work_queue(sv.ganpu_officer).of_kind("supervision_decisions") == []
