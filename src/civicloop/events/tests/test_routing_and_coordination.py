import datetime as dt

import pytest
from django.utils import timezone

from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.events import services
from civicloop.events.choices import AssignmentKind, AssignmentState, EventState, Outcome, Rating
from civicloop.events.routing import route
from civicloop.testing.journeys import report, walk

S = EventState
A = AssignmentState


def judged(world, *, urgency="general", span="single", category=None, **kwargs):
    event = report(world, category=category, **kwargs)
    return services.judge_event(
        event, by=world.wuyuan_dispatcher, urgency=urgency, span=span, reason="研判"
    )


def test_general_event_goes_to_the_town_squad_that_holds_the_power(world):
    event = services.dispatch_event(judged(world), by=world.wuyuan_dispatcher)
    lead = event.lead_assignment()
    assert lead.unit == world.wuyuan_squad and lead.kind == AssignmentKind.LEAD
    assert event.history.get(action="dispatch").details["overridden"] is False


def test_category_not_delegated_to_towns_goes_to_its_county_department(world):
    event = services.dispatch_event(
        judged(world, category=world.food_safety), by=world.wuyuan_dispatcher
    )
    assert event.lead_assignment().unit == world.dept_scjg


def test_village_level_category_goes_to_the_village_liaison_station(world):
    event = services.dispatch_event(
        judged(world, category=world.disputes), by=world.wuyuan_dispatcher
    )
    assert event.lead_assignment().unit == world.wuyuan_station


def test_urgent_event_goes_to_the_emergency_team_with_the_town_assisting(world):
    event = services.dispatch_event(judged(world, urgency="urgent"), by=world.wuyuan_dispatcher)
    assert event.lead_assignment().unit == world.emergency
    assist = event.assignments.get(kind=AssignmentKind.ASSIST)
    assert assist.unit == world.wuyuan_command
    # the urgent accept deadline is 30 calendar minutes
    assert event.deadline_at - event.lead_assignment().issued_at == dt.timedelta(minutes=30)
    event = walk(world, event, S.FEEDBACK_SUBMITTED, handler=world.emergency_officer)
    assert event.assignments.get(kind=AssignmentKind.ASSIST).state == A.DONE


def test_sending_elsewhere_than_the_rules_suggest_needs_a_reason(world):
    event = judged(world)
    with pytest.raises(InvalidInput):
        services.dispatch_event(event, by=world.wuyuan_dispatcher, to_unit=world.dept_zhzf)
    event = services.dispatch_event(
        event, by=world.wuyuan_dispatcher, to_unit=world.dept_zhzf, reason="涉及县级审批"
    )
    details = event.history.get(action="dispatch").details
    assert details["overridden"] is True and details["suggested"] == world.wuyuan_squad.code


def test_a_town_may_not_send_its_event_to_another_towns_squad_but_the_county_centre_may(world):
    event = judged(world)
    with pytest.raises(NotPermitted) as refused:
        services.dispatch_event(
            event, by=world.wuyuan_dispatcher, to_unit=world.ganpu_squad, reason="澉浦人手多"
        )
    assert "澉浦镇综合行政执法队" in str(refused.value.message)
    assert event.assignments.count() == 0
    event.refresh_from_db()
    assert event.state == S.JUDGED
    # The county centre coordinates across towns.
    event = services.dispatch_event(
        event, by=world.centre, to_unit=world.ganpu_squad, reason="武原执法队全员在外"
    )
    assert event.lead_assignment().unit == world.ganpu_squad


def test_dispatching_an_ungraded_event_is_impossible(world):
    with pytest.raises(InvalidTransition):
        services.dispatch_event(report(world), by=world.wuyuan_dispatcher)


def test_route_explains_itself(world):
    assert route(judged(world, urgency="urgent")).explanation


# --- coordination orders (多跨) ------------------------------------------------------


def multi(world):
    return judged(world, span="multi", category=world.food_safety)


def test_town_dispatcher_cannot_issue_a_coordination_order(world):
    event = multi(world)
    with pytest.raises(NotPermitted):
        services.dispatch_event(event, by=world.wuyuan_dispatcher)
    event.refresh_from_db()
    assert event.state == S.JUDGED and event.assignments.count() == 0


def test_county_centre_issues_one_subtask_per_unit_each_with_its_deadline(world):
    due = timezone.now() + dt.timedelta(days=3)
    event = services.dispatch_event(
        multi(world),
        by=world.centre,
        subtasks=[
            services.SubtaskSpec(unit=world.dept_scjg, instruction="查处无证经营", due_at=due),
            services.SubtaskSpec(unit=world.wuyuan_squad, instruction="清理占道"),
        ],
    )
    subs = list(event.live_subtasks().order_by("id"))
    assert [s.unit for s in subs] == [world.dept_scjg, world.wuyuan_squad]
    assert subs[0].due_at == due and subs[1].due_at != due
    assert event.state == S.DISPATCHED and event.lead_assignment() is None
    assert event.history.get(action="dispatch").details["coordination_order"] is True


def test_default_coordination_order_uses_the_department_and_the_town_squad(world):
    event = services.dispatch_event(multi(world), by=world.centre)
    assert {s.unit for s in event.live_subtasks()} == {world.dept_scjg, world.wuyuan_squad}


def test_coordination_order_needs_two_distinct_units(world):
    event = multi(world)
    with pytest.raises(InvalidInput):
        services.dispatch_event(
            event, by=world.centre, subtasks=[services.SubtaskSpec(unit=world.dept_scjg)]
        )
    with pytest.raises(InvalidInput):
        services.dispatch_event(
            event,
            by=world.centre,
            subtasks=[
                services.SubtaskSpec(unit=world.dept_scjg),
                services.SubtaskSpec(unit=world.dept_scjg),
            ],
        )
    assert event.assignments.count() == 0


def finish(world, sub, user):
    services.accept_subtask(sub, by=user)
    services.complete_subtask(sub, by=user, outcome=Outcome.RESOLVED, measures="已处置")


def test_event_closes_only_when_every_subtask_is_done(world):
    event = services.dispatch_event(multi(world), by=world.centre)
    scjg = event.live_subtasks().get(unit=world.dept_scjg)
    squad = event.live_subtasks().get(unit=world.wuyuan_squad)
    services.accept_subtask(scjg, by=world.dept_officer)
    event.refresh_from_db()
    assert event.state == S.HANDLING  # the order is under way
    services.complete_subtask(
        scjg, by=world.dept_officer, outcome=Outcome.RESOLVED, measures="已立案查处"
    )
    event.refresh_from_db()
    assert event.state == S.HANDLING  # the squad has not finished
    with pytest.raises(InvalidTransition):
        services.check_event(event, by=world.centre, passed=True)
    finish(world, squad, world.wuyuan_officer)
    event.refresh_from_db()
    assert event.state == S.FEEDBACK_SUBMITTED
    assert event.history.filter(action="subtasks_completed", actor__isnull=True).exists()
    services.check_event(event, by=world.centre, passed=True)
    event = services.rate_event(event, rating=Rating.SATISFIED, tracking_code=event.tracking_code)
    event = services.close_event(event, by=world.centre)
    assert event.state == S.CLOSED


def test_only_the_unit_given_a_subtask_can_act_on_it(world):
    event = services.dispatch_event(multi(world), by=world.centre)
    scjg = event.live_subtasks().get(unit=world.dept_scjg)
    with pytest.raises(NotPermitted):
        services.accept_subtask(scjg, by=world.wuyuan_officer)
    with pytest.raises(NotPermitted):
        services.accept_event(event, by=world.dept_officer)  # no event-level handling for 多跨


def test_returned_subtask_is_replaced_by_the_centre(world):
    event = services.dispatch_event(multi(world), by=world.centre)
    scjg = event.live_subtasks().get(unit=world.dept_scjg)
    services.return_subtask(scjg, by=world.dept_officer, reason="非本部门职责")
    scjg.refresh_from_db()
    assert scjg.state == A.RETURNED
    new = services.add_subtask(
        event, by=world.centre, unit=world.dept_zhzf, instruction="请县综合执法局处置"
    )
    assert new.state == A.ISSUED
    finish(world, new, world.zhzf_officer)
    finish(world, event.live_subtasks().get(unit=world.wuyuan_squad), world.wuyuan_officer)
    event.refresh_from_db()
    assert event.state == S.FEEDBACK_SUBMITTED


def test_failed_check_reopens_the_subtasks(world):
    event = services.dispatch_event(multi(world), by=world.centre)
    finish(world, event.live_subtasks().get(unit=world.dept_scjg), world.dept_officer)
    finish(world, event.live_subtasks().get(unit=world.wuyuan_squad), world.wuyuan_officer)
    event = services.check_event(event, by=world.centre, passed=False, notes="油烟问题未解决")
    assert event.state == S.HANDLING
    assert set(event.live_subtasks().values_list("state", flat=True)) == {A.ACCEPTED}
    assert event.history.filter(action="reopen_subtask").count() == 2


def test_cancelling_the_last_subtask_is_refused(world):
    event = services.dispatch_event(multi(world), by=world.centre)
    subs = list(event.live_subtasks())
    services.cancel_subtask(subs[0], by=world.centre, reason="合并处置")
    with pytest.raises(InvalidInput):
        services.cancel_subtask(subs[1], by=world.centre, reason="x")


# --- escalation (督办) ------------------------------------------------------------


def test_overdue_event_is_escalated_once_per_missed_deadline(world):
    event = walk(world, report(world), S.DISPATCHED)
    later = event.deadline_at + dt.timedelta(minutes=1)
    assert services.escalate_overdue(at=later) == 1
    assert services.escalate_overdue(at=later) == 0  # not again for the same deadline
    event.refresh_from_db()
    assert event.escalation_level == 1
    row = event.history.get(action="escalate")
    assert row.actor is None and row.details["automatic"] is True and row.from_state == row.to_state
    # the command room and the handling unit are told
    recipients = set(
        world.wuyuan_dispatcher.notifications.filter(verb="escalated").values_list("pk", flat=True)
    )
    assert recipients and world.wuyuan_officer.notifications.filter(verb="escalated").exists()
    # accepting late sets a new deadline; missing that one escalates again
    event = services.accept_event(event, by=world.wuyuan_officer)
    assert services.escalate_overdue(at=event.deadline_at + dt.timedelta(minutes=1)) == 1
    event.refresh_from_db()
    assert event.escalation_level == 2
    assert world.leader.notifications.filter(verb="escalated").exists()


def test_parked_and_finished_events_are_not_escalated(world):
    event = walk(world, report(world), S.HANDLING)
    services.park_event(event, by=world.wuyuan_dispatcher, reason="待拆迁")
    closed = walk(world, report(world), S.CLOSED)
    assert services.escalate_overdue(at=timezone.now() + dt.timedelta(days=365)) == 0
    assert closed.history.filter(action="escalate").count() == 0


def test_overdue_subtask_escalates_its_event(world):
    event = services.dispatch_event(multi(world), by=world.centre)
    sub = event.live_subtasks().get(unit=world.dept_scjg)
    services.accept_subtask(sub, by=world.dept_officer)
    sub.refresh_from_db()
    count = services.escalate_overdue(at=sub.due_at + dt.timedelta(hours=1))
    assert count >= 1
    assert event.history.filter(action="escalate", details__assignment=sub.pk).exists()


def test_leader_may_escalate_by_hand_with_a_reason(world):
    event = walk(world, report(world), S.HANDLING)
    with pytest.raises(InvalidInput):
        services.escalate_event(event, by=world.leader, reason="")
    event = services.escalate_event(event, by=world.leader, reason="群众反映强烈")
    assert event.escalation_level == 1 and event.state == S.HANDLING


def test_grid_worker_cannot_escalate(world):
    with pytest.raises(NotPermitted):
        services.escalate_event(report(world), by=world.grid_worker, reason="急")
