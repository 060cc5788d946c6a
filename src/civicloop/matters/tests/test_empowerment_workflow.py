"""Grants, ends and requests (点单赋权): each path leaves its state and its history row;
only the town asks and only the county decides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.core.errors import InvalidInput, InvalidTransition, NotPermitted
from civicloop.matters import services
from civicloop.matters.choices import GrantKind, RequestState
from civicloop.matters.models import (
    EmpowermentDecision,
    EmpowermentGrant,
    EmpowermentRequest,
    Matter,
)
from civicloop.matters.permissions import empowerment_capacities
from civicloop.notifications.models import Notification
from civicloop.testing.matters import grant, make_matter

TODAY = timezone.localdate()
SOON = TODAY + dt.timedelta(days=10)
DECISION = services.DecisionSpec(
    number="盐政发〔2026〕9号", title="关于向武原街道赋予特色执法事项的决定"
)


@pytest.fixture
def matter(world):
    return make_matter(world)


def ask(world, matter, *, by=None, wanted_from=SOON):
    return services.submit_request(
        town=world.wuyuan,
        matter=matter,
        by=by or world.wuyuan_dispatcher,
        wanted_from=wanted_from,
        reason="辖区占道经营问题多发，执法队已配备人员。",
    )


def test_a_town_dispatcher_requests_a_matter_and_the_county_centre_is_told(world, matter):
    request = ask(world, matter)
    assert request.state == RequestState.SUBMITTED and request.kind == GrantKind.CHARACTERISTIC
    row = request.history.get()
    assert (row.action, row.from_state, row.to_state, row.actor) == (
        "submit",
        "",
        "submitted",
        world.wuyuan_dispatcher,
    )
    assert row.details["wanted_from"] == SOON.isoformat()
    assert Notification.objects.filter(
        recipient=world.centre, verb="empowerment_requested"
    ).exists()


def test_approval_creates_the_grant_from_the_date_asked_for_with_history_on_both(world, matter):
    request = ask(world, matter)
    new_grant = services.approve_request(
        request, by=world.centre, decision=DECISION, reason="具备承接能力"
    )
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED and request.decided_by == world.centre
    assert (new_grant.town, new_grant.matter, new_grant.effective_from, new_grant.effective_to) == (
        world.wuyuan,
        matter,
        SOON,
        None,
    )
    assert new_grant.request == request and new_grant.decision.number == DECISION.number
    approve = request.history.get(action="approve")
    assert (approve.from_state, approve.to_state, approve.details["grant"]) == (
        "submitted",
        "approved",
        new_grant.pk,
    )
    assert new_grant.history.get().action == "grant"
    assert Notification.objects.filter(
        recipient=world.wuyuan_dispatcher, verb="empowerment_granted"
    ).exists()
    assert not Matter.objects.held_by(world.wuyuan, on=TODAY).exists()
    assert list(Matter.objects.held_by(world.wuyuan, on=SOON)) == [matter]


def test_the_county_may_approve_from_another_date(world, matter):
    later = SOON + dt.timedelta(days=20)
    new_grant = services.approve_request(
        ask(world, matter), by=world.leader, decision=DECISION, effective_from=later
    )
    assert new_grant.effective_from == later


def test_rejection_needs_a_reason_and_tells_the_town(world, matter):
    request = ask(world, matter)
    with pytest.raises(InvalidInput) as refused:
        services.reject_request(request, by=world.centre, reason=" ")
    assert refused.value.field == "reason"
    services.reject_request(request, by=world.centre, reason="暂不具备承接条件")
    request.refresh_from_db()
    assert request.state == RequestState.REJECTED and request.decision_reason == "暂不具备承接条件"
    assert request.history.get(action="reject").reason == "暂不具备承接条件"
    assert not EmpowermentGrant.objects.exists()
    assert Notification.objects.filter(
        recipient=world.wuyuan_dispatcher, verb="empowerment_rejected"
    ).exists()


def test_the_town_withdraws_its_request_and_a_decided_request_cannot_move_again(world, matter):
    request = ask(world, matter)
    services.withdraw_request(request, by=world.wuyuan_dispatcher)
    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN
    assert request.history.get(action="withdraw").to_state == "withdrawn"
    with pytest.raises(InvalidTransition):
        services.approve_request(request, by=world.centre, decision=DECISION)


@pytest.mark.parametrize(
    "username",
    [
        "ganpu_dispatcher",
        "grid_worker",
        "wuyuan_officer",
        "station_staff",
        "dept_officer",
        "centre",
        "assessor",
        "outsider",
    ],
)
def test_only_the_towns_own_command_room_or_leaders_request_for_it(world, matter, username):
    with pytest.raises(NotPermitted):
        ask(world, matter, by=world.users[username])
    assert not EmpowermentRequest.objects.exists()


@pytest.mark.parametrize(
    "username", ["wuyuan_dispatcher", "dept_officer", "zhzf_officer", "assessor", "grid_worker"]
)
def test_only_the_county_centre_and_county_leaders_approve_or_reject(world, matter, username):
    request = ask(world, matter)
    with pytest.raises(NotPermitted):
        services.approve_request(request, by=world.users[username], decision=DECISION)
    with pytest.raises(NotPermitted):
        services.reject_request(request, by=world.users[username], reason="不同意")
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED and request.history.count() == 1
    assert not EmpowermentDecision.objects.exists()


def test_the_capacity_table_of_empowerment(world):
    expected = {
        "wuyuan_dispatcher": {"town"},
        "ganpu_dispatcher": set(),
        "centre": {"county"},
        "leader": {"county"},
        "dept_officer": set(),
        "grid_worker": set(),
        "assessor": set(),
    }
    for username, caps in expected.items():
        assert empowerment_capacities(world.users[username], world.wuyuan) == caps, username


def test_a_matter_that_may_not_be_delegated_cannot_be_requested_or_granted(world):
    kept = make_matter(world, "GG-002", delegable=False, name="对违规发布烟草广告的行政处罚")
    with pytest.raises(InvalidInput) as refused:
        ask(world, kept)
    assert refused.value.field == "matter"
    with pytest.raises(InvalidInput):
        services.grant_matter(
            town=world.wuyuan,
            matter=kept,
            by=world.centre,
            kind=GrantKind.BASE,
            effective_from=TODAY,
            decision=DECISION,
        )
    assert not EmpowermentDecision.objects.exists()  # nothing half-stored


def test_a_matter_already_held_or_already_asked_for_cannot_be_asked_for_again(world, matter):
    ask(world, matter)
    with pytest.raises(InvalidInput):
        ask(world, matter)
    other = make_matter(world, "ZD-002", name="对未按照批准的位置占用城市道路的行政处罚")
    grant(world, other, start=TODAY - dt.timedelta(days=1))
    with pytest.raises(InvalidInput):
        ask(world, other)
    with pytest.raises(InvalidInput):
        ask(
            world,
            make_matter(world, "ZD-003", name="另一事项"),
            wanted_from=TODAY - dt.timedelta(days=1),
        )


def test_overlapping_grants_of_one_matter_to_one_town_are_refused(world, matter):
    grant(world, matter, start=TODAY - dt.timedelta(days=30), end=TODAY + dt.timedelta(days=30))
    with pytest.raises(InvalidInput):
        grant(world, matter, start=TODAY)
    grant(world, matter, start=TODAY + dt.timedelta(days=31))  # after the first ends: fine
    assert EmpowermentGrant.objects.filter(matter=matter).count() == 2


def test_the_county_grants_directly_and_ends_a_grant_with_history(world, matter):
    new_grant = services.grant_matter(
        town=world.ganpu,
        matter=matter,
        by=world.centre,
        kind=GrantKind.CHARACTERISTIC,
        effective_from=TODAY - dt.timedelta(days=100),
        decision=DECISION,
        reason="南北湖景区周边占道多发",
    )
    ending = services.DecisionSpec(
        number="盐政发〔2026〕27号", title="关于调整部分镇（街道）赋权事项的决定"
    )
    services.end_grant(
        new_grant,
        by=world.leader,
        effective_to=TODAY - dt.timedelta(days=1),
        reason="评估发现承接能力不足",
        decision=ending,
    )
    new_grant.refresh_from_db()
    assert (
        new_grant.effective_to == TODAY - dt.timedelta(days=1)
        and new_grant.end_decision.number == ending.number
    )
    end = new_grant.history.get(action="end")
    assert end.actor == world.leader and end.reason == "评估发现承接能力不足"
    assert (
        end.details["before"] is None
        and end.details["effective_to"] == (TODAY - dt.timedelta(days=1)).isoformat()
    )
    assert not Matter.objects.held_by(world.ganpu, on=TODAY).exists()
    assert Matter.objects.held_by(world.ganpu, on=TODAY - dt.timedelta(days=1)).exists()


def test_ending_needs_a_reason_and_cannot_lengthen_a_grant(world, matter):
    new_grant = grant(
        world, matter, start=TODAY - dt.timedelta(days=10), end=TODAY + dt.timedelta(days=10)
    )
    with pytest.raises(InvalidInput):
        services.end_grant(new_grant, by=world.centre, effective_to=TODAY, reason="")
    with pytest.raises(InvalidInput):
        services.end_grant(
            new_grant, by=world.centre, effective_to=TODAY + dt.timedelta(days=20), reason="延长"
        )
    with pytest.raises(NotPermitted):
        services.end_grant(new_grant, by=world.wuyuan_dispatcher, effective_to=TODAY, reason="收回")
    assert new_grant.history.count() == 1


def test_a_decision_number_is_reused_but_not_with_another_title(world, matter):
    first = services.decision_for(by=world.centre, number="盐政发〔2026〕1号", title="决定甲")
    assert services.decision_for(by=world.centre, number="盐政发〔2026〕1号", title="") == first
    with pytest.raises(InvalidInput) as refused:
        services.decision_for(by=world.centre, number="盐政发〔2026〕1号", title="决定乙")
    assert refused.value.field == "decision_title"


def test_held_by_and_in_force_give_later_engineers_clean_querysets(world, matter):
    other = make_matter(world, "ZD-002", name="对未按照批准的位置占用城市道路的行政处罚")
    grant(world, matter, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    grant(world, other, start=dt.date(2024, 6, 1))
    on = dt.date(2024, 3, 1)
    assert list(Matter.objects.held_by(world.wuyuan, on=on)) == [matter]
    assert set(Matter.objects.held_by(world.wuyuan, on=dt.date(2024, 7, 1))) == {matter, other}
    assert list(Matter.objects.held_by(world.wuyuan, on=dt.date(2025, 1, 1))) == [other]
    assert EmpowermentGrant.objects.in_force(on=dt.date(2023, 12, 31)).count() == 0
    assert matter.current_version(on).name == matter.name
