"""Event records for the ranking tests, made through the real event services at chosen times."""

from __future__ import annotations

import datetime as dt

from civicloop.events import services
from civicloop.events.choices import EventState
from civicloop.testing.cases import at
from civicloop.testing.journeys import report, walk


def _on(month: dt.date, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(month.year, month.month, day, hour, 0)


def done_on_time(world, month: dt.date, *, town: str = "ganpu"):
    """Reported and dispatched on the 2nd, fed back on the 3rd, checked and rated satisfied."""
    region = world.ganpu_grid if town == "ganpu" else world.wuyuan_grid
    dispatcher = world.ganpu_dispatcher if town == "ganpu" else world.wuyuan_dispatcher
    handler = world.ganpu_officer if town == "ganpu" else world.wuyuan_officer
    with at(_on(month, 2)):
        event = report(world, region=region, by=world.grid_worker)
        event = walk(world, event, EventState.DISPATCHED, dispatcher=dispatcher, handler=handler)
    with at(_on(month, 3)):
        event = walk(world, event, EventState.RATED, dispatcher=dispatcher, handler=handler)
    return event


def left_overdue(world, month: dt.date):
    """武原: dispatched on the 2nd, accepted, never fed back (due within the month)."""
    with at(_on(month, 2)):
        event = report(world)
        event = walk(world, event, EventState.HANDLING)
    return event


def returned_twice(world, month: dt.date):
    """武原's squad returns the same event on the 10th and again on the 11th."""
    with at(_on(month, 10)):
        event = report(world)
        event = walk(world, event, EventState.DISPATCHED)
        event = services.return_event(event, by=world.wuyuan_officer, reason="不属于本队职责")
    with at(_on(month, 11)):
        event.refresh_from_db()
        event = services.dispatch_event(event, by=world.wuyuan_dispatcher)
        event.refresh_from_db()
        event = services.return_event(event, by=world.wuyuan_officer, reason="仍不属于本队职责")
    return event


def bad_and_good_month(world, month: dt.date) -> dict:
    return {
        "good": done_on_time(world, month),
        "overdue": left_overdue(world, month),
        "wuyuan_done": done_on_time(world, month, town="wuyuan"),
        "returned": returned_twice(world, month),
    }
