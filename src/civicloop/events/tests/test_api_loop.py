"""The closed loop driven entirely over the REST API: the main path and every
detour (return, re-dispatch, rework, dissatisfied rating, merge, void, park,
escalation) and coordination orders closing only when every sub-task is done."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from civicloop.events import services
from civicloop.events.choices import AssignmentKind, AssignmentState, EventState, Span, Urgency
from civicloop.events.models import Attachment, Event
from civicloop.notifications.models import Notification
from civicloop.testing.journeys import report, walk

S = EventState
A = AssignmentState


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def photo(name: str = "现场.png") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def act(user, event_or_id, path: str, body: dict | None = None, *, multipart: bool = False) -> dict:
    """POST an action as ``user``; it must succeed. Returns the updated event."""
    pk = getattr(event_or_id, "pk", event_or_id)
    fmt = "multipart" if multipart else "json"
    response = client_for(user).post(f"/api/events/{pk}/{path}/", body or {}, format=fmt)
    assert response.status_code == 200, (path, response.json())
    return response.json()


def act_on_subtask(user, assignment_id: int, path: str, body: dict | None = None) -> dict:
    response = client_for(user).post(
        f"/api/assignments/{assignment_id}/{path}/", body or {}, format="json"
    )
    assert response.status_code == 200, (path, response.json())
    return response.json()


def history_actions(event_id: int) -> list[str]:
    return list(Event.objects.get(pk=event_id).history.values_list("action", flat=True))


def test_an_event_goes_round_the_whole_loop_over_the_api(world):
    created = client_for(world.grid_worker).post(
        "/api/events/",
        {
            "source": "grid_patrol",
            "description": "百可社区菜场门口流动摊贩占道经营",
            "category": "street-vending",
            "region": world.wuyuan_grid.code,
            "reporter_name": "张三",
            "reporter_phone": "13912345678",
            "attachments": [photo()],
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    event = created.json()
    assert event["state"] == S.COLLECTED
    assert len(event["attachments"]) == 1 and event["attachments"][0]["content_type"] == "image/png"
    code, pk = event["tracking_code"], event["id"]

    d = world.wuyuan_dispatcher
    assert (
        act(d, pk, "judge", {"urgency": "general", "span": "single", "reason": "核实为占道经营"})[
            "state"
        ]
        == S.JUDGED
    )
    event = act(d, pk, "dispatch")
    assert event["state"] == S.DISPATCHED
    assert [(a["kind"], a["unit"]["code"]) for a in event["assignments"]] == [
        ("lead", "330424001-squad")
    ]

    officer = world.wuyuan_officer
    assert act(officer, pk, "accept")["state"] == S.ACCEPTED
    assert act(officer, pk, "start")["state"] == S.HANDLING
    event = act(
        officer,
        pk,
        "submit-feedback",
        {
            "outcome": "resolved",
            "measures": "已劝离摊贩并清理现场",
            "attachments": [photo("整改后.png")],
        },
        multipart=True,
    )
    assert event["state"] == S.FEEDBACK_SUBMITTED
    assert len(event["feedbacks"][0]["attachments"]) == 1

    assert act(d, pk, "check", {"passed": True, "notes": "现场核查已整改"})["state"] == S.CHECKED
    rated = APIClient().post(
        f"/api/public/track/{code}/rate/", {"rating": "satisfied"}, format="json"
    )
    assert rated.status_code == 200 and rated.json()["state"] == S.RATED
    event = act(d, pk, "close")
    assert event["state"] == S.CLOSED and event["closed_at"]
    assert event["allowed_actions"] == []

    assert history_actions(pk) == [
        "collect",
        "judge",
        "dispatch",
        "accept",
        "start",
        "submit_feedback",
        "check",
        "rate",
        "close",
    ]
    timeline = client_for(d).get(f"/api/events/{pk}/history/").json()
    assert [row["to_state"] for row in timeline][-1] == S.CLOSED
    assert timeline[1]["actor"]["username"] == "wuyuan_dispatcher"


def test_a_returned_event_goes_back_to_the_dispatcher_and_out_again(world):
    event = walk(world, report(world), S.DISPATCHED)
    body = act(world.wuyuan_officer, event, "return", {"reason": "属于市场监管职责"})
    assert body["state"] == S.JUDGED
    assert body["assignments"][0]["state"] == A.RETURNED
    assert body["assignments"][0]["return_reason"] == "属于市场监管职责"
    assert (
        "dispatch"
        in client_for(world.wuyuan_dispatcher)
        .get(f"/api/events/{event.pk}/")
        .json()["allowed_actions"]
    )

    body = act(
        world.wuyuan_dispatcher, event, "dispatch", {"unit": "dept-scjg", "reason": "转市场监管局"}
    )
    assert body["state"] == S.DISPATCHED
    assert [(a["unit"]["code"], a["state"]) for a in body["assignments"]] == [
        ("330424001-squad", A.RETURNED),
        ("dept-scjg", A.ISSUED),
    ]
    assert history_actions(event.pk)[-2:] == ["return", "dispatch"]


def test_dispatching_elsewhere_than_the_rules_suggest_needs_a_reason(world):
    event = walk(world, report(world), S.JUDGED)
    response = client_for(world.wuyuan_dispatcher).post(
        f"/api/events/{event.pk}/dispatch/", {"unit": "dept-scjg"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    event.refresh_from_db()
    assert event.state == S.JUDGED and not event.assignments.exists()


def test_redispatch_takes_the_event_from_one_unit_and_gives_it_to_another(world):
    event = walk(world, report(world), S.ACCEPTED)
    body = act(
        world.wuyuan_dispatcher,
        event,
        "redispatch",
        {"unit": "330424001001-station", "reason": "由社区联络站调解", "instruction": "尽快上门"},
    )
    assert body["state"] == S.DISPATCHED
    assert [(a["unit"]["code"], a["state"]) for a in body["assignments"]] == [
        ("330424001-squad", A.CANCELLED),
        ("330424001001-station", A.ISSUED),
    ]
    assert act(world.station_staff, event, "accept")["state"] == S.ACCEPTED
    response = client_for(world.wuyuan_officer).post(f"/api/events/{event.pk}/start/")
    assert response.status_code == 403


def test_a_failed_check_sends_the_work_back_and_counts_as_rework(world):
    event = walk(world, report(world), S.FEEDBACK_SUBMITTED)
    body = act(world.wuyuan_dispatcher, event, "check", {"passed": False, "notes": "摊位仍在"})
    assert body["state"] == S.HANDLING
    assert body["checks"][0]["passed"] is False
    assert body["assignments"][0]["state"] == A.ACCEPTED
    row = Event.objects.get(pk=event.pk).history.last()
    assert (row.action, row.to_state, row.details["rework"]) == ("check", S.HANDLING, True)

    act(
        world.wuyuan_officer,
        event,
        "submit-feedback",
        {"outcome": "resolved", "measures": "已取缔摊位"},
    )
    body = act(world.wuyuan_dispatcher, event, "check", {"passed": True})
    assert body["state"] == S.CHECKED
    assert [c["passed"] for c in body["checks"]] == [False, True]


def test_a_failed_check_needs_notes(world):
    event = walk(world, report(world), S.FEEDBACK_SUBMITTED)
    response = client_for(world.wuyuan_dispatcher).post(
        f"/api/events/{event.pk}/check/", {"passed": False}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["notes"]
    assert not Event.objects.get(pk=event.pk).checks.exists()


def test_a_dissatisfied_rating_collected_by_staff_reopens_the_event(world):
    event = walk(world, report(world), S.CHECKED)
    body = act(
        world.red_butler, event, "rate", {"rating": "dissatisfied", "comment": "晚上摊贩又回来了"}
    )
    assert body["state"] == S.HANDLING
    assert body["ratings"][0]["channel"] == "staff"
    assert body["ratings"][0]["rated_by"]["username"] == "red_butler"
    row = Event.objects.get(pk=event.pk).history.last()
    assert (row.action, row.to_state, row.actor) == ("rate", S.HANDLING, world.red_butler)
    assert (
        "submit_feedback"
        in client_for(world.wuyuan_officer)
        .get(f"/api/events/{event.pk}/")
        .json()["allowed_actions"]
    )


def test_the_dispatcher_can_send_a_rated_event_back_for_rework(world):
    event = walk(world, report(world), S.RATED)
    body = act(world.wuyuan_dispatcher, event, "rework", {"reason": "回访发现问题反复"})
    assert body["state"] == S.HANDLING
    assert history_actions(event.pk)[-1] == "rework"


def test_closing_without_a_rating_needs_a_reason(world):
    event = walk(world, report(world), S.CHECKED)
    client = client_for(world.wuyuan_dispatcher)
    response = client.post(f"/api/events/{event.pk}/close/", {}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["reason"]
    assert (
        act(world.wuyuan_dispatcher, event, "close", {"reason": "群众联系不上，超过评价期限"})[
            "state"
        ]
        == S.CLOSED
    )


def test_merged_duplicates_stay_visible_and_close_with_their_original(world):
    original = report(world)
    duplicate = report(world, description="菜场门口又有人摆摊")
    second = report(world, description="菜场门口摆摊第三次反映")
    act(
        world.wuyuan_dispatcher,
        duplicate,
        "merge",
        {"into": original.number, "reason": "同一地点同一问题"},
    )
    body = act(
        world.wuyuan_dispatcher, second, "merge", {"into": str(original.pk), "reason": "重复"}
    )
    assert body["state"] == S.MERGED and body["merged_into"]["id"] == original.pk

    detail = client_for(world.wuyuan_dispatcher).get(f"/api/events/{original.pk}/").json()
    assert {d["id"] for d in detail["duplicates"]} == {duplicate.pk, second.pk}

    walk(world, Event.objects.get(pk=original.pk), S.RATED)
    act(world.wuyuan_dispatcher, original, "close")
    for dup in (duplicate, second):
        dup.refresh_from_db()
        assert dup.state == S.CLOSED
        assert dup.history.last().action == "close_with_original"


def test_merging_into_an_event_i_cannot_see_is_refused_by_field(world):
    elsewhere = report(world, by=world.ganpu_grid_worker, region=world.ganpu_grid)
    event = report(world)
    response = client_for(world.wuyuan_dispatcher).post(
        f"/api/events/{event.pk}/merge/",
        {"into": elsewhere.number, "reason": "重复"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["into"]
    event.refresh_from_db()
    assert event.state == S.COLLECTED and event.merged_into is None


def test_a_voided_event_is_finished_and_refuses_further_steps(world):
    event = report(world)
    body = act(world.wuyuan_dispatcher, event, "void", {"reason": "重复测试数据"})
    assert body["state"] == S.VOIDED and body["allowed_actions"] == []
    response = client_for(world.wuyuan_dispatcher).post(
        f"/api/events/{event.pk}/judge/",
        {"urgency": "general", "span": "single", "reason": "x"},
        format="json",
    )
    assert response.status_code == 409


def test_parking_and_resuming_keep_the_event_open(world):
    event = walk(world, report(world), S.HANDLING)
    body = act(world.wuyuan_dispatcher, event, "park", {"reason": "需等待道路改造"})
    assert body["state"] == S.PARKED and body["deadline_at"] is None
    assert act(world.wuyuan_dispatcher, event, "resume")["state"] == S.HANDLING
    assert history_actions(event.pk)[-2:] == ["park", "resume"]


def test_escalation_is_recorded_and_notified_without_moving_the_event(world):
    event = walk(world, report(world), S.DISPATCHED)
    Notification.objects.all().delete()
    body = act(world.leader, event, "escalate", {"reason": "超过签收时限"})
    assert body["state"] == S.DISPATCHED and body["escalation_level"] == 1
    row = Event.objects.get(pk=event.pk).history.last()
    assert (row.action, row.from_state, row.to_state, row.reason) == (
        "escalate",
        S.DISPATCHED,
        S.DISPATCHED,
        "超过签收时限",
    )
    assert Notification.objects.filter(recipient=world.wuyuan_officer, verb="escalated").exists()
    assert (
        act(world.wuyuan_dispatcher, event, "escalate", {"reason": "仍未签收"})["escalation_level"]
        == 2
    )
    assert Notification.objects.filter(recipient=world.leader, verb="escalated").exists()


def test_an_urgent_event_goes_to_the_emergency_team_with_the_town_assisting(world):
    event = report(world)
    act(
        world.wuyuan_dispatcher,
        event,
        "judge",
        {"urgency": "urgent", "span": "single", "reason": "燃气泄漏"},
    )
    body = act(world.wuyuan_dispatcher, event, "dispatch")
    assert [(a["kind"], a["unit"]["code"]) for a in body["assignments"]] == [
        ("lead", "county-emergency"),
        ("assist", "330424001-command"),
    ]
    assert act(world.emergency_officer, event, "accept")["state"] == S.ACCEPTED


class TestCoordinationOrder:
    """多跨: the county centre fans the event out; it closes only when all sub-tasks are done."""

    # The API never picks the units itself: the order names them (as the page's rows do).
    ORDER = {"subtasks": [{"unit": "dept-scjg"}, {"unit": "330424001-squad"}]}

    @pytest.fixture
    def event(self, world):
        event = report(
            world, category=world.food_safety, description="菜场无证熟食摊点占道且卫生差"
        )
        act(
            world.wuyuan_dispatcher,
            event,
            "judge",
            {"urgency": "general", "span": "multi", "reason": "涉及食品安全和占道经营"},
        )
        return event

    def test_only_the_county_centre_dispatches_a_coordination_order(self, world, event):
        response = client_for(world.wuyuan_dispatcher).post(
            f"/api/events/{event.pk}/dispatch/", {}, format="json"
        )
        assert response.status_code == 403
        assert Event.objects.get(pk=event.pk).state == S.JUDGED

    def test_the_event_closes_only_when_every_subtask_is_done(self, world, event):
        body = act(
            world.centre,
            event,
            "dispatch",
            {
                "subtasks": [
                    {"unit": "dept-scjg", "instruction": "查处无证经营"},
                    {"unit": "330424001-squad", "instruction": "清理占道"},
                ]
            },
        )
        assert body["state"] == S.DISPATCHED
        subtasks = {a["unit"]["code"]: a["id"] for a in body["assignments"]}
        assert all(a["kind"] == AssignmentKind.SUBTASK for a in body["assignments"])

        assert (
            act_on_subtask(world.dept_officer, subtasks["dept-scjg"], "accept")["state"]
            == S.HANDLING
        )
        body = act_on_subtask(
            world.dept_officer,
            subtasks["dept-scjg"],
            "complete",
            {"outcome": "resolved", "measures": "已立案查处"},
        )
        assert body["state"] == S.HANDLING

        centre = client_for(world.centre)
        assert (
            centre.post(
                f"/api/events/{event.pk}/check/", {"passed": True}, format="json"
            ).status_code
            == 409
        )
        assert (
            centre.post(
                f"/api/events/{event.pk}/close/", {"reason": "x"}, format="json"
            ).status_code
            == 409
        )

        act_on_subtask(world.wuyuan_officer, subtasks["330424001-squad"], "accept")
        body = act_on_subtask(
            world.wuyuan_officer,
            subtasks["330424001-squad"],
            "complete",
            {"outcome": "resolved", "measures": "已清理"},
        )
        assert body["state"] == S.FEEDBACK_SUBMITTED
        assert history_actions(event.pk)[-1] == "subtasks_completed"

        assert act(world.centre, event, "check", {"passed": True})["state"] == S.CHECKED
        assert (
            act(world.red_butler, event, "rate", {"rating": "basically_satisfied"})["state"]
            == S.RATED
        )
        assert act(world.centre, event, "close")["state"] == S.CLOSED

    def test_a_failed_check_reopens_only_the_named_subtasks(self, world, event):
        body = act(world.centre, event, "dispatch", self.ORDER)
        subtasks = {a["unit"]["code"]: a["id"] for a in body["assignments"]}
        for user, code in (
            (world.dept_officer, "dept-scjg"),
            (world.wuyuan_officer, "330424001-squad"),
        ):
            act_on_subtask(user, subtasks[code], "accept")
            act_on_subtask(
                user, subtasks[code], "complete", {"outcome": "resolved", "measures": "已处置"}
            )
        body = act(
            world.centre,
            event,
            "check",
            {"passed": False, "notes": "卫生仍不达标", "reopen_subtasks": [subtasks["dept-scjg"]]},
        )
        assert body["state"] == S.HANDLING
        states = {a["unit"]["code"]: a["state"] for a in body["assignments"]}
        assert states == {"dept-scjg": A.ACCEPTED, "330424001-squad": A.DONE}

    def test_a_returned_subtask_is_replaced_by_adding_another_unit(self, world, event):
        body = act(world.centre, event, "dispatch", self.ORDER)
        subtasks = {a["unit"]["code"]: a["id"] for a in body["assignments"]}
        act_on_subtask(
            world.dept_officer, subtasks["dept-scjg"], "return", {"reason": "应由综合执法处理"}
        )
        body = act(
            world.centre, event, "add-subtask", {"unit": "dept-zhzf", "instruction": "接手查处"}
        )
        added = next(a for a in body["assignments"] if a["unit"]["code"] == "dept-zhzf")
        assert added["state"] == A.ISSUED and added["allowed_actions"] == ["cancel_subtask"]
        assert act_on_subtask(world.zhzf_officer, added["id"], "accept")["state"] == S.HANDLING

        body = act_on_subtask(
            world.centre, subtasks["330424001-squad"], "cancel", {"reason": "合并处理"}
        )
        states = {a["unit"]["code"]: a["state"] for a in body["assignments"]}
        assert states == {
            "dept-scjg": A.RETURNED,
            "330424001-squad": A.CANCELLED,
            "dept-zhzf": A.ACCEPTED,
        }
        body = act_on_subtask(
            world.zhzf_officer,
            added["id"],
            "complete",
            {"outcome": "resolved", "measures": "已查处"},
        )
        assert body["state"] == S.FEEDBACK_SUBMITTED

    def test_subtask_feedback_may_carry_photos(self, world, event):
        body = act(world.centre, event, "dispatch", self.ORDER)
        sub = next(a["id"] for a in body["assignments"] if a["unit"]["code"] == "dept-scjg")
        act_on_subtask(world.dept_officer, sub, "accept")
        response = client_for(world.dept_officer).post(
            f"/api/assignments/{sub}/complete/",
            {
                "outcome": "partly_resolved",
                "measures": "已抽检",
                "attachments": [photo(), photo("b.png")],
            },
            format="multipart",
        )
        assert response.status_code == 200, response.json()
        assert Attachment.objects.filter(event=event, stage="feedback").count() == 2

    def test_lead_assignments_are_not_subtasks(self, world):
        event = walk(world, report(world), S.DISPATCHED)
        lead = event.assignments.get()
        response = client_for(world.wuyuan_officer).post(f"/api/assignments/{lead.pk}/accept/")
        assert response.status_code == 400
        assert Event.objects.get(pk=event.pk).state == S.DISPATCHED


def test_an_assignment_can_be_read_by_those_who_see_its_event(world):
    event = services.dispatch_event(
        services.judge_event(
            report(world, category=world.food_safety),
            by=world.wuyuan_dispatcher,
            urgency=Urgency.GENERAL,
            span=Span.MULTI,
            reason="多跨",
        ),
        by=world.centre,
    )
    sub = event.assignments.get(unit=world.dept_scjg)
    response = client_for(world.dept_officer).get(f"/api/assignments/{sub.pk}/")
    assert response.status_code == 200
    assert response.json()["allowed_actions"] == ["accept_subtask", "return_subtask"]
    assert client_for(world.ganpu_officer).get(f"/api/assignments/{sub.pk}/").status_code == 404
