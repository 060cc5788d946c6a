"""Time limits counted as the law states them (working days on the statutory calendar, natural
days rolling over a holiday), extensions with their recorded reason and approval, and the
sweep that warns before a deadline expires and when it has passed."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.cases import deadlines as dl
from civicloop.cases import services
from civicloop.cases.choices import CaseState, Counting, DeadlineKind, ServiceMethod
from civicloop.cases.models import CaseDeadline
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.notifications.models import Notification
from civicloop.testing.cases import MONDAY, at, decide, file, local, to_notice
from civicloop.workcalendar.models import CalendarDay


def day(*args) -> dt.datetime:
    return local(dt.datetime(*args))


def test_ninety_natural_days_ending_in_the_national_day_holiday_end_on_the_next_working_day(db):
    # 2026-07-03 + 90 days = 2026-10-01, a holiday; the holiday runs to 10-07.
    assert dl.last_day(day(2026, 7, 3, 10), 90, Counting.NATURAL_DAYS) == dt.date(2026, 10, 8)
    assert dl.last_day(day(2026, 7, 2, 10), 90, Counting.NATURAL_DAYS) == dt.date(2026, 9, 30)
    # A period ending on a Sunday ends on Monday.
    assert dl.last_day(day(2026, 6, 1, 10), 6, Counting.NATURAL_DAYS) == dt.date(2026, 6, 8)


def test_working_days_skip_the_holiday_and_count_the_make_up_saturday(db):
    # From Monday 2026-09-28: 9-29, 9-30, (holiday 10-1…10-7), 10-8, 10-9, 10-10 (调休 Saturday), 10-12 … 10-16.
    assert dl.last_day(day(2026, 9, 28, 10), 10, Counting.WORKING_DAYS) == dt.date(2026, 10, 16)
    assert dl.due_at(day(2026, 9, 30, 16), 3, Counting.WORKING_DAYS) == day(
        2026, 10, 10, 23, 59, 59
    )


def test_a_local_calendar_day_moves_a_deadline(db):
    CalendarDay.objects.create(date=dt.date(2026, 6, 2), is_workday=False, name="台风停工")
    assert dl.last_day(day(2026, 6, 1, 10), 1, Counting.WORKING_DAYS) == dt.date(2026, 6, 3)


def test_a_case_filed_before_the_holidays_carries_its_statutory_deadlines(case_world):
    with at(day(2026, 9, 28, 9)):
        case = file(case_world, procedure="fast_track")
    decision = case.active_deadline(DeadlineKind.DECISION)
    assert (decision.amount, decision.counting, decision.due_at.date()) == (
        90,
        "natural_days",
        dt.date(2026, 12, 28),
    )
    assert "第六十条" in decision.basis
    target = case.active_deadline(DeadlineKind.FAST_TRACK)
    assert (target.counting, target.due_at.date()) == ("working_days", dt.date(2026, 10, 16))


def test_notice_periods_are_working_days(case_world):
    with at(day(2026, 9, 29, 9)):
        case = to_notice(case_world, file(case_world), fine=10000)
    notice = case.current_notice
    assert notice.statement_until.date() == dt.date(2026, 10, 9)  # 9-30, 10-8, 10-9
    assert notice.hearing_request_until.date() == dt.date(2026, 10, 12)  # … 10-10 (调休), 10-12


def test_an_extension_is_asked_with_its_reason_and_basis_and_approved_by_another_person(case_world):
    cw = case_world
    with at(MONDAY):
        case = file(cw)
        with pytest.raises(InvalidInput) as no_basis:
            services.request_extension(
                case, by=cw.wuyuan_officer, reason="需检测", days=30, legal_basis=""
            )
        assert no_basis.value.field == "legal_basis"
        with pytest.raises(InvalidInput) as too_long:
            services.request_extension(
                case, by=cw.wuyuan_officer, reason="需检测", days=31, legal_basis="某规定"
            )
        assert too_long.value.field == "days"
        with pytest.raises(NotPermitted):
            services.request_extension(
                case, by=cw.wuyuan_dispatcher, reason="需检测", days=30, legal_basis="某规定"
            )
        services.request_extension(
            case,
            by=cw.wuyuan_officer,
            reason="需委托检测",
            days=30,
            legal_basis="《某某程序规定》第六十四条",
        )
        with pytest.raises(NotPermitted):
            services.approve_extension(case, by=cw.wuyuan_officer2)
        deadline = services.approve_extension(case, by=cw.wuyuan_leader, note="同意")
    old = case.deadlines.get(kind=DeadlineKind.DECISION, is_active=False)
    assert old.due_at.date() == dt.date(2026, 8, 31)
    assert deadline.due_at.date() == dt.date(
        2026, 9, 30
    ) and deadline.extension.legal_basis.endswith("第六十四条")
    assert (
        deadline.extension.decided_by == cw.wuyuan_leader
        and deadline.extension.reason == "需委托检测"
    )
    row = case.history.get(action="approve_extension")
    assert row.details["days"] == 30 and row.reason == "需委托检测"


def test_a_decision_after_the_deadline_needs_an_extension_first(case_world, settings):
    cw = case_world
    settings.CIVICLOOP_CASE_DECISION_DAYS = 5
    with at(MONDAY):
        case = to_notice(cw, file(cw))
    with at(day(2026, 6, 10, 10)):
        with pytest.raises(InvalidInput) as late:
            decide(cw, case)
        assert "第六十条" in str(late.value)
        services.request_extension(
            case, by=cw.wuyuan_officer, reason="当事人申请延期陈述", days=10, legal_basis="某规章"
        )
        services.approve_extension(case, by=cw.leader)
        case = decide(cw, case)
    assert case.state == CaseState.DECIDED
    assert case.deadlines.get(kind=DeadlineKind.DECISION, is_active=True).met_at is not None


def users_notified(verb="case_deadline"):
    return set(Notification.objects.filter(verb=verb).values_list("recipient__username", flat=True))


def test_the_sweep_warns_before_a_deadline_and_again_once_it_has_passed(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(cw, file(cw))
    with at(MONDAY + dt.timedelta(days=7)):
        case = decide(cw, case)
    service = case.active_deadline(DeadlineKind.SERVICE)
    assert service.due_at.date() == dt.date(2026, 6, 17)
    with at(day(2026, 6, 12, 9)):
        assert services.sweep_case_deadlines() == 0  # more than three days left
    with at(day(2026, 6, 15, 9)):
        assert services.sweep_case_deadlines() == 1
        assert services.sweep_case_deadlines() == 0  # once
    assert users_notified() == {
        "wuyuan_officer",
        "wuyuan_officer2",
        "wuyuan_dispatcher",
        "wuyuan_leader",
        "leader",
    }
    warning = case.history.get(action="deadline_warning")
    assert warning.actor is None and warning.details["kind"] == DeadlineKind.SERVICE
    assert warning.details["overdue"] is False
    with at(day(2026, 6, 18, 9)):
        assert services.sweep_case_deadlines() == 1
        assert services.sweep_case_deadlines() == 0
    overdue = case.history.filter(action="deadline_warning").last()
    assert overdue.details["overdue"] is True
    from civicloop.cases.models import Case

    assert case in Case.objects.overdue(day(2026, 6, 18, 9))
    with at(day(2026, 6, 18, 10)):
        services.serve_decision(
            case, by=cw.wuyuan_officer, method=ServiceMethod.POST, reason="当事人外出"
        )
    assert case not in Case.objects.overdue(day(2026, 6, 18, 11))


def test_the_sweep_leaves_met_superseded_and_party_deadlines_alone(case_world):
    cw = case_world
    with at(MONDAY):
        case = to_notice(
            cw, file(cw)
        )  # the party's statement period is not the authority's deadline
    with at(day(2026, 6, 4, 9)):
        assert services.sweep_case_deadlines() == 0
    CaseDeadline.objects.filter(case=case, kind=DeadlineKind.DECISION).update(is_active=False)
    with at(day(2026, 9, 30, 9)):
        assert services.sweep_case_deadlines() == 0


def test_the_workers_sweep_task_runs_the_case_sweep_too(case_world):
    from civicloop.core.registry import deadline_sweeps
    from civicloop.site.tasks import sweep_deadlines

    assert deadline_sweeps.get("cases.deadlines").function == (
        "civicloop.cases.services.sweep_case_deadlines"
    )
    with at(MONDAY):
        file(case_world)
    with at(day(2026, 8, 30, 9)):
        result = sweep_deadlines.enqueue()
    assert result.return_value == 1
    assert users_notified() >= {"wuyuan_officer", "wuyuan_officer2"}
