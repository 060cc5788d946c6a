"""Permission matrix of the web pages: who sees which page, which buttons, and what a
POST does for someone who may act and for someone who may not."""

import re

import pytest
from django.urls import reverse

from civicloop.events import services
from civicloop.events.choices import AssignmentState, EventState, Span, Urgency
from civicloop.events.models import Assignment, Event, EventHistory
from civicloop.events.permissions import capacities
from civicloop.events.workflow import EVENT_WORKFLOW
from civicloop.testing.journeys import report, walk

ALL_USERS = [
    "centre",
    "leader",
    "wuyuan_dispatcher",
    "ganpu_dispatcher",
    "wuyuan_officer",
    "ganpu_officer",
    "emergency_officer",
    "dept_officer",
    "zhzf_officer",
    "red_butler",
    "grid_worker",
    "part_time",
    "other_grid_worker",
    "station_staff",
    "legal_reviewer",
    "lawyer",
    "outsider",
    "admin",
]
# Who may open a freshly collected event reported in 武原's 百可 grid.
SEES_WUYUAN_GRID_EVENT = {
    "centre",
    "leader",
    "wuyuan_dispatcher",
    "red_butler",
    "grid_worker",
    "part_time",
    "station_staff",
    "admin",
}


def signed_in(client, world, username):
    client.force_login(world.users[username])
    return client


def buttons(response) -> set[str]:
    """The action buttons of a detail page (``data-action`` attributes)."""
    return set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))


def history_count(event) -> int:
    return EventHistory.objects.filter(event=event).count()


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    event = report(world)
    for url in [
        reverse("events:queue"),
        reverse("events:list"),
        reverse("events:new"),
        reverse("events:export"),
        reverse("events:detail", args=[event.pk]),
        reverse("events:action", args=[event.pk, "judge"]),
        reverse("notifications:inbox"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("username", ALL_USERS)
def test_every_signed_in_role_can_open_queue_list_and_intake(world, client, username):
    signed_in(client, world, username)
    for name in ("events:queue", "events:list", "events:new"):
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize("username", ALL_USERS)
def test_detail_of_a_wuyuan_event_opens_only_for_those_in_scope(world, client, username):
    event = report(world)
    signed_in(client, world, username)
    response = client.get(reverse("events:detail", args=[event.pk]))
    assert response.status_code == (200 if username in SEES_WUYUAN_GRID_EVENT else 404)


@pytest.mark.parametrize(
    "state",
    [
        "collected",
        "judged",
        "dispatched",
        "accepted",
        "handling",
        "feedback_submitted",
        "checked",
        "rated",
    ],
)
def test_detail_page_offers_exactly_the_steps_the_workflow_allows(world, client, state):
    event = walk(world, report(world), state)
    for username in [
        "centre",
        "leader",
        "wuyuan_dispatcher",
        "wuyuan_officer",
        "grid_worker",
        "station_staff",
    ]:
        user = world.users[username]
        if not Event.objects.visible_to(user).filter(pk=event.pk).exists():
            continue
        client.force_login(user)
        response = client.get(reverse("events:detail", args=[event.pk]))
        expected = {
            t.name
            for t in EVENT_WORKFLOW.allowed(state=event.state, capacities=capacities(user, event))
        }
        assert buttons(response) == expected, (state, username)


def test_buttons_per_role_on_the_main_path(world, client):
    event = report(world)
    expectations = [
        (
            "collected",
            {
                "wuyuan_dispatcher": {"judge", "void", "merge", "escalate"},
                "centre": {"judge", "void", "merge", "escalate"},
                "leader": {"escalate"},
                "grid_worker": set(),
                "station_staff": set(),
            },
        ),
        (
            "dispatched",
            {
                "wuyuan_officer": {"accept", "return"},
                "wuyuan_dispatcher": {"redispatch", "escalate"},
                "grid_worker": set(),
            },
        ),
        (
            "checked",
            {
                "grid_worker": {"rate"},
                "station_staff": {"rate"},
                "wuyuan_dispatcher": {"close", "escalate"},
                "wuyuan_officer": set(),
            },
        ),
    ]
    for state, per_user in expectations:
        event = walk(world, event, state)
        for username, expected in per_user.items():
            client.force_login(world.users[username])
            response = client.get(reverse("events:detail", args=[event.pk]))
            assert buttons(response) == expected, (state, username)


def test_town_dispatcher_cannot_see_other_towns_events(world, client):
    event = report(world)
    signed_in(client, world, "ganpu_dispatcher")
    assert client.get(reverse("events:detail", args=[event.pk])).status_code == 404
    response = client.post(
        reverse("events:action", args=[event.pk, "judge"]),
        {"urgency": "general", "span": "single", "reason": "越权"},
    )
    assert response.status_code == 404
    assert event.number not in client.get(reverse("events:list")).content.decode()
    event.refresh_from_db()
    assert event.state == EventState.COLLECTED


def test_grid_worker_sees_own_grids_events_and_own_reports_only(world, client):
    own_grid = report(world, by=world.users["station_staff"])
    other_grid = report(world, by=world.users["other_grid_worker"], region=world.wuyuan_grid2)
    own_report_elsewhere = report(world, region=world.ganpu_grid)
    signed_in(client, world, "grid_worker")
    listing = client.get(reverse("events:list")).content.decode()
    assert own_grid.number in listing
    assert own_report_elsewhere.number in listing
    assert other_grid.number not in listing
    assert client.get(reverse("events:detail", args=[own_report_elsewhere.pk])).status_code == 200
    assert client.get(reverse("events:detail", args=[other_grid.pk])).status_code == 404


def test_department_officer_sees_only_what_is_assigned_to_the_department(world, client):
    food = report(world, category=world.food_safety)
    walk(world, food, EventState.JUDGED)
    signed_in(client, world, "dept_officer")
    assert client.get(reverse("events:detail", args=[food.pk])).status_code == 404
    services.dispatch_event(food, by=world.users["wuyuan_dispatcher"])
    stays_in_town = walk(world, report(world), EventState.DISPATCHED)
    assert client.get(reverse("events:detail", args=[food.pk])).status_code == 200
    assert client.get(reverse("events:detail", args=[stays_in_town.pk])).status_code == 404
    listing = client.get(reverse("events:list")).content.decode()
    assert food.number in listing and stays_in_town.number not in listing
    signed_in(client, world, "zhzf_officer")
    assert client.get(reverse("events:detail", args=[food.pk])).status_code == 404


# One row per action: the state to reach, who may act, someone who sees the event but may
# not act, the form data, and the state the allowed POST leaves.
ACTION_MATRIX = [
    (
        "collected",
        "judge",
        "wuyuan_dispatcher",
        "grid_worker",
        {"urgency": "general", "span": "single", "reason": "核实为占道经营"},
        "judged",
    ),
    ("collected", "void", "centre", "leader", {"reason": "重复测试数据"}, "voided"),
    ("collected", "escalate", "leader", "grid_worker", {"reason": "群众反映强烈"}, "collected"),
    ("judged", "dispatch", "wuyuan_dispatcher", "leader", {}, "dispatched"),
    ("dispatched", "accept", "wuyuan_officer", "wuyuan_dispatcher", {}, "accepted"),
    (
        "dispatched",
        "return",
        "wuyuan_officer",
        "grid_worker",
        {"reason": "不属于本队职责"},
        "judged",
    ),
    (
        "dispatched",
        "redispatch",
        "wuyuan_dispatcher",
        "wuyuan_officer",
        {"unit": "__dept_zhzf__", "reason": "需县局处置"},
        "dispatched",
    ),
    ("accepted", "start", "wuyuan_officer", "grid_worker", {}, "handling"),
    (
        "handling",
        "submit_feedback",
        "wuyuan_officer",
        "wuyuan_dispatcher",
        {"outcome": "resolved", "measures": "已劝离摊贩"},
        "feedback_submitted",
    ),
    ("handling", "park", "wuyuan_dispatcher", "wuyuan_officer", {"reason": "待规划调整"}, "parked"),
    (
        "feedback_submitted",
        "check",
        "wuyuan_dispatcher",
        "wuyuan_officer",
        {"result": "pass", "notes": "现场已整改"},
        "checked",
    ),
    (
        "feedback_submitted",
        "check",
        "centre",
        "grid_worker",
        {"result": "fail", "notes": "摊贩仍在"},
        "handling",
    ),
    ("checked", "rate", "grid_worker", "wuyuan_officer", {"rating": "satisfied"}, "rated"),
    (
        "checked",
        "close",
        "wuyuan_dispatcher",
        "grid_worker",
        {"reason": "群众未评价，电话回访满意"},
        "closed",
    ),
    ("rated", "close", "wuyuan_dispatcher", "station_staff", {}, "closed"),
    ("rated", "rework", "centre", "wuyuan_officer", {"reason": "回访仍有问题"}, "handling"),
]


@pytest.mark.parametrize(
    "state, action, allowed, refused, data, expected",
    ACTION_MATRIX,
    ids=[f"{row[0]}-{row[1]}-{row[2]}" for row in ACTION_MATRIX],
)
def test_action_post_by_a_user_who_may_not_act_is_refused_and_by_one_who_may_moves_the_event(
    world, client, state, action, allowed, refused, data, expected
):
    event = walk(world, report(world), state)
    data = {k: (world.dept_zhzf.pk if v == "__dept_zhzf__" else v) for k, v in data.items()}
    url = reverse("events:action", args=[event.pk, action])
    before = history_count(event)

    signed_in(client, world, refused)
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    event.refresh_from_db()
    assert event.state == state
    assert history_count(event) == before

    signed_in(client, world, allowed)
    assert client.get(url).status_code == 200
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    event.refresh_from_db()
    assert event.state == expected
    row = EventHistory.objects.filter(event=event).latest("at", "id")
    assert row.action == action
    assert row.actor == world.users[allowed]
    assert row.from_state == state
    assert row.to_state == expected


def test_parked_event_is_resumed_by_the_command_room(world, client):
    event = walk(world, report(world), EventState.HANDLING)
    services.park_event(event, by=world.users["wuyuan_dispatcher"], reason="待规划")
    url = reverse("events:action", args=[event.pk, "resume"])
    signed_in(client, world, "wuyuan_officer")
    assert client.post(url, {}).status_code == 403
    signed_in(client, world, "wuyuan_dispatcher")
    assert client.post(url, {}).status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.HANDLING
    assert event.history.latest("at", "id").action == "resume"


def test_duplicate_is_merged_into_its_original_by_number(world, client):
    original = report(world)
    duplicate = report(world, description="同一处流动摊贩占道")
    url = reverse("events:action", args=[duplicate.pk, "merge"])
    signed_in(client, world, "grid_worker")
    assert client.post(url, {"into": original.number, "reason": "重复"}).status_code == 403
    signed_in(client, world, "wuyuan_dispatcher")
    response = client.post(url, {"into": original.number, "reason": "同一事件重复上报"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.state == EventState.MERGED
    assert duplicate.merged_into == original
    assert duplicate.history.latest("at", "id").action == "merge"


def test_merge_into_an_event_the_user_cannot_see_is_a_field_error(world, client):
    elsewhere = report(world, by=world.users["ganpu_grid_worker"], region=world.ganpu_grid)
    duplicate = report(world)
    signed_in(client, world, "wuyuan_dispatcher")
    response = client.post(
        reverse("events:action", args=[duplicate.pk, "merge"]),
        {"into": elsewhere.number, "reason": "重复"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["into"]
    duplicate.refresh_from_db()
    assert duplicate.state == EventState.COLLECTED


def test_acting_on_an_event_that_moved_on_answers_conflict_and_changes_nothing(world, client):
    event = walk(world, report(world), EventState.JUDGED)
    url = reverse("events:action", args=[event.pk, "judge"])
    signed_in(client, world, "wuyuan_dispatcher")
    page = client.get(url)
    assert page.status_code == 200
    services.dispatch_event(event, by=world.users["centre"])  # someone else was quicker
    before = history_count(event)
    response = client.post(url, {"urgency": "urgent", "span": "single", "reason": "再研判"})
    assert response.status_code == 409
    event.refresh_from_db()
    assert event.state == EventState.DISPATCHED
    assert history_count(event) == before


def test_missing_reason_is_a_field_error_and_stores_nothing(world, client):
    event = report(world)
    signed_in(client, world, "wuyuan_dispatcher")
    response = client.post(reverse("events:action", args=[event.pk, "void"]), {"reason": "  "})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    event.refresh_from_db()
    assert event.state == EventState.COLLECTED


def test_service_refusal_lands_on_its_field_with_status_400(world, client):
    event = walk(world, report(world), EventState.CHECKED)
    signed_in(client, world, "grid_worker")
    response = client.post(
        reverse("events:action", args=[event.pk, "rate"]), {"rating": "dissatisfied", "comment": ""}
    )
    assert response.status_code == 400
    assert "comment" in response.context["form"].errors
    event.refresh_from_db()
    assert event.state == EventState.CHECKED
    assert not event.ratings.exists()


def test_dispatch_form_shows_the_routing_suggestion(world, client):
    event = walk(world, report(world), EventState.JUDGED)
    signed_in(client, world, "wuyuan_dispatcher")
    response = client.get(reverse("events:action", args=[event.pk, "dispatch"]))
    assert response.status_code == 200
    assert f'data-unit="{world.wuyuan_squad.code}"' in response.content.decode()


def test_dispatch_to_another_unit_without_reason_is_refused_on_the_reason_field(world, client):
    event = walk(world, report(world), EventState.JUDGED)
    signed_in(client, world, "wuyuan_dispatcher")
    response = client.post(
        reverse("events:action", args=[event.pk, "dispatch"]),
        {"unit": world.dept_zhzf.pk, "reason": ""},
    )
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    event.refresh_from_db()
    assert event.state == EventState.JUDGED
    assert not event.assignments.exists()


def _multi_span_event(world):
    return walk(world, report(world), EventState.JUDGED, span=Span.MULTI)


def test_multi_span_dispatch_is_offered_to_the_county_centre_only(world, client):
    event = _multi_span_event(world)
    url = reverse("events:action", args=[event.pk, "dispatch"])
    signed_in(client, world, "wuyuan_dispatcher")
    assert "dispatch" not in buttons(client.get(reverse("events:detail", args=[event.pk])))
    assert client.post(url, {"reason": ""}).status_code == 403
    event.refresh_from_db()
    assert event.state == EventState.JUDGED
    signed_in(client, world, "centre")
    assert "dispatch" in buttons(client.get(reverse("events:detail", args=[event.pk])))


def test_county_centre_issues_a_coordination_order_with_two_units(world, client):
    event = _multi_span_event(world)
    signed_in(client, world, "centre")
    url = reverse("events:action", args=[event.pk, "dispatch"])
    page = client.get(url)
    assert page.status_code == 200 and 'id="coordination-order"' in page.content.decode()
    data = {
        "sub-TOTAL_FORMS": "3",
        "sub-INITIAL_FORMS": "0",
        "sub-MIN_NUM_FORMS": "0",
        "sub-MAX_NUM_FORMS": "12",
        "sub-0-unit": world.dept_scjg.pk,
        "sub-0-instruction": "查证照",
        "sub-0-due_at": "",
        "sub-1-unit": world.wuyuan_squad.pk,
        "sub-1-instruction": "现场劝离",
        "sub-1-due_at": "",
        "sub-2-unit": "",
        "sub-2-instruction": "",
        "sub-2-due_at": "",
        "reason": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert event.state == EventState.DISPATCHED
    units = set(event.assignments.filter(kind="subtask").values_list("unit__code", flat=True))
    assert units == {world.dept_scjg.code, world.wuyuan_squad.code}
    assert event.history.latest("at", "id").action == "dispatch"


def test_coordination_order_with_one_unit_is_refused(world, client):
    event = _multi_span_event(world)
    signed_in(client, world, "centre")
    data = {
        "sub-TOTAL_FORMS": "1",
        "sub-INITIAL_FORMS": "0",
        "sub-MIN_NUM_FORMS": "0",
        "sub-MAX_NUM_FORMS": "12",
        "sub-0-unit": world.dept_scjg.pk,
        "reason": "",
    }
    response = client.post(reverse("events:action", args=[event.pk, "dispatch"]), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    event.refresh_from_db()
    assert event.state == EventState.JUDGED


def test_sub_task_steps_are_offered_to_their_unit_only(world, client):
    event = _multi_span_event(world)
    services.dispatch_event(
        event,
        by=world.users["centre"],
        subtasks=[
            services.SubtaskSpec(unit=world.dept_scjg),
            services.SubtaskSpec(unit=world.wuyuan_squad),
        ],
    )
    mine = Assignment.objects.get(event=event, unit=world.dept_scjg)
    theirs = Assignment.objects.get(event=event, unit=world.wuyuan_squad)
    signed_in(client, world, "dept_officer")
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert f'data-action="accept_subtask" data-subtask-unit="{world.dept_scjg.code}"' in page
    assert f'data-subtask-unit="{world.wuyuan_squad.code}"' not in page

    refused = client.post(
        reverse("events:subtask-action", args=[event.pk, theirs.pk, "accept_subtask"])
    )
    assert refused.status_code == 403
    theirs.refresh_from_db()
    assert theirs.state == AssignmentState.ISSUED

    accepted = client.post(
        reverse("events:subtask-action", args=[event.pk, mine.pk, "accept_subtask"])
    )
    assert accepted.status_code == 302
    mine.refresh_from_db()
    assert mine.state == AssignmentState.ACCEPTED
    assert event.history.filter(action="accept_subtask", actor=world.users["dept_officer"]).exists()

    done = client.post(
        reverse("events:subtask-action", args=[event.pk, mine.pk, "complete_subtask"]),
        {"outcome": "resolved", "measures": "已查处无证经营"},
    )
    assert done.status_code == 302
    mine.refresh_from_db()
    assert mine.state == AssignmentState.DONE


def test_only_the_county_centre_adds_a_sub_task(world, client):
    event = _multi_span_event(world)
    services.dispatch_event(
        event,
        by=world.users["centre"],
        subtasks=[
            services.SubtaskSpec(unit=world.dept_scjg),
            services.SubtaskSpec(unit=world.wuyuan_squad),
        ],
    )
    url = reverse("events:add-subtask", args=[event.pk])
    signed_in(client, world, "wuyuan_dispatcher")
    assert client.post(url, {"unit": world.dept_zhzf.pk}).status_code == 403
    signed_in(client, world, "centre")
    assert client.post(url, {"unit": world.dept_zhzf.pk, "instruction": "配合"}).status_code == 302
    assert event.assignments.filter(unit=world.dept_zhzf, kind="subtask").exists()
    assert event.history.latest("at", "id").action == "add_subtask"


def test_urgent_event_is_dispatched_to_the_emergency_team_through_the_page(world, client):
    event = walk(world, report(world), EventState.JUDGED, urgency=Urgency.URGENT)
    signed_in(client, world, "wuyuan_dispatcher")
    assert client.post(reverse("events:action", args=[event.pk, "dispatch"]), {}).status_code == 302
    assert event.lead_assignment().unit == world.emergency
    signed_in(client, world, "emergency_officer")
    page = client.get(reverse("events:detail", args=[event.pk]))
    assert buttons(page) == {"accept", "return"}


def test_unknown_action_names_are_not_found(world, client):
    event = report(world)
    signed_in(client, world, "wuyuan_dispatcher")
    assert (
        client.get(reverse("events:action", args=[event.pk, "subtasks_started"])).status_code == 404
    )
    assert client.get(reverse("events:action", args=[event.pk, "nonsense"])).status_code == 404
