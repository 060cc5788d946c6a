"""From an event action's input to the one service call of that action.

The web forms (``forms.py``) and the API's request serializers (``api/requests.py``) only
check the *shape* of the input and hand over the same keys; the pages and the API then call
:data:`EVENT_ACTIONS` / :data:`SUBTASK_ACTIONS` (``perform(name, target, by=…, data=…)``),
so each action is wired to its service once and both refuse the same input the same way.
What an input names (the event a merge goes into) is looked up here, once.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.actions import Actions, with_reason, without_input
from civicloop.core.errors import InvalidInput

from . import services
from .choices import Source
from .models import Event

EVENT_ACTIONS = Actions("event")
SUBTASK_ACTIONS = Actions("sub-task")


def find_event(value, *, by, field: str) -> Event:
    """The event a person names, by its number (E…, what people see) or, for programs, its
    id — only among the events ``by`` may see, so nobody learns of the others."""
    value = str(value or "").strip().upper()
    visible = Event.objects.visible_to(by)
    event = visible.filter(number=value).first() if value else None
    if event is None and value.isdigit():
        event = visible.filter(pk=int(value)).first()
    if event is None:
        raise InvalidInput(_("No event with this number or id is visible to you."), field=field)
    return event


def subtask_specs(rows) -> list[services.SubtaskSpec]:
    """The rows of a coordination order; rows without a unit (empty form rows) are skipped."""
    return [
        services.SubtaskSpec(
            unit=row["unit"], instruction=row.get("instruction") or "", due_at=row.get("due_at")
        )
        for row in rows or ()
        if row.get("unit")
    ]


def location(data: dict) -> services.Location:
    """Where an event happened. Pages send GPS positions from the phone (WGS-84)."""
    return services.Location(
        region=data.get("region"),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        datum=data.get("datum") or "wgs84",
        address=data.get("address") or "",
    )


def record_event(*, by, data: dict, source: str | None = None) -> Event:
    """民情收集单 from staff (``source`` from the input) or a public report (``source`` given)."""
    return services.create_event(
        by=by,
        source=source or data["source"],
        description=data["description"],
        location=location(data),
        title=data.get("title") or "",
        category=data.get("category"),
        occurred_at=data.get("occurred_at"),
        reporter_name=data.get("reporter_name") or "",
        reporter_phone=data.get("reporter_phone") or "",
        reporter_id_number=data.get("reporter_id_number") or "",
        reporter_address=data.get("reporter_address") or "",
        is_anonymous=data.get("is_anonymous", False),
        attachments=data.get("attachments") or (),
    )


def report_publicly(data: dict) -> Event:
    """A report by a member of the public, without an account."""
    return record_event(by=None, data=data, source=Source.PUBLIC_PORTAL)


# --- the event workflow ------------------------------------------------------------------


@EVENT_ACTIONS.register("judge")
def _judge(event, by, data):
    return services.judge_event(
        event,
        by=by,
        urgency=data["urgency"],
        span=data["span"],
        reason=data.get("reason", ""),
        category=data.get("category"),
        matter=data.get("matter"),
    )


@EVENT_ACTIONS.register("judge_and_dispatch")
def _judge_and_dispatch(event, by, data):
    return services.judge_and_dispatch_event(
        event,
        by=by,
        urgency=data["urgency"],
        span=data["span"],
        reason=data.get("reason", ""),
        category=data.get("category"),
        matter=data.get("matter"),
        to_unit=data.get("unit"),
        dispatch_reason=data.get("dispatch_reason", ""),
        instruction=data.get("instruction", ""),
    )


@EVENT_ACTIONS.register("dispatch")
def _dispatch(event, by, data):
    # Always a list: a coordination order without rows is refused by the service (after it
    # has checked who may dispatch), never quietly replaced by the suggested units.
    return services.dispatch_event(
        event,
        by=by,
        to_unit=data.get("unit"),
        reason=data.get("reason", ""),
        instruction=data.get("instruction", ""),
        subtasks=subtask_specs(data.get("subtasks")),
    )


@EVENT_ACTIONS.register("redispatch")
def _redispatch(event, by, data):
    return services.redispatch_event(
        event,
        by=by,
        to_unit=data["unit"],
        reason=data.get("reason", ""),
        instruction=data.get("instruction", ""),
    )


@EVENT_ACTIONS.register("add_subtask")
def _add_subtask(event, by, data):
    return services.add_subtask(
        event,
        by=by,
        unit=data["unit"],
        instruction=data.get("instruction", ""),
        due_at=data.get("due_at"),
    )


@EVENT_ACTIONS.register("submit_feedback")
def _submit_feedback(event, by, data):
    return services.submit_feedback(
        event,
        by=by,
        outcome=data["outcome"],
        measures=data["measures"],
        attachments=data.get("attachments") or (),
    )


@EVENT_ACTIONS.register("check")
def _check(event, by, data):
    return services.check_event(
        event,
        by=by,
        passed=data["passed"],
        notes=data.get("notes", ""),
        reopen_subtasks=data.get("reopen_subtasks") or None,
    )


@EVENT_ACTIONS.register("rate")
def _rate(event, by, data):
    return services.rate_event(event, by=by, rating=data["rating"], comment=data.get("comment", ""))


@EVENT_ACTIONS.register("merge")
def _merge(event, by, data):
    original = find_event(data.get("into"), by=by, field="into")
    return services.merge_event(event, into=original, by=by, reason=data.get("reason", ""))


EVENT_ACTIONS.add("accept", without_input(services.accept_event))
EVENT_ACTIONS.add("start", without_input(services.start_handling))
# Both at once (签收并处置), offered wherever "accept" is: two transitions, two history rows.
EVENT_ACTIONS.add("accept_and_start", without_input(services.accept_and_start))
for _name, _service in {
    "return": services.return_event,
    "rework": services.rework_event,
    "close": services.close_event,
    "park": services.park_event,
    "resume": services.resume_event,
    "void": services.void_event,
    "escalate": services.escalate_event,
}.items():
    EVENT_ACTIONS.add(_name, with_reason(_service))


# --- sub-tasks of a coordination order ---------------------------------------------------


@SUBTASK_ACTIONS.register("complete_subtask")
def _complete_subtask(assignment, by, data):
    return services.complete_subtask(
        assignment,
        by=by,
        outcome=data["outcome"],
        measures=data["measures"],
        attachments=data.get("attachments") or (),
    )


SUBTASK_ACTIONS.add("accept_subtask", without_input(services.accept_subtask))
SUBTASK_ACTIONS.add("return_subtask", with_reason(services.return_subtask))
SUBTASK_ACTIONS.add("cancel_subtask", with_reason(services.cancel_subtask))
