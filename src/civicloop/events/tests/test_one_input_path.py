"""Pages and API are two doors to the same actions (``events.actions``): the same bad input
is refused by both with the same message, and the same good input leaves the same history
row, whichever door it came through."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from civicloop.events.choices import RATING_REFUSAL, EventState, Span
from civicloop.events.models import Event
from civicloop.testing.journeys import report, walk

S = EventState
EMPTY_COORDINATION_ORDER = {
    "reason": "",
    "sub-TOTAL_FORMS": "3",
    "sub-INITIAL_FORMS": "0",
    "sub-0-unit": "",
    "sub-1-unit": "",
    "sub-2-unit": "",
}


@dataclass
class Attempt:
    """One input sent through both doors."""

    action: str
    state: str  # where the event stands before
    user: str  # who acts (a name on the test world)
    web: dict  # the page's form fields
    api: dict  # the API's request body
    message: str | None = None  # the expected refusal (msgid; %(number)s: the original's)
    span: str = Span.SINGLE
    original: str | None = None  # merge: where the original event stands ("into" names it)


def event_for(world, attempt: Attempt) -> Event:
    return walk(world, report(world), attempt.state, span=attempt.span)


def inputs(world, attempt: Attempt) -> tuple[dict, dict, Event | None]:
    """The attempt's web and API inputs, with the original of a merge put in."""
    web, api, original = dict(attempt.web), dict(attempt.api), None
    if attempt.original:
        original = walk(world, report(world, description="同一处摊贩占道"), attempt.original)
        for data in (web, api):
            if data.get("into") == "__original__":
                data["into"] = original.number
    return web, api, original


def through_the_page(client, world, attempt: Attempt, event: Event, data: dict):
    client.force_login(getattr(world, attempt.user))
    return client.post(reverse("events:action", args=[event.pk, attempt.action]), data)


def through_the_api(world, attempt: Attempt, event: Event, data: dict):
    client = APIClient()
    client.force_authenticate(getattr(world, attempt.user))
    path = attempt.action.replace("_", "-")
    return client.post(f"/api/events/{event.pk}/{path}/", data, format="json")


def page_messages(response) -> set[str]:
    form = response.context["form"]
    return {str(m) for messages in form.errors.values() for m in messages}


def api_messages(response) -> set[str]:
    return {str(m) for messages in response.json()["errors"].values() for m in messages}


REFUSED = {
    "a coordination order without units": Attempt(
        "dispatch",
        S.JUDGED,
        "centre",
        web=EMPTY_COORDINATION_ORDER,
        api={},
        message="Choose the units of the coordination order.",
        span=Span.MULTI,
    ),
    "a coordination order with an empty list of units": Attempt(
        "dispatch",
        S.JUDGED,
        "centre",
        web=EMPTY_COORDINATION_ORDER,
        api={"subtasks": []},
        message="Choose the units of the coordination order.",
        span=Span.MULTI,
    ),
    "a merge into an unknown event": Attempt(
        "merge",
        S.COLLECTED,
        "wuyuan_dispatcher",
        web={"into": "E209901010001", "reason": "重复"},
        api={"into": "E209901010001", "reason": "重复"},
        message="No event with this number or id is visible to you.",
    ),
    "a merge into an event that is closed": Attempt(
        "merge",
        S.COLLECTED,
        "wuyuan_dispatcher",
        web={"into": "__original__", "reason": "重复"},
        api={"into": "__original__", "reason": "重复"},
        message="The original %(number)s is already finished; it cannot take duplicates.",
        original=S.CLOSED,
    ),
    "a merge naming no event": Attempt(
        "merge",
        S.COLLECTED,
        "wuyuan_dispatcher",
        web={"into": "", "reason": "重复"},
        api={"into": "", "reason": "重复"},
        message="This field is required.",
    ),
    "a check without a result": Attempt(
        "check",
        S.FEEDBACK_SUBMITTED,
        "wuyuan_dispatcher",
        web={"notes": "已核查"},
        api={"notes": "已核查"},
        message="This field is required.",
    ),
    "a failed check that does not say what is not done": Attempt(
        "check",
        S.FEEDBACK_SUBMITTED,
        "wuyuan_dispatcher",
        web={"result": "fail", "notes": ""},
        api={"passed": False, "notes": ""},
        message="Say what is not done when the check fails.",
    ),
    "a rating outside the scale": Attempt(
        "rate",
        S.CHECKED,
        "grid_worker",
        web={"rating": "7"},
        api={"rating": "7"},
        message=str(RATING_REFUSAL),
    ),
    "a return without a reason": Attempt(
        "return",
        S.DISPATCHED,
        "wuyuan_officer",
        web={"reason": ""},
        api={"reason": ""},
        message="This field is required.",
    ),
    "a return with no reason field at all": Attempt(
        "return",
        S.DISPATCHED,
        "wuyuan_officer",
        web={},
        api={},
        message="This field is required.",
    ),
}


@pytest.mark.parametrize("attempt", REFUSED.values(), ids=REFUSED.keys())
def test_page_and_api_refuse_the_same_input_with_the_same_message(world, client, attempt):
    page_event, api_event = event_for(world, attempt), event_for(world, attempt)
    web, api, original = inputs(world, attempt)
    rows = {e.pk: e.history.count() for e in (page_event, api_event)}

    page = through_the_page(client, world, attempt, page_event, web)
    answer = through_the_api(world, attempt, api_event, api)

    assert page.status_code == answer.status_code == 400
    expected = _(attempt.message)
    if original is not None:
        expected %= {"number": original.number}
    assert page_messages(page) == api_messages(answer) == {expected}
    for event in (page_event, api_event):
        event.refresh_from_db()
        assert event.state == attempt.state
        assert event.history.count() == rows[event.pk]


ACCEPTED = {
    "a return with a reason": Attempt(
        "return",
        S.DISPATCHED,
        "wuyuan_officer",
        web={"reason": "不属于本队职责"},
        api={"reason": "不属于本队职责"},
    ),
    "a merge into an open event by its number": Attempt(
        "merge",
        S.COLLECTED,
        "wuyuan_dispatcher",
        web={"into": "__original__", "reason": "同一问题"},
        api={"into": "__original__", "reason": "同一问题"},
        original=S.COLLECTED,
    ),
    "a passed check": Attempt(
        "check",
        S.FEEDBACK_SUBMITTED,
        "wuyuan_dispatcher",
        web={"result": "pass", "notes": "现场已整改"},
        api={"passed": True, "notes": "现场已整改"},
    ),
    "a dissatisfied rating": Attempt(
        "rate",
        S.CHECKED,
        "grid_worker",
        web={"rating": "dissatisfied", "comment": "摊贩又回来了"},
        api={"rating": "dissatisfied", "comment": "摊贩又回来了"},
    ),
    "a coordination order naming two units": Attempt(
        "dispatch",
        S.JUDGED,
        "centre",
        web={"__units__": ["dept-scjg", "330424001-squad"]},
        api={"__units__": ["dept-scjg", "330424001-squad"]},
        span=Span.MULTI,
    ),
}


def _put_units(world, web: dict, api: dict) -> tuple[dict, dict]:
    """A coordination order's rows: form rows on the page, ``subtasks`` in the API."""
    codes = web.pop("__units__", None)
    api.pop("__units__", None)
    if codes is None:
        return web, api
    units = {u.code: u for u in (world.dept_scjg, world.wuyuan_squad)}
    web = {"reason": "", "sub-TOTAL_FORMS": str(len(codes)), "sub-INITIAL_FORMS": "0"}
    for i, code in enumerate(codes):
        web[f"sub-{i}-unit"] = units[code].pk
    return web, {"subtasks": [{"unit": code} for code in codes]}


# Details that point at rows made by the action itself (a check, an assignment, a rating).
ROW_IDS = {"check", "assignment", "rating"}


def row(event: Event) -> dict:
    """The history row an action left, without what differs between two events (ids, time)."""
    entry = event.history.order_by("-id").first()
    details = {k: v for k, v in entry.details.items() if k not in ROW_IDS and not k.endswith("_id")}
    if "subtasks" in details:
        details["subtasks"] = sorted(s["unit"] for s in details["subtasks"])
    return {
        "action": entry.action,
        "actor": entry.actor_id,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "reason": entry.reason,
        "details": details,
    }


@pytest.mark.parametrize("attempt", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_page_and_api_write_the_same_history_row_for_the_same_input(world, client, attempt):
    web, api, _original = inputs(world, attempt)
    web, api = _put_units(world, web, api)
    page_event, api_event = event_for(world, attempt), event_for(world, attempt)

    page = through_the_page(client, world, attempt, page_event, web)
    answer = through_the_api(world, attempt, api_event, api)

    assert page.status_code == 302, page.context["form"].errors if page.context else page
    assert answer.status_code == 200, answer.json()
    page_event.refresh_from_db()
    api_event.refresh_from_db()
    assert page_event.state == api_event.state != attempt.state
    assert row(page_event) == row(api_event)
    assert row(page_event)["action"] == attempt.action


def test_a_merge_target_is_found_by_id_as_well_through_both_doors(world, client):
    attempt = Attempt("merge", S.COLLECTED, "wuyuan_dispatcher", web={}, api={})
    original = report(world, description="同一处摊贩占道")
    page_event, api_event = report(world), report(world)
    data = {"into": str(original.pk), "reason": "重复"}

    assert through_the_page(client, world, attempt, page_event, data).status_code == 302
    assert through_the_api(world, attempt, api_event, data).status_code == 200
    for event in (page_event, api_event):
        event.refresh_from_db()
        assert event.state == S.MERGED and event.merged_into_id == original.pk


def test_a_merge_target_number_may_be_typed_in_lower_case_through_both_doors(world, client):
    attempt = Attempt("merge", S.COLLECTED, "wuyuan_dispatcher", web={}, api={})
    original = report(world, description="同一处摊贩占道")
    page_event, api_event = report(world), report(world)
    data = {"into": f" {original.number.lower()} ", "reason": "重复"}

    assert through_the_page(client, world, attempt, page_event, data).status_code == 302
    assert through_the_api(world, attempt, api_event, data).status_code == 200
    for event in (page_event, api_event):
        event.refresh_from_db()
        assert event.merged_into_id == original.pk
