"""Permission matrix of the REST API, per role: what each person sees, and for
every action who may take it (the new state and its history row are stored) and
who may not (404 outside their scope, 403 inside it; nothing is stored)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from civicloop.events import services
from civicloop.events.choices import EventState, Span, Urgency
from civicloop.events.models import Assignment, Event
from civicloop.testing.journeys import report, walk

S = EventState


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def snapshot(event: Event) -> tuple:
    """Everything an action could have written about ``event``."""
    event.refresh_from_db()
    return (
        event.state,
        event.escalation_level,
        event.merged_into_id,
        event.history.count(),
        sorted(event.assignments.values_list("pk", "state")),
        event.feedbacks.count(),
        event.checks.count(),
        event.ratings.count(),
    )


# --- what each role sees -------------------------------------------------------------


@pytest.fixture
def county_events(world):
    """Events across the county: two towns, several grids, town and department work."""
    events = {
        "wuyuan_new": report(world),
        "wuyuan_grid2_new": report(world, by=world.other_grid_worker, region=world.wuyuan_grid2),
        "ganpu_new": report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid),
        "wuyuan_squad_work": walk(world, report(world), S.DISPATCHED),
        "ganpu_squad_work": walk(
            world,
            report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid),
            S.DISPATCHED,
            dispatcher=world.ganpu_dispatcher,
        ),
        "food_department_work": walk(
            world,
            report(
                world,
                by=world.other_grid_worker,
                region=world.wuyuan_grid2,
                category=world.food_safety,
            ),
            S.DISPATCHED,
        ),
    }
    return events


EVERYTHING = {
    "wuyuan_new",
    "wuyuan_grid2_new",
    "ganpu_new",
    "wuyuan_squad_work",
    "ganpu_squad_work",
    "food_department_work",
}
VISIBLE = {
    "centre": EVERYTHING,
    "leader": EVERYTHING,
    "admin": EVERYTHING,
    "wuyuan_dispatcher": {
        "wuyuan_new",
        "wuyuan_grid2_new",
        "wuyuan_squad_work",
        "food_department_work",
    },
    "ganpu_dispatcher": {"ganpu_new", "ganpu_squad_work"},
    "wuyuan_officer": {"wuyuan_squad_work"},
    "ganpu_officer": {"ganpu_squad_work"},
    "emergency_officer": set(),
    "dept_officer": {"food_department_work"},
    "zhzf_officer": set(),
    "red_butler": {"wuyuan_new", "wuyuan_squad_work"},
    "grid_worker": {"wuyuan_new", "wuyuan_squad_work"},
    "part_time": {"wuyuan_new", "wuyuan_squad_work"},
    "other_grid_worker": {"wuyuan_grid2_new", "food_department_work"},
    "station_staff": {"wuyuan_new", "wuyuan_squad_work"},
    "legal_reviewer": set(),
    "lawyer": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_each_role_lists_exactly_the_events_in_its_scope(world, county_events, username):
    response = client_for(world.users[username]).get("/api/events/")
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    assert response.json()["count"] == len(VISIBLE[username])
    assert listed == {county_events[name].pk for name in VISIBLE[username]}


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_each_role_gets_404_for_event_details_outside_its_scope(world, county_events, username):
    client = client_for(world.users[username])
    for name, event in county_events.items():
        expected = 200 if name in VISIBLE[username] else 404
        assert client.get(f"/api/events/{event.pk}/").status_code == expected, name
        assert client.get(f"/api/events/{event.pk}/history/").status_code == expected, name


@pytest.mark.parametrize(
    "username, queue",
    [
        ("wuyuan_dispatcher", {"wuyuan_new", "wuyuan_grid2_new"}),
        ("ganpu_dispatcher", {"ganpu_new"}),
        ("wuyuan_officer", {"wuyuan_squad_work"}),
        ("dept_officer", {"food_department_work"}),
        ("grid_worker", set()),
        ("outsider", set()),
    ],
)
def test_my_queue_lists_only_events_waiting_for_me(world, county_events, username, queue):
    response = client_for(world.users[username]).get("/api/events/", {"queue": "mine"})
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {county_events[n].pk for n in queue}


def test_the_shared_filters_narrow_the_list(world, county_events):
    client = client_for(world.centre)
    response = client.get("/api/events/", {"town": world.ganpu.code})
    assert {row["id"] for row in response.json()["results"]} == {
        county_events["ganpu_new"].pk,
        county_events["ganpu_squad_work"].pk,
    }
    response = client.get("/api/events/", {"state": [S.DISPATCHED], "category": "food-safety"})
    assert [row["id"] for row in response.json()["results"]] == [
        county_events["food_department_work"].pk
    ]


def test_unauthenticated_requests_are_refused_with_401(world, county_events):
    response = APIClient().get("/api/events/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_event_list_needs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(8):
        walk(world, report(world), S.DISPATCHED)
    client = client_for(world.centre)
    with django_assert_max_num_queries(4):
        response = client.get("/api/events/")
    assert response.json()["count"] == 8


def test_the_event_detail_needs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    event = walk(world, report(world), S.CHECKED)
    client = client_for(world.wuyuan_dispatcher)
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/events/{event.pk}/")
    assert response.status_code == 200


# --- each action: allowed for one, refused for others ---------------------------------------


def _coordination_order(world) -> Event:
    event = report(world, category=world.food_safety)
    services.judge_event(
        event,
        by=world.wuyuan_dispatcher,
        urgency=Urgency.GENERAL,
        span=Span.MULTI,
        reason="涉及市场监管和街道",
    )
    return services.dispatch_event(event, by=world.centre)


def _subtask(world, *, accepted=False) -> Assignment:
    event = _coordination_order(world)
    subtask = event.assignments.get(unit=world.dept_scjg)
    if accepted:
        services.accept_subtask(subtask, by=world.dept_officer)
    return subtask


def _parked(world) -> Event:
    event = walk(world, report(world), S.HANDLING)
    return services.park_event(event, by=world.wuyuan_dispatcher, reason="待规划调整")


# action, how to set up the event, request body, who may, expected new state,
# and who may not (with the status they get).
EVENT_ACTIONS = [
    (
        "judge",
        lambda w: report(w),
        {"urgency": "general", "span": "single", "reason": "占道经营"},
        "wuyuan_dispatcher",
        S.JUDGED,
        {
            "grid_worker": 403,
            "leader": 403,
            "admin": 403,
            "ganpu_dispatcher": 404,
            "wuyuan_officer": 404,
            "outsider": 404,
        },
    ),
    (
        "dispatch",
        lambda w: walk(w, report(w), S.JUDGED),
        {},
        "wuyuan_dispatcher",
        S.DISPATCHED,
        {"red_butler": 403, "leader": 403, "ganpu_dispatcher": 404},
    ),
    (
        "accept",
        lambda w: walk(w, report(w), S.DISPATCHED),
        {},
        "wuyuan_officer",
        S.ACCEPTED,
        {
            "wuyuan_dispatcher": 403,
            "grid_worker": 403,
            "ganpu_officer": 404,
            "emergency_officer": 404,
        },
    ),
    (
        "return",
        lambda w: walk(w, report(w), S.DISPATCHED),
        {"reason": "不属于本队职责"},
        "wuyuan_officer",
        S.JUDGED,
        {"wuyuan_dispatcher": 403, "ganpu_officer": 404},
    ),
    (
        "redispatch",
        lambda w: walk(w, report(w), S.DISPATCHED),
        {"unit": "330424001001-station", "reason": "由社区联络站处理"},
        "wuyuan_dispatcher",
        S.DISPATCHED,
        {"wuyuan_officer": 403, "grid_worker": 403, "ganpu_dispatcher": 404},
    ),
    (
        "start",
        lambda w: walk(w, report(w), S.ACCEPTED),
        {},
        "wuyuan_officer",
        S.HANDLING,
        {"wuyuan_dispatcher": 403, "ganpu_officer": 404},
    ),
    (
        "submit-feedback",
        lambda w: walk(w, report(w), S.HANDLING),
        {"outcome": "resolved", "measures": "已劝离"},
        "wuyuan_officer",
        S.FEEDBACK_SUBMITTED,
        {"grid_worker": 403, "wuyuan_dispatcher": 403},
    ),
    (
        "check",
        lambda w: walk(w, report(w), S.FEEDBACK_SUBMITTED),
        {"passed": True, "notes": "已整改"},
        "wuyuan_dispatcher",
        S.CHECKED,
        {"wuyuan_officer": 403, "red_butler": 403, "ganpu_dispatcher": 404},
    ),
    (
        "rate",
        lambda w: walk(w, report(w), S.CHECKED),
        {"rating": "satisfied"},
        "red_butler",
        S.RATED,
        {"wuyuan_officer": 403, "wuyuan_dispatcher": 403, "ganpu_grid_worker": 404},
    ),
    (
        "rework",
        lambda w: walk(w, report(w), S.RATED),
        {"reason": "群众反映仍有摊贩"},
        "wuyuan_dispatcher",
        S.HANDLING,
        {"wuyuan_officer": 403, "grid_worker": 403},
    ),
    (
        "close",
        lambda w: walk(w, report(w), S.RATED),
        {},
        "wuyuan_dispatcher",
        S.CLOSED,
        {"red_butler": 403, "wuyuan_officer": 403, "leader": 403},
    ),
    (
        "park",
        lambda w: walk(w, report(w), S.HANDLING),
        {"reason": "待规划调整"},
        "wuyuan_dispatcher",
        S.PARKED,
        {"wuyuan_officer": 403},
    ),
    (
        "resume",
        _parked,
        {},
        "wuyuan_dispatcher",
        S.HANDLING,
        {"wuyuan_officer": 403, "grid_worker": 403},
    ),
    (
        "void",
        lambda w: report(w),
        {"reason": "测试数据"},
        "wuyuan_dispatcher",
        S.VOIDED,
        {"grid_worker": 403, "station_staff": 403, "ganpu_dispatcher": 404},
    ),
    (
        "escalate",
        lambda w: walk(w, report(w), S.DISPATCHED),
        {"reason": "群众多次反映"},
        "leader",
        S.DISPATCHED,
        {"wuyuan_officer": 403, "grid_worker": 403},
    ),
    (
        "add-subtask",
        _coordination_order,
        {"unit": "dept-zhzf", "instruction": "协助取缔"},
        "centre",
        S.DISPATCHED,
        {"wuyuan_dispatcher": 403, "dept_officer": 403, "zhzf_officer": 404},
    ),
]

HISTORY_ACTION = {"submit-feedback": "submit_feedback"}


@pytest.mark.parametrize(
    "path, setup, body, allowed, new_state, refused",
    EVENT_ACTIONS,
    ids=[row[0] for row in EVENT_ACTIONS],
)
def test_each_event_action_is_taken_only_by_those_it_belongs_to(
    world, path, setup, body, allowed, new_state, refused
):
    event = setup(world)
    before = snapshot(event)
    for username, status in refused.items():
        response = client_for(world.users[username]).post(
            f"/api/events/{event.pk}/{path}/", body, format="json"
        )
        assert response.status_code == status, (username, response.json())
        assert response.json()["code"] in {"not_found", "not_permitted"}
        assert snapshot(event) == before, f"{username}'s refused {path} stored something"

    user = world.users[allowed]
    response = client_for(user).post(f"/api/events/{event.pk}/{path}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == new_state
    event.refresh_from_db()
    assert event.state == new_state
    last = event.history.order_by("-at", "-id").first()
    assert last.actor == user
    assert last.action == HISTORY_ACTION.get(path, path.replace("-", "_"))


def test_merge_is_for_the_dispatcher_and_leaves_history_on_both_events(world):
    original, duplicate = report(world), report(world, description="同一处占道经营，再次反映")
    before = snapshot(duplicate)
    for username, status in {"grid_worker": 403, "leader": 403, "ganpu_dispatcher": 404}.items():
        response = client_for(world.users[username]).post(
            f"/api/events/{duplicate.pk}/merge/",
            {"into": original.number, "reason": "重复"},
            format="json",
        )
        assert response.status_code == status, username
        assert snapshot(duplicate) == before
    response = client_for(world.wuyuan_dispatcher).post(
        f"/api/events/{duplicate.pk}/merge/",
        {"into": original.number, "reason": "重复"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["merged_into"]["number"] == original.number
    duplicate.refresh_from_db()
    assert duplicate.state == S.MERGED
    assert duplicate.history.last().action == "merge"
    assert original.history.last().action == "duplicate_merged"


SUBTASK_ACTIONS = [
    (
        "accept",
        lambda w: _subtask(w),
        {},
        "dept_officer",
        "accepted",
        {"wuyuan_officer": 403, "centre": 403, "ganpu_officer": 404},
    ),
    (
        "return",
        lambda w: _subtask(w),
        {"reason": "不属于本局职责"},
        "dept_officer",
        "returned",
        {"centre": 403, "wuyuan_officer": 403},
    ),
    (
        "complete",
        lambda w: _subtask(w, accepted=True),
        {"outcome": "resolved", "measures": "已抽检"},
        "dept_officer",
        "done",
        {"centre": 403, "wuyuan_officer": 403},
    ),
    (
        "cancel",
        lambda w: _subtask(w),
        {"reason": "改由街道处理"},
        "centre",
        "cancelled",
        {"dept_officer": 403, "wuyuan_dispatcher": 403, "ganpu_officer": 404},
    ),
]


@pytest.mark.parametrize(
    "path, setup, body, allowed, new_state, refused",
    SUBTASK_ACTIONS,
    ids=[row[0] for row in SUBTASK_ACTIONS],
)
def test_each_subtask_action_is_taken_only_by_those_it_belongs_to(
    world, path, setup, body, allowed, new_state, refused
):
    subtask = setup(world)
    event = subtask.event
    before = snapshot(event)
    for username, status in refused.items():
        response = client_for(world.users[username]).post(
            f"/api/assignments/{subtask.pk}/{path}/", body, format="json"
        )
        assert response.status_code == status, (username, response.json())
        assert snapshot(event) == before, f"{username}'s refused {path} stored something"

    user = world.users[allowed]
    response = client_for(user).post(f"/api/assignments/{subtask.pk}/{path}/", body, format="json")
    assert response.status_code == 200, response.json()
    subtask.refresh_from_db()
    assert subtask.state == new_state
    row = next(a for a in response.json()["assignments"] if a["id"] == subtask.pk)
    assert row["state"] == new_state
    last = event.history.filter(details__assignment=subtask.pk).order_by("-at", "-id").first()
    assert (last.action, last.actor, last.to_state) == (f"{path}_subtask", user, new_state)


@pytest.mark.parametrize(
    "path, state, body",
    [
        ("judge", S.DISPATCHED, {"urgency": "general", "span": "single", "reason": "再次研判"}),
        ("dispatch", S.DISPATCHED, {}),
        ("check", S.HANDLING, {"passed": True}),
        ("close", S.FEEDBACK_SUBMITTED, {"reason": "x"}),
        ("void", S.CLOSED, {"reason": "x"}),
        ("resume", S.HANDLING, {}),
    ],
)
def test_an_action_in_the_wrong_state_is_a_409_and_stores_nothing(world, path, state, body):
    event = walk(world, report(world), state)
    before = snapshot(event)
    response = client_for(world.wuyuan_dispatcher).post(
        f"/api/events/{event.pk}/{path}/", body, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert snapshot(event) == before


@pytest.mark.parametrize(
    "username, allowed",
    [
        ("wuyuan_dispatcher", ["judge", "void", "merge", "escalate"]),
        ("centre", ["judge", "void", "merge", "escalate"]),
        ("leader", ["escalate"]),
        ("grid_worker", []),
    ],
)
def test_the_detail_lists_exactly_the_actions_allowed_to_me(world, username, allowed):
    event = report(world)
    response = client_for(world.users[username]).get(f"/api/events/{event.pk}/")
    assert response.json()["allowed_actions"] == allowed


def test_the_detail_lists_the_subtask_actions_of_each_unit(world):
    event = _coordination_order(world)
    mine = event.assignments.get(unit=world.dept_scjg)
    rows = {
        a["id"]: a["allowed_actions"]
        for a in client_for(world.dept_officer)
        .get(f"/api/events/{event.pk}/")
        .json()["assignments"]
    }
    assert rows[mine.pk] == ["accept_subtask", "return_subtask"]
    assert all(actions == [] for pk, actions in rows.items() if pk != mine.pk)
    rows = {
        a["id"]: a["allowed_actions"]
        for a in client_for(world.centre).get(f"/api/events/{event.pk}/").json()["assignments"]
    }
    assert all(actions == ["cancel_subtask"] for actions in rows.values())
