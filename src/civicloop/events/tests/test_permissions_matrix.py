"""Who may take which step, per role, at each stage (service level; pages and API
ask the same functions)."""

import pytest

from civicloop.events.models import Event
from civicloop.events.permissions import capacities, may_see_contact
from civicloop.events.workflow import EVENT_WORKFLOW
from civicloop.testing.journeys import report, walk

DISPATCH = {"judge", "void", "merge", "escalate"}

EXPECTED = {
    "collected": {
        "wuyuan_dispatcher": DISPATCH,
        "centre": DISPATCH,
        "leader": {"escalate"},
    },
    "dispatched": {
        "wuyuan_dispatcher": {"redispatch", "escalate"},
        "centre": {"redispatch", "escalate"},
        "leader": {"escalate"},
        "wuyuan_officer": {"accept", "return"},
        "lawyer": {"accept", "return"},  # a member of the squad the event was given to
    },
    "checked": {
        "wuyuan_dispatcher": {"close", "escalate"},
        "centre": {"close", "escalate"},
        "leader": {"escalate"},
        "grid_worker": {"rate"},  # reported it, and works in the grid
        "red_butler": {"rate"},
        "part_time": {"rate"},
        "station_staff": {"rate"},
    },
}


@pytest.mark.parametrize("state", sorted(EXPECTED))
def test_each_role_is_offered_exactly_its_steps(world, state):
    event = walk(world, report(world), state)
    for username, user in world.users.items():
        allowed = {
            t.name
            for t in EVENT_WORKFLOW.allowed(state=event.state, capacities=capacities(user, event))
        }
        assert allowed == EXPECTED[state].get(username, set()), username


@pytest.mark.parametrize(
    "username, visible",
    [
        ("centre", {"wuyuan", "ganpu"}),
        ("leader", {"wuyuan", "ganpu"}),
        ("wuyuan_dispatcher", {"wuyuan"}),
        ("ganpu_dispatcher", {"ganpu"}),
        ("grid_worker", {"wuyuan"}),
        ("other_grid_worker", set()),
        ("station_staff", {"wuyuan"}),
        ("wuyuan_officer", {"wuyuan"}),
        ("ganpu_officer", set()),
        ("dept_officer", set()),
        ("emergency_officer", set()),
        ("legal_reviewer", set()),
        ("outsider", set()),
        ("admin", {"wuyuan", "ganpu"}),
    ],
)
def test_each_role_sees_the_events_in_its_scope(world, username, visible):
    events = {
        "wuyuan": walk(world, report(world), "dispatched"),
        "ganpu": report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid),
    }
    seen = set(Event.objects.visible_to(world.users[username]).values_list("pk", flat=True))
    assert seen == {events[name].pk for name in visible}


def test_department_sees_what_is_assigned_to_it_only(world):
    from civicloop.events import services

    mine = report(world, category=world.food_safety)
    services.judge_event(
        mine, by=world.wuyuan_dispatcher, urgency="general", span="single", reason="食品"
    )
    services.dispatch_event(mine, by=world.wuyuan_dispatcher)
    report(world)  # a street-vending event stays with the town
    assert list(Event.objects.visible_to(world.dept_officer)) == [mine]


def test_grid_worker_also_sees_what_they_reported_elsewhere(world):
    elsewhere = report(world, by=world.grid_worker, region=world.ganpu_grid)
    assert Event.objects.visible_to(world.grid_worker).filter(pk=elsewhere.pk).exists()
    assert not Event.objects.visible_to(world.other_grid_worker).filter(pk=elsewhere.pk).exists()


@pytest.mark.parametrize(
    "username, allowed",
    [
        ("wuyuan_dispatcher", True),
        ("centre", True),
        ("wuyuan_officer", True),
        ("grid_worker", False),
        ("station_staff", False),
        ("leader", False),
        ("ganpu_dispatcher", False),
        ("outsider", False),
    ],
)
def test_only_those_who_must_call_back_may_unmask_the_reporter(world, username, allowed):
    event = walk(world, report(world), "dispatched")
    assert may_see_contact(world.users[username], event) is allowed


def test_queue_matches_the_steps_offered(world):
    event = walk(world, report(world), "dispatched")
    for username, user in world.users.items():
        offered = {
            t.name
            for t in EVENT_WORKFLOW.allowed(state=event.state, capacities=capacities(user, event))
        }
        in_queue = Event.objects.needing_action_by(user).filter(pk=event.pk).exists()
        # Being able only to escalate or redispatch is oversight, not a to-do.
        assert in_queue == bool(offered - {"escalate", "redispatch"}), username
