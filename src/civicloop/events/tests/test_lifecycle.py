"""Every path of the event lifecycle, asserting the state AND the history it leaves."""

import pytest
from django.test import override_settings

from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.events import services
from civicloop.events.choices import AssignmentKind, AssignmentState, EventState, Outcome, Rating
from civicloop.events.models import Event
from civicloop.testing.journeys import report, walk

S = EventState


def actions(event):
    return list(event.history.values_list("action", "from_state", "to_state"))


def last(event):
    return event.history.order_by("-at", "-id").first()


def test_the_main_path_closes_the_loop_with_one_history_row_per_step(world):
    event = walk(world, report(world), S.CLOSED)
    assert event.state == S.CLOSED and event.closed_at is not None
    assert actions(event) == [
        ("collect", "", S.COLLECTED),
        ("judge", S.COLLECTED, S.JUDGED),
        ("dispatch", S.JUDGED, S.DISPATCHED),
        ("accept", S.DISPATCHED, S.ACCEPTED),
        ("start", S.ACCEPTED, S.HANDLING),
        ("submit_feedback", S.HANDLING, S.FEEDBACK_SUBMITTED),
        ("check", S.FEEDBACK_SUBMITTED, S.CHECKED),
        ("rate", S.CHECKED, S.RATED),
        ("close", S.RATED, S.CLOSED),
    ]
    actors = list(event.history.values_list("actor__username", flat=True))
    assert actors == [
        "grid_worker",
        "wuyuan_dispatcher",
        "wuyuan_dispatcher",
        "wuyuan_officer",
        "wuyuan_officer",
        "wuyuan_officer",
        "wuyuan_dispatcher",
        None,
        "wuyuan_dispatcher",
    ]
    assert event.history.get(action="rate").details["channel"] == "public"


def test_history_rows_cannot_be_edited_or_deleted(world):
    event = report(world)
    row = event.history.get()
    row.reason = "changed"
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        event.history.all().update(reason="x")


def test_judging_records_the_grade_and_its_reason(world):
    event = services.judge_event(
        report(world),
        by=world.wuyuan_dispatcher,
        urgency="general",
        span="single",
        reason="一般占道",
        category=world.food_safety,
    )
    assert (event.urgency, event.span, event.category) == ("general", "single", world.food_safety)
    row = last(event)
    assert row.reason == "一般占道"
    assert (
        row.details["category"] == "food-safety"
        and row.details["before"]["category"] == "street-vending"
    )


def test_judging_without_a_reason_is_refused_and_changes_nothing(world):
    event = report(world)
    with pytest.raises(InvalidInput) as exc:
        services.judge_event(
            event, by=world.wuyuan_dispatcher, urgency="general", span="single", reason=" "
        )
    assert exc.value.field == "reason"
    event.refresh_from_db()
    assert event.state == S.COLLECTED and event.urgency == "" and event.history.count() == 1


def test_return_sends_the_event_back_to_the_dispatcher_with_the_reason(world):
    event = walk(world, report(world), S.ACCEPTED)
    event = services.return_event(event, by=world.wuyuan_officer, reason="不属于本队职责")
    assert event.state == S.JUDGED
    assert last(event).action == "return" and last(event).reason == "不属于本队职责"
    lead = event.assignments.get(kind=AssignmentKind.LEAD)
    assert lead.state == AssignmentState.RETURNED and lead.return_reason == "不属于本队职责"
    # it can be dispatched again, and the returned assignment stays on record
    event = services.dispatch_event(
        event, by=world.wuyuan_dispatcher, to_unit=world.dept_zhzf, reason="转县综合执法局"
    )
    assert event.state == S.DISPATCHED
    assert event.assignments.count() == 2


def test_return_without_reason_is_refused(world):
    event = walk(world, report(world), S.DISPATCHED)
    with pytest.raises(InvalidInput):
        services.return_event(event, by=world.wuyuan_officer, reason="")
    event.refresh_from_db()
    assert event.state == S.DISPATCHED


def test_redispatch_moves_the_work_to_another_unit(world):
    event = walk(world, report(world), S.HANDLING)
    event = services.redispatch_event(
        event, by=world.wuyuan_dispatcher, to_unit=world.dept_zhzf, reason="需县局处置"
    )
    assert event.state == S.DISPATCHED
    assert event.lead_assignment().unit == world.dept_zhzf
    assert event.assignments.get(unit=world.wuyuan_squad).state == AssignmentState.CANCELLED
    assert last(event).details["from_unit"] == world.wuyuan_squad.code
    # the old unit can no longer act; the new one can
    with pytest.raises(NotPermitted):
        services.accept_event(event, by=world.wuyuan_officer)
    services.accept_event(event, by=world.zhzf_officer)


def test_failed_check_sends_it_back_for_rework_and_counts_it(world):
    event = walk(world, report(world), S.FEEDBACK_SUBMITTED)
    event = services.check_event(event, by=world.wuyuan_dispatcher, passed=False, notes="摊位仍在")
    assert event.state == S.HANDLING
    row = last(event)
    assert row.action == "check" and row.details == {**row.details, "passed": False, "rework": True}
    assert event.lead_assignment().state == AssignmentState.ACCEPTED
    assert event.checks.get().passed is False
    # handled again and passed the second time
    event = walk(world, event, S.CLOSED)
    assert event.history.filter(details__rework=True).count() == 1


def test_failed_check_needs_notes(world):
    event = walk(world, report(world), S.FEEDBACK_SUBMITTED)
    with pytest.raises(InvalidInput):
        services.check_event(event, by=world.wuyuan_dispatcher, passed=False, notes="")
    assert event.checks.count() == 0


def test_dissatisfied_reporter_reopens_the_event_for_rework(world):
    event = walk(world, report(world), S.CHECKED)
    event = services.rate_event(
        event, rating=Rating.DISSATISFIED, comment="还在摆摊", tracking_code=event.tracking_code
    )
    assert event.state == S.HANDLING
    assert last(event).details["rework"] is True
    assert event.ratings.get().rating == Rating.DISSATISFIED


def test_dissatisfied_rating_needs_a_comment(world):
    event = walk(world, report(world), S.CHECKED)
    with pytest.raises(InvalidInput):
        services.rate_event(
            event, rating=Rating.DISSATISFIED, comment="", tracking_code=event.tracking_code
        )
    event.refresh_from_db()
    assert event.state == S.CHECKED and event.ratings.count() == 0


@override_settings(CIVICLOOP_MAX_DISSATISFIED_REWORKS=1)
def test_after_the_rework_limit_the_command_room_decides(world):
    event = walk(world, report(world), S.CHECKED)
    event = services.rate_event(
        event, rating=Rating.DISSATISFIED, comment="不满意", tracking_code=event.tracking_code
    )
    assert event.state == S.HANDLING
    event = walk(world, event, S.CHECKED)
    event = services.rate_event(
        event, rating=Rating.DISSATISFIED, comment="仍不满意", tracking_code=event.tracking_code
    )
    assert event.state == S.RATED
    with pytest.raises(InvalidInput):
        services.close_event(event, by=world.wuyuan_dispatcher)
    event = services.close_event(
        event, by=world.wuyuan_dispatcher, reason="诉求超出法定职责，已解释"
    )
    assert event.state == S.CLOSED


def test_command_room_may_rework_a_rated_event(world):
    event = walk(world, report(world), S.RATED, rating=Rating.BASICALLY_SATISFIED)
    event = services.rework_event(event, by=world.wuyuan_dispatcher, reason="回访发现反弹")
    assert event.state == S.HANDLING and last(event).details["rework"] is True


def test_staff_may_collect_the_rating_on_the_reporters_behalf(world):
    event = walk(world, report(world), S.CHECKED)
    event = services.rate_event(event, rating=Rating.SATISFIED, by=world.station_staff)
    assert event.state == S.RATED
    rating = event.ratings.get()
    assert rating.channel == "staff" and rating.rated_by == world.station_staff


def test_public_rating_needs_the_right_tracking_code(world):
    event = walk(world, report(world), S.CHECKED)
    with pytest.raises(NotPermitted):
        services.rate_event(event, rating=Rating.SATISFIED, tracking_code="WRONGCODE1")
    assert event.ratings.count() == 0


def test_closing_without_a_rating_needs_a_reason(world):
    event = walk(world, report(world), S.CHECKED)
    with pytest.raises(InvalidInput):
        services.close_event(event, by=world.wuyuan_dispatcher)
    event = services.close_event(event, by=world.wuyuan_dispatcher, reason="匿名反映，无法回访")
    assert event.state == S.CLOSED and last(event).reason == "匿名反映，无法回访"


def test_void_records_the_reason_and_ends_the_event(world):
    event = services.void_event(report(world), by=world.wuyuan_dispatcher, reason="测试数据")
    assert event.state == S.VOIDED and event.deadline_at is None
    with pytest.raises(InvalidTransition):
        services.judge_event(
            event, by=world.wuyuan_dispatcher, urgency="general", span="single", reason="x"
        )


def test_void_is_not_possible_once_dispatched(world):
    event = walk(world, report(world), S.DISPATCHED)
    with pytest.raises(InvalidTransition):
        services.void_event(event, by=world.wuyuan_dispatcher, reason="x")


def test_duplicate_is_merged_stays_visible_and_closes_with_its_original(world):
    original = walk(world, report(world), S.DISPATCHED)
    duplicate = report(
        world,
        by=world.other_grid_worker,
        region=world.wuyuan_grid2,
        description="同一处占道经营又被反映",
    )
    duplicate = services.merge_event(
        duplicate, into=original, by=world.wuyuan_dispatcher, reason="同一地点同一问题"
    )
    assert duplicate.state == S.MERGED and duplicate.merged_into == original
    assert original.history.filter(action="duplicate_merged").exists()
    assert Event.objects.visible_to(world.other_grid_worker).filter(pk=duplicate.pk).exists()
    walk(world, original, S.CLOSED)
    duplicate.refresh_from_db()
    assert duplicate.state == S.CLOSED
    assert last(duplicate).action == "close_with_original" and last(duplicate).actor is None


def test_merging_follows_a_chain_to_the_root_original(world):
    root = report(world)
    middle = report(world, description="重复一")
    services.merge_event(middle, into=root, by=world.wuyuan_dispatcher, reason="重复")
    newest = report(world, description="重复二")
    newest = services.merge_event(newest, into=middle, by=world.wuyuan_dispatcher, reason="重复")
    assert newest.merged_into == root


def test_an_event_cannot_be_merged_into_itself_or_a_finished_one(world):
    event = report(world)
    with pytest.raises(InvalidInput):
        services.merge_event(event, into=event, by=world.wuyuan_dispatcher, reason="x")
    done = services.void_event(report(world), by=world.wuyuan_dispatcher, reason="无效")
    with pytest.raises(InvalidInput):
        services.merge_event(event, into=done, by=world.wuyuan_dispatcher, reason="x")
    event.refresh_from_db()
    assert event.state == S.COLLECTED


def test_dispatcher_cannot_merge_into_an_event_of_another_town(world):
    other = report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid)
    with pytest.raises(NotPermitted):
        services.merge_event(report(world), into=other, by=world.wuyuan_dispatcher, reason="x")


def test_park_takes_the_event_off_the_clock_and_resume_restarts_it(world):
    event = walk(world, report(world), S.HANDLING)
    event = services.park_event(event, by=world.wuyuan_dispatcher, reason="待规划调整")
    assert event.state == S.PARKED and event.deadline_at is None
    event = services.resume_event(event, by=world.wuyuan_dispatcher)
    assert event.state == S.HANDLING and event.deadline_at is not None


def test_feedback_outcome_must_be_known(world):
    event = walk(world, report(world), S.HANDLING)
    with pytest.raises(InvalidInput):
        services.submit_feedback(event, by=world.wuyuan_officer, outcome="done", measures="x")
    with pytest.raises(InvalidInput):
        services.submit_feedback(
            event, by=world.wuyuan_officer, outcome=Outcome.RESOLVED, measures=""
        )
    event.refresh_from_db()
    assert event.state == S.HANDLING and event.feedbacks.count() == 0


def test_acting_out_of_order_says_the_event_moved_on(world):
    event = walk(world, report(world), S.ACCEPTED)
    with pytest.raises(InvalidTransition) as exc:
        services.accept_event(event, by=world.wuyuan_officer)
    assert exc.value.status_code == 409
