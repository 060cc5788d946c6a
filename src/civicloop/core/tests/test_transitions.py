"""The steps every workflow service repeats (``core.transitions``), and how a domain
``NotFound`` reaches pages and the API."""

from __future__ import annotations

import pytest
from django.db import transaction
from rest_framework.test import APIRequestFactory

from civicloop.cases import actions as case_actions
from civicloop.core.api import exception_handler
from civicloop.core.errors import InvalidTransition, NotFound, NotPermitted
from civicloop.core.transitions import record
from civicloop.events.choices import EventState
from civicloop.events.models import EventHistory
from civicloop.events.services import EVENT_FLOW
from civicloop.testing.journeys import report


def test_a_move_saves_the_state_and_appends_one_history_row(world):
    event = report(world)
    before = event.history.count()
    with transaction.atomic():
        event = EVENT_FLOW.lock(event)
        transition, reason = EVENT_FLOW.check(
            event, "judge", world.wuyuan_dispatcher, reason="  accepted as reported  "
        )
        row = EVENT_FLOW.move(
            event,
            transition.name,
            EventState.JUDGED,
            by=world.wuyuan_dispatcher,
            reason=reason,
            details={"note": "test"},
        )
    event.refresh_from_db()
    assert event.state == EventState.JUDGED
    assert event.history.count() == before + 1
    assert (row.action, row.from_state, row.to_state, row.actor, row.reason, row.details) == (
        "judge",
        EventState.COLLECTED,
        EventState.JUDGED,
        world.wuyuan_dispatcher,
        "accepted as reported",
        {"note": "test"},
    )


def test_check_refuses_the_wrong_state_and_the_wrong_actor(world):
    event = report(world)
    with pytest.raises(InvalidTransition):
        EVENT_FLOW.check(event, "accept", world.wuyuan_officer)
    with pytest.raises(NotPermitted):
        EVENT_FLOW.check(event, "judge", world.grid_worker)
    # The system acts with the capacities it is given, not the actor's.
    transition, _reason = EVENT_FLOW.check(
        event, "judge", None, caps={"command_room"}, reason="graded"
    )
    assert transition.name == "judge"


def test_a_record_without_a_move_keeps_the_state_on_both_sides(world):
    event = report(world)
    row = record(EventHistory, event, "note", by=world.grid_worker, to_state=event.state)
    assert (row.event, row.from_state, row.to_state) == (event, "", EventState.COLLECTED)


def test_an_unknown_action_is_not_found_for_services_and_the_api(world):
    with pytest.raises(NotFound):
        case_actions.CASE_ACTIONS.perform("no_such_action", None, by=world.grid_worker, data={})
    request = APIRequestFactory().post("/api/cases/1/no-such-action/")
    response = exception_handler(NotFound("There is no such action."), {"request": request})
    assert response.status_code == 404
    assert response.data["code"] == "not_found"
