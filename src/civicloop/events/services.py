"""Every write to an event goes through a function here.

Each function: locks the event row, checks the state and the actor's capacity
against the workflow table, changes what it must, appends one history row per
move, and schedules notifications for after the commit. Web views, the API and
the command line call these and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civicloop.core import uploads
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.identifiers import is_valid_id_number, is_valid_phone
from civicloop.core.inputs import clean_text as _clean_text
from civicloop.core.models import next_counter_value
from civicloop.core.reference_cache import remembered
from civicloop.core.text import headline
from civicloop.core.transitions import ModelWorkflow, lock
from civicloop.matters.models import Category
from civicloop.notifications.services import notify_units, notify_users, text_person
from civicloop.org.choices import CODE_PREFIX_LENGTH, RegionLevel, Role, UnitKind
from civicloop.org.geo import as_decimal, wgs84_to_gcj02
from civicloop.org.models import Region, Unit, User
from civicloop.org.services import resolve_location
from civicloop.privacy.services import record_personal_data_access

from .choices import (
    PUBLIC_SOURCES,
    RATING_REFUSAL,
    AssignmentKind,
    AssignmentState,
    AttachmentStage,
    DeadlineStage,
    EventState,
    Outcome,
    Rating,
    RatingChannel,
    Source,
    Span,
    Urgency,
)
from .deadlines import deadline
from .links import tracking_address
from .models import Assignment, Attachment, Check, Event, EventHistory, EventRating, Feedback
from .permissions import assignment_capacities, capacities, may_see_contact
from .routing import county_unit, event_date, route
from .workflow import ASSIGNMENT_WORKFLOW, EVENT_WORKFLOW

S = EventState
A = AssignmentState
SYSTEM = frozenset({"system"})

MAX_TITLE = 120
MAX_DESCRIPTION = 5000


# --- helpers -----------------------------------------------------------------


EVENT_FLOW = ModelWorkflow(
    Event,
    history=EventHistory,
    machine=EVENT_WORKFLOW,
    capacities=capacities,
    related=("region", "category"),
)


def _move(
    event: Event,
    action: str,
    to_state: str,
    *,
    by: User | None,
    reason: str = "",
    details: dict | None = None,
    deadline_at: dt.datetime | None | bool = False,
) -> EventHistory:
    """``EVENT_FLOW.move`` that also sets the deadline (unless ``False``) and, on closing,
    the closing time."""
    fields = []
    if deadline_at is not False:
        event.deadline_at = deadline_at
        fields.append("deadline_at")
    if to_state == S.CLOSED:
        event.closed_at = timezone.now()
        fields.append("closed_at")
    return EVENT_FLOW.move(
        event, action, to_state, by=by, reason=reason, details=details, fields=fields
    )


def _link(event: Event) -> str:
    return reverse("events:detail", args=[event.pk])


def _command_room(event: Event) -> Unit | None:
    town = event.region.town
    if town is None:
        return None
    return remembered(
        ("events.command_room", town.pk),
        lambda: Unit.objects.active().filter(kind=UnitKind.COMMAND_ROOM, region=town).first(),
    )


def _dispatching_units(event: Event) -> list[Unit]:
    """Who watches this event's dispatch: the town command room, and for
    multi-span events the county centre."""
    units = [u for u in [_command_room(event)] if u]
    if event.span == Span.MULTI or not units:
        centre = county_unit(UnitKind.COUNTY_CENTRE)
        if centre:
            units.append(centre)
    return units


def _attach(
    event: Event,
    checked: Sequence[uploads.CheckedUpload],
    *,
    stage: str,
    by: User | None,
    feedback: Feedback | None = None,
) -> list[Attachment]:
    rows = []
    for upload in checked:
        rows.append(
            Attachment.objects.create(
                event=event,
                feedback=feedback,
                stage=stage,
                file=upload.storage_name,
                original_name=upload.name,
                content_type=upload.content_type,
                size=len(upload.data),
                sha256=upload.sha256,
                uploaded_by=by,
            )
        )
    return rows


def _prepare_uploads(files) -> list[uploads.CheckedUpload]:
    checked = uploads.check_uploads(files)
    for upload in checked:  # written before the transaction; see core/uploads.py
        uploads.store(upload)
    return checked


def event_number_key(at: dt.datetime) -> str:
    """The counter of the event numbers of ``at``'s local day (one series per day)."""
    return "event:" + timezone.localtime(at).strftime("%Y%m%d")


def event_number(key: str, value: int) -> str:
    """``E`` + the day + the value of the day's counter, e.g. E2026030100042."""
    return f"E{key.removeprefix('event:')}{value:05d}"


def new_event_number(at: dt.datetime) -> str:
    key = event_number_key(at)
    return event_number(key, next_counter_value(key))


# --- intake ------------------------------------------------------------------


@dataclass
class Location:
    region: Region | None = None
    latitude: float | None = None
    longitude: float | None = None
    # "wgs84" for phone GPS and Open311; "gcj02" for points picked on our map.
    datum: str = "gcj02"
    address: str = ""


def create_event(
    *,
    by: User | None,
    source: str,
    description: str,
    location: Location,
    title: str = "",
    category: Category | None = None,
    occurred_at: dt.datetime | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_id_number: str = "",
    reporter_address: str = "",
    is_anonymous: bool = False,
    attachments=(),
    number: str | None = None,
) -> Event:
    """Record a new event (民情收集单). ``by`` is None only for public sources.

    ``number`` is for batches only: a number the batch reserved beforehand
    (``core.models.reserve_counter_values`` with ``event_number_key``/``event_number``), so
    that its long transaction never holds the day's counter. Without it the next number
    is drawn from the counter, whose row lock is held to the end of this (short)
    transaction."""
    if source not in Source.values:
        raise InvalidInput(_("Unknown source."), field="source")
    if by is None and source not in PUBLIC_SOURCES:
        raise NotPermitted(
            _("Only the public portal and Open311 clients may report without signing in.")
        )
    if by is not None and not by.is_active:
        raise NotPermitted(_("This account is disabled."))
    description = _clean_text(
        description, field="description", max_length=MAX_DESCRIPTION, required=True
    )
    title = _clean_text(title, field="title", max_length=MAX_TITLE, required=False)
    if not title:
        title = headline(description)
    reporter_name = _clean_text(reporter_name, field="reporter_name", max_length=60, required=False)
    reporter_phone = (reporter_phone or "").strip().replace(" ", "")
    if reporter_phone and not is_valid_phone(reporter_phone):
        raise InvalidInput(
            _("“%(v)s” is not a valid phone number.") % {"v": reporter_phone},
            field="reporter_phone",
        )
    reporter_id_number = (reporter_id_number or "").strip().upper()
    if reporter_id_number and not is_valid_id_number(reporter_id_number):
        raise InvalidInput(
            _("The ID number is not valid (18 characters, check digit)."),
            field="reporter_id_number",
        )
    reporter_address = _clean_text(
        reporter_address, field="reporter_address", max_length=200, required=False
    )
    address = _clean_text(location.address, field="address", max_length=200, required=False)
    now = timezone.now()
    if occurred_at is not None:
        if timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        if occurred_at > now + dt.timedelta(minutes=5):
            raise InvalidInput(
                _("The time it happened cannot be in the future."), field="occurred_at"
            )
    if category is not None and not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), field="category")
    lat, lng = location.latitude, location.longitude
    if lat is not None and lng is not None and location.datum == "wgs84":
        lng, lat = wgs84_to_gcj02(float(lng), float(lat))
    if location.region is not None and location.region.level == RegionLevel.COUNTY:
        raise InvalidInput(
            _("Choose a town, village or grid, not the whole county."), field="region"
        )
    region = resolve_location(region=location.region, latitude=lat, longitude=lng, address=address)
    checked = _prepare_uploads(attachments)

    with transaction.atomic():
        event = Event.objects.create(
            number=number or new_event_number(now),
            source=source,
            title=title,
            description=description,
            category=category,
            region=region,
            address=address,
            latitude=as_decimal(lat) if lat is not None else None,
            longitude=as_decimal(lng) if lng is not None else None,
            occurred_at=occurred_at,
            reported_at=now,
            reported_by=by,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            reporter_id_number=reporter_id_number,
            reporter_address=reporter_address,
            is_anonymous=is_anonymous,
            deadline_at=deadline(DeadlineStage.JUDGE, now),
        )
        _attach(event, checked, stage=AttachmentStage.INTAKE, by=by)
        EVENT_FLOW.record(
            event,
            "collect",
            by=by,
            from_state="",
            to_state=S.COLLECTED,
            details={"source": source, "attachments": len(checked)},
            # One moment for the intake: the history says when it was reported.
            at=now,
        )
        notify_units(
            _dispatching_units(event),
            verb="new_event",
            message=_("New event %(number)s: %(title)s"),
            params={"number": event.number, "title": title},
            link=_link(event),
        )
    return event


# --- judgement and dispatch ----------------------------------------------------


@transaction.atomic
def judge_event(
    event: Event,
    *,
    by: User,
    urgency: str,
    span: str,
    reason: str,
    category: Category | None = None,
    matter=None,
) -> Event:
    """研判: grade urgency and span, confirm the category, with a reason.

    ``matter`` (optional) names the enforcement matter (执法事项); its category then
    becomes the event's category, and routing asks whether the town holds that
    matter on the event's date. A new category that the current matter does not
    belong to clears the matter.
    """
    event = EVENT_FLOW.lock(event)
    transition, reason = EVENT_FLOW.check(event, "judge", by, reason=reason)
    if urgency not in Urgency.values:
        raise InvalidInput(_("Choose urgent or general."), field="urgency")
    if span not in Span.values:
        raise InvalidInput(_("Choose single unit or multi-span."), field="span")
    if category is not None and not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), field="category")
    if matter is not None and not matter.is_active:
        raise InvalidInput(_("This matter is no longer in use."), field="matter")
    before = {
        "urgency": event.urgency,
        "span": event.span,
        "category": event.category.code if event.category else None,
        "matter": event.matter.code if event.matter_id else None,
    }
    event.urgency, event.span, event.grading_reason = urgency, span, reason
    if matter is not None:
        event.matter = matter
        event.category = matter.category
    elif category is not None:
        event.category = category
        if event.matter_id and event.matter.category_id != category.pk:
            event.matter = None
    event.save(update_fields=["urgency", "span", "grading_reason", "category", "matter"])
    details = {
        "urgency": urgency,
        "span": span,
        "category": event.category.code if event.category else None,
        "before": before,
    }
    if event.matter_id:
        version = event.matter.current_version(on=event_date(event))
        details["matter"] = event.matter.code
        details["matter_version"] = version.pk if version else None
    _move(event, transition.name, S.JUDGED, by=by, reason=reason, details=details)
    if span == Span.MULTI:
        centre = county_unit(UnitKind.COUNTY_CENTRE)
        if centre:
            notify_units(
                [centre],
                verb="coordination_needed",
                message=_("Multi-span event %(number)s needs a coordination order"),
                params={"number": event.number},
                link=_link(event),
            )
    return event


@dataclass
class SubtaskSpec:
    unit: Unit
    instruction: str = ""
    due_at: dt.datetime | None = None


def _issue(
    event: Event,
    *,
    unit: Unit,
    kind: str,
    by: User | None,
    instruction: str = "",
    due_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Assignment:
    now = now or timezone.now()
    if not unit.is_active:
        raise InvalidInput(_("%(unit)s is not active.") % {"unit": unit}, field="unit")
    accept_due = deadline(DeadlineStage.ACCEPT, now, urgency=event.urgency, span=event.span)
    handle_due = due_at or deadline(
        DeadlineStage.HANDLE, now, urgency=event.urgency, span=event.span
    )
    if due_at is not None and due_at <= now:
        raise InvalidInput(_("A sub-task's deadline must be in the future."), field="due_at")
    return Assignment.objects.create(
        event=event,
        unit=unit,
        kind=kind,
        instruction=instruction,
        issued_at=now,
        issued_by=by,
        accept_due_at=accept_due if kind != AssignmentKind.ASSIST else None,
        due_at=handle_due,
    )


def _serves_the_town_of(unit: Unit, event: Event) -> bool:
    """Whether ``unit`` is a county-level unit or one of the event's own town."""
    if event.region_id is None or unit.region.level == RegionLevel.COUNTY:
        return True
    town = CODE_PREFIX_LENGTH[RegionLevel.TOWN]
    return unit.region.code[:town] == event.region.code[:town]


@transaction.atomic
def judge_and_dispatch_event(
    event: Event,
    *,
    by: User,
    urgency: str,
    span: str,
    reason: str,
    category: Category | None = None,
    matter=None,
    to_unit: Unit | None = None,
    dispatch_reason: str = "",
    instruction: str = "",
) -> Event:
    """研判并派遣 in one step: :func:`judge_event`, then :func:`dispatch_event` — two
    transitions, two history rows, one transaction (a refused dispatch leaves the event
    unjudged). A multi-span event judged by a town's command room is only judged: the county
    centre dispatches it as a coordination order (and is told by the judgement)."""
    event = judge_event(
        event, by=by, urgency=urgency, span=span, reason=reason, category=category, matter=matter
    )
    if event.span == Span.MULTI and "county_centre" not in capacities(by, event):
        if to_unit is not None:
            raise InvalidInput(
                _("Multi-span events are dispatched by the county centre; leave the unit empty."),
                field="to_unit",
            )
        return event
    try:
        return dispatch_event(
            event, by=by, to_unit=to_unit, reason=dispatch_reason, instruction=instruction
        )
    except InvalidInput as exc:
        if exc.field == "reason":  # the dispatch's reason, not the grading's
            raise InvalidInput(exc.message, field="dispatch_reason") from exc
        raise


@transaction.atomic
def dispatch_event(
    event: Event,
    *,
    by: User,
    to_unit: Unit | None = None,
    reason: str = "",
    instruction: str = "",
    subtasks: Sequence[SubtaskSpec] | None = None,
) -> Event:
    """派遣 by the routing rules. A dispatcher may pick another unit, with a reason.

    Multi-span events are dispatched only by the county centre, as a coordination
    order (协同处置指令) of at least two sub-tasks, each with its own deadline; without
    ``subtasks`` the routing rules choose the units.
    """
    event = EVENT_FLOW.lock(event)
    caps = capacities(by, event)
    transition, reason = EVENT_FLOW.check(event, "dispatch", by, caps=caps, reason=reason)
    suggested = route(event)
    now = timezone.now()
    if event.span == Span.MULTI:
        if "county_centre" not in caps:
            raise NotPermitted(
                _("Multi-span events are dispatched by the county centre as a coordination order.")
            )
        # No list at all (a program, the demo): the routing rules' units. An empty list is a
        # person who chose no unit: refused, never quietly replaced by the suggestion.
        if subtasks is None:
            specs = [SubtaskSpec(unit=u) for u in suggested.subtasks]
        elif not (specs := list(subtasks)):
            raise InvalidInput(_("Choose the units of the coordination order."), field="subtasks")
        units = [s.unit.pk for s in specs]
        if len(set(units)) != len(units):
            raise InvalidInput(_("Each unit may receive only one sub-task."), field="subtasks")
        if len(specs) < 2:
            raise InvalidInput(
                _("A coordination order needs sub-tasks for at least two units."), field="subtasks"
            )
        issued = [
            _issue(
                event,
                unit=s.unit,
                kind=AssignmentKind.SUBTASK,
                by=by,
                instruction=s.instruction,
                due_at=s.due_at,
                now=now,
            )
            for s in specs
        ]
        _move(
            event,
            transition.name,
            S.DISPATCHED,
            by=by,
            reason=reason,
            deadline_at=min(a.accept_due_at for a in issued if a.accept_due_at) if issued else None,
            details={
                "coordination_order": True,
                "subtasks": [
                    {
                        "assignment": a.pk,
                        "unit": a.unit.code,
                        "due_at": a.due_at.isoformat() if a.due_at else None,
                    }
                    for a in issued
                ],
            },
        )
        notify_units(
            [a.unit for a in issued],
            verb="subtask_issued",
            message=_("Coordination sub-task for %(number)s: %(title)s"),
            params={"number": event.number, "title": event.title},
            link=_link(event),
        )
        return event

    lead_unit = to_unit or suggested.lead
    if lead_unit is None:
        raise InvalidInput(_("No unit found for this event; choose one."), field="unit")
    overridden = suggested.lead is not None and lead_unit.pk != suggested.lead.pk
    if overridden and not reason:
        raise InvalidInput(
            _("Give a reason for sending it somewhere other than the suggested unit."),
            field="reason",
        )
    if overridden and "county_centre" not in caps and not _serves_the_town_of(lead_unit, event):
        # Another town's units answer to that town: the county centre sends work across towns
        # (or the routing rules do, which the override is not).
        raise NotPermitted(
            _(
                "%(unit)s serves another town. Only the county centre sends an event to another "
                "town's units; ask it to, or choose a unit of this town or of the county."
            )
            % {"unit": lead_unit.name}
        )
    lead = _issue(
        event, unit=lead_unit, kind=AssignmentKind.LEAD, by=by, instruction=instruction, now=now
    )
    assists = [
        _issue(event, unit=u, kind=AssignmentKind.ASSIST, by=by, now=now)
        for u in suggested.assist
        if u.pk != lead_unit.pk
    ]
    _move(
        event,
        transition.name,
        S.DISPATCHED,
        by=by,
        reason=reason,
        deadline_at=lead.accept_due_at,
        details={
            "unit": lead_unit.code,
            "assignment": lead.pk,
            "assist": [a.unit.code for a in assists],
            "suggested": suggested.lead.code if suggested.lead else None,
            "overridden": overridden,
            "rule": suggested.explanation,
        },
    )
    notify_units(
        [lead_unit],
        verb="dispatched",
        message=_("Dispatched to you: %(number)s %(title)s"),
        params={"number": event.number, "title": event.title},
        link=_link(event),
    )
    if assists:
        notify_units(
            [a.unit for a in assists],
            verb="assist",
            message=_("Assist the emergency team on %(number)s"),
            params={"number": event.number},
            link=_link(event),
        )
    return event


# --- the handling unit ---------------------------------------------------------


def _lead(event: Event) -> Assignment:
    lead = event.lead_assignment()
    if lead is None:
        raise InvalidInput(
            _("This event has no lead unit; multi-span events are handled through their sub-tasks.")
        )
    return lead


@transaction.atomic
def accept_event(event: Event, *, by: User) -> Event:
    """签收 by the lead unit."""
    event = EVENT_FLOW.lock(event)
    transition, _r = EVENT_FLOW.check(event, "accept", by)
    lead = _lead(event)
    now = timezone.now()
    lead.state, lead.accepted_at, lead.accepted_by = A.ACCEPTED, now, by
    lead.save(update_fields=["state", "accepted_at", "accepted_by"])
    _move(
        event,
        transition.name,
        S.ACCEPTED,
        by=by,
        deadline_at=lead.due_at,
        details={"assignment": lead.pk, "unit": lead.unit.code},
    )
    return event


@transaction.atomic
def start_handling(event: Event, *, by: User) -> Event:
    event = EVENT_FLOW.lock(event)
    transition, _r = EVENT_FLOW.check(event, "start", by)
    _move(event, transition.name, S.HANDLING, by=by)
    return event


@transaction.atomic
def accept_and_start(event: Event, *, by: User) -> Event:
    """签收并处置: the lead unit accepts and starts handling in one step (on the phone, at
    the place). Both moves are checked and recorded as they are when done one by one, so
    the history shows "accept" and then "start" and each deadline rule sees its own step."""
    event = accept_event(event, by=by)
    return start_handling(event, by=by)


@transaction.atomic
def return_event(event: Event, *, by: User, reason: str) -> Event:
    """回退: the lead unit sends the event back to the dispatcher with a reason."""
    event = EVENT_FLOW.lock(event)
    transition, reason = EVENT_FLOW.check(event, "return", by, reason=reason)
    lead = _lead(event)
    lead.state, lead.return_reason = A.RETURNED, reason
    lead.save(update_fields=["state", "return_reason"])
    event.assignments.filter(kind=AssignmentKind.ASSIST).open().update(state=A.CANCELLED)
    _move(
        event,
        transition.name,
        S.JUDGED,
        by=by,
        reason=reason,
        deadline_at=deadline(DeadlineStage.JUDGE, timezone.now()),
        details={"assignment": lead.pk, "unit": lead.unit.code},
    )
    notify_units(
        _dispatching_units(event),
        verb="returned",
        message=_("%(unit)s returned %(number)s: %(reason)s"),
        params={"unit": lead.unit, "number": event.number, "reason": reason},
        link=_link(event),
    )
    return event


@transaction.atomic
def redispatch_event(
    event: Event, *, by: User, to_unit: Unit, reason: str, instruction: str = ""
) -> Event:
    """改派: take the event from its current unit and give it to another."""
    event = EVENT_FLOW.lock(event)
    transition, reason = EVENT_FLOW.check(event, "redispatch", by, reason=reason)
    if event.span == Span.MULTI:
        raise InvalidInput(_("Change a coordination order through its sub-tasks."))
    old = _lead(event)
    if old.unit_id == to_unit.pk:
        raise InvalidInput(
            _("The event is already with %(unit)s.") % {"unit": to_unit}, field="unit"
        )
    old.state = A.CANCELLED
    old.save(update_fields=["state"])
    lead = _issue(event, unit=to_unit, kind=AssignmentKind.LEAD, by=by, instruction=instruction)
    _move(
        event,
        transition.name,
        S.DISPATCHED,
        by=by,
        reason=reason,
        deadline_at=lead.accept_due_at,
        details={"from_unit": old.unit.code, "unit": to_unit.code, "assignment": lead.pk},
    )
    notify_units(
        [to_unit],
        verb="dispatched",
        message=_("Dispatched to you: %(number)s %(title)s"),
        params={"number": event.number, "title": event.title},
        link=_link(event),
    )
    return event


def _new_feedback(
    event: Event, assignment: Assignment, *, by: User, outcome: str, measures: str, checked
) -> Feedback:
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose the outcome."), field="outcome")
    measures = _clean_text(measures, field="measures", max_length=MAX_DESCRIPTION, required=True)
    feedback = Feedback.objects.create(
        event=event, assignment=assignment, outcome=outcome, measures=measures, submitted_by=by
    )
    _attach(event, checked, stage=AttachmentStage.FEEDBACK, by=by, feedback=feedback)
    return feedback


def submit_feedback(
    event: Event, *, by: User, outcome: str, measures: str, attachments=()
) -> Event:
    """处置反馈单: what was done, with photos."""
    checked = _prepare_uploads(attachments)
    with transaction.atomic():
        event = EVENT_FLOW.lock(event)
        transition, _r = EVENT_FLOW.check(event, "submit_feedback", by)
        lead = _lead(event)
        feedback = _new_feedback(
            event, lead, by=by, outcome=outcome, measures=measures, checked=checked
        )
        now = timezone.now()
        lead.state, lead.done_at = A.DONE, now
        lead.save(update_fields=["state", "done_at"])
        event.assignments.filter(kind=AssignmentKind.ASSIST).open().update(
            state=A.DONE, done_at=now
        )
        _move(
            event,
            transition.name,
            S.FEEDBACK_SUBMITTED,
            by=by,
            deadline_at=deadline(DeadlineStage.CHECK, now),
            details={"feedback": feedback.pk, "outcome": outcome, "attachments": len(checked)},
        )
        notify_units(
            _dispatching_units(event),
            verb="feedback",
            message=_("Feedback on %(number)s is ready to check"),
            params={"number": event.number},
            link=_link(event),
        )
    return event


# --- check, rating, rework, close ------------------------------------------------


def _reopen_work(
    event: Event, *, by: User | None, reason: str, only: Iterable[int] | None = None
) -> None:
    """Send the work back to the unit(s) for rework, with a fresh handling deadline."""
    now = timezone.now()
    due = deadline(DeadlineStage.HANDLE, now, urgency=event.urgency, span=event.span)
    if event.span == Span.MULTI:
        subtasks = event.live_subtasks().filter(state=A.DONE)
        if only is not None:
            subtasks = subtasks.filter(pk__in=list(only))
        for sub in subtasks:
            ASSIGNMENT_WORKFLOW.check("reopen_subtask", state=sub.state, capacities=SYSTEM)
            sub.state, sub.done_at, sub.due_at = A.ACCEPTED, None, due
            sub.save(update_fields=["state", "done_at", "due_at"])
            EVENT_FLOW.record(
                event,
                "reopen_subtask",
                by=by,
                from_state=A.DONE,
                to_state=A.ACCEPTED,
                reason=reason,
                details={"assignment": sub.pk, "unit": sub.unit.code},
            )
        units = [s.unit for s in subtasks]
    else:
        lead = _lead(event)
        lead.state, lead.done_at, lead.due_at = A.ACCEPTED, None, due
        lead.save(update_fields=["state", "done_at", "due_at"])
        units = [lead.unit]
    event.deadline_at = due
    notify_units(
        units,
        verb="rework",
        message=_("Rework needed on %(number)s: %(reason)s"),
        params={"number": event.number, "reason": reason},
        link=_link(event),
    )


@transaction.atomic
def check_event(
    event: Event,
    *,
    by: User,
    passed: bool,
    notes: str = "",
    reopen_subtasks: Iterable[int] | None = None,
) -> Event:
    """核查: an independent check of the handling. Failing sends it back for rework (返工)."""
    event = EVENT_FLOW.lock(event)
    transition, _r = EVENT_FLOW.check(event, "check", by)
    notes = (notes or "").strip()
    if not passed and not notes:
        raise InvalidInput(_("Say what is not done when the check fails."), field="notes")
    check = Check.objects.create(event=event, passed=passed, notes=notes, checked_by=by)
    if passed:
        _move(
            event,
            transition.name,
            S.CHECKED,
            by=by,
            reason=notes,
            deadline_at=None,
            details={"check": check.pk, "passed": True},
        )
        collectors = (
            Unit.objects.active()
            .serving(event.region)
            .filter(kind__in=[UnitKind.VILLAGE_STATION, UnitKind.GRID_TEAM])
        )
        notify_units(
            collectors,
            verb="rate",
            message=_("Collect the satisfaction rating for %(number)s"),
            params={"number": event.number},
            link=_link(event),
        )
        if event.reported_by_id:
            notify_users(
                [event.reported_by],
                verb="rate",
                message=_("Your event %(number)s is done: please rate it"),
                params={"number": event.number},
                link=_link(event),
            )
        tell_reporters_done(event)
    else:
        _reopen_work(event, by=by, reason=notes, only=reopen_subtasks)
        _move(
            event,
            transition.name,
            S.HANDLING,
            by=by,
            reason=notes,
            deadline_at=event.deadline_at,
            details={"check": check.pk, "passed": False, "rework": True},
        )
    return event


def tell_reporters_done(event: Event) -> list:
    """短信 to the reporter (and to the reporters of duplicates merged into it) who left a
    phone number: the problem is handled, see what was done and rate it — sent after commit,
    tried again until sent (notifications/sms.py)."""
    reporters = [event, *Event.objects.filter(merged_into=event)]
    sent = []
    for reported in reporters:
        if not reported.reporter_phone:
            continue
        sent.append(
            text_person(
                reported.reporter_phone,
                verb="event_done",
                message=_(
                    "The problem you reported (%(number)s) has been handled. See what was done "
                    "and rate it: %(link)s"
                ),
                params={
                    "number": reported.number,
                    "link": tracking_address(reported.tracking_code),
                },
                reference=reported.number,
            )
        )
    return sent


def _dissatisfied_reworks(event: Event) -> int:
    return event.history.filter(action="rate", to_state=S.HANDLING).count()


@transaction.atomic
def rate_event(
    event: Event,
    *,
    rating: str,
    comment: str = "",
    by: User | None = None,
    tracking_code: str | None = None,
) -> Event:
    """满意度评价. The reporter rates on the public page (identified by the tracking
    code), or grid/station staff collect the form. "Dissatisfied" reopens the event
    for rework until the configured limit; after that the command room decides."""
    event = EVENT_FLOW.lock(event)
    if by is None:
        if not tracking_code or tracking_code != event.tracking_code:
            raise NotPermitted(_("The tracking code does not match this event."))
        caps, channel = frozenset({"reporter"}), RatingChannel.PUBLIC
    else:
        caps, channel = capacities(by, event), RatingChannel.STAFF
    transition, _r = EVENT_FLOW.check(event, "rate", by, caps=caps)
    if rating not in Rating.values:
        raise InvalidInput(RATING_REFUSAL, field="rating")
    comment = _clean_text(
        comment, field="comment", max_length=1000, required=rating == Rating.DISSATISFIED
    )
    row = EventRating.objects.create(
        event=event, rating=rating, comment=comment, channel=channel, rated_by=by
    )
    details = {"rating": rating, "channel": channel, "rating_id": row.pk}
    reopen = (
        rating == Rating.DISSATISFIED
        and _dissatisfied_reworks(event) < settings.CIVICLOOP_MAX_DISSATISFIED_REWORKS
    )
    if reopen:
        _reopen_work(event, by=by, reason=comment)
        _move(
            event,
            transition.name,
            S.HANDLING,
            by=by,
            reason=comment,
            deadline_at=event.deadline_at,
            details={**details, "rework": True},
        )
    else:
        _move(
            event,
            transition.name,
            S.RATED,
            by=by,
            reason=comment,
            deadline_at=None,
            details=details,
        )
        notify_units(
            _dispatching_units(event),
            verb="rated",
            message=_("%(number)s was rated: %(rating)s"),
            params={"number": event.number, "rating": Rating(rating).label},
            link=_link(event),
        )
    return event


@transaction.atomic
def rework_event(event: Event, *, by: User, reason: str) -> Event:
    """Send a rated event back for rework (e.g. after a dissatisfied rating past the limit)."""
    event = EVENT_FLOW.lock(event)
    transition, reason = EVENT_FLOW.check(event, "rework", by, reason=reason)
    _reopen_work(event, by=by, reason=reason)
    _move(
        event,
        transition.name,
        S.HANDLING,
        by=by,
        reason=reason,
        deadline_at=event.deadline_at,
        details={"rework": True},
    )
    return event


def _close_duplicates(event: Event) -> None:
    for dup in Event.objects.select_for_update().filter(merged_into=event, state=S.MERGED):
        EVENT_WORKFLOW.check("close_with_original", state=dup.state, capacities=SYSTEM)
        _move(
            dup,
            "close_with_original",
            S.CLOSED,
            by=None,
            deadline_at=None,
            details={"original": event.number},
        )


@transaction.atomic
def close_event(event: Event, *, by: User, reason: str = "") -> Event:
    """办结. Every sub-task of a coordination order must be done; closing without a
    rating, or over a dissatisfied one, needs a stated reason."""
    event = EVENT_FLOW.lock(event)
    transition, reason = EVENT_FLOW.check(event, "close", by, reason=reason)
    latest = event.latest_rating()
    if event.state == S.CHECKED or (latest and latest.rating == Rating.DISSATISFIED):
        if not reason:
            raise InvalidInput(
                _("Say why the event closes without a satisfied rating."), field="reason"
            )
    if event.span == Span.MULTI:
        unfinished = event.live_subtasks().exclude(state=A.DONE)
        if not event.live_subtasks().exists() or unfinished.exists():
            raise InvalidInput(
                _("Every sub-task of the coordination order must be done before closing.")
            )
    _move(
        event,
        transition.name,
        S.CLOSED,
        by=by,
        reason=reason,
        deadline_at=None,
        details={"rating": latest.rating if latest else None},
    )
    _close_duplicates(event)
    return event


# --- void, merge, park ----------------------------------------------------------


@transaction.atomic
def void_event(event: Event, *, by: User, reason: str) -> Event:
    """作废: an invalid report (spam, test, not a matter for us), with the reason."""
    event = EVENT_FLOW.lock(event)
    transition, reason = EVENT_FLOW.check(event, "void", by, reason=reason)
    _move(event, transition.name, S.VOIDED, by=by, reason=reason, deadline_at=None)
    return event


@transaction.atomic
def merge_event(event: Event, *, into: Event, by: User, reason: str) -> Event:
    """Merge a duplicate report into its original. The duplicate stays visible,
    follows the original, and closes with it."""
    event = EVENT_FLOW.lock(event)
    transition, reason = EVENT_FLOW.check(event, "merge", by, reason=reason)
    original = Event.objects.select_related("merged_into").get(pk=into.pk)
    seen = {event.pk}
    while original.state == S.MERGED and original.merged_into_id:
        if original.pk in seen:
            break
        seen.add(original.pk)
        original = original.merged_into
    if original.pk == event.pk:
        raise InvalidInput(_("An event cannot be merged into itself."), field="into")
    if not Event.objects.visible_to(by).filter(pk=original.pk).exists():
        raise NotPermitted(_("You cannot see the event you want to merge into."))
    if not original.is_open:
        raise InvalidInput(
            _("The original %(number)s is already finished; it cannot take duplicates.")
            % {"number": original.number},
            field="into",
        )
    event.merged_into = original
    event.save(update_fields=["merged_into"])
    _move(
        event,
        transition.name,
        S.MERGED,
        by=by,
        reason=reason,
        deadline_at=None,
        details={"into": original.number, "into_id": original.pk},
    )
    EVENT_FLOW.record(
        original,
        "duplicate_merged",
        by=by,
        from_state=original.state,
        to_state=original.state,
        reason=reason,
        details={"duplicate": event.number, "duplicate_id": event.pk},
    )
    # Duplicates of the duplicate follow it to the original.
    for dup in Event.objects.select_for_update().filter(merged_into=event):
        dup.merged_into = original
        dup.save(update_fields=["merged_into"])
        EVENT_FLOW.record(
            dup,
            "merge_followed",
            by=by,
            from_state=dup.state,
            to_state=dup.state,
            details={"into": original.number, "via": event.number},
        )
    return event


@transaction.atomic
def park_event(event: Event, *, by: User, reason: str) -> Event:
    """挂账: cannot be solved now (e.g. awaits planning); kept open, off the clock."""
    event = EVENT_FLOW.lock(event)
    transition, reason = EVENT_FLOW.check(event, "park", by, reason=reason)
    _move(event, transition.name, S.PARKED, by=by, reason=reason, deadline_at=None)
    return event


@transaction.atomic
def resume_event(event: Event, *, by: User, reason: str = "") -> Event:
    event = EVENT_FLOW.lock(event)
    transition, reason = EVENT_FLOW.check(event, "resume", by, reason=reason)
    due = deadline(DeadlineStage.HANDLE, timezone.now(), urgency=event.urgency, span=event.span)
    _move(event, transition.name, S.HANDLING, by=by, reason=reason, deadline_at=due)
    return event


# --- escalation ----------------------------------------------------------------


@transaction.atomic
def escalate_event(
    event: Event,
    *,
    by: User | None,
    reason: str,
    automatic: bool = False,
    details: dict | None = None,
) -> Event:
    """督办: push an overdue or stalled event up. Level 1 alerts the town command
    room and the county centre; level 2 and above also the leaders."""
    event = EVENT_FLOW.lock(event)
    caps = SYSTEM if automatic else capacities(by, event)
    transition, reason = EVENT_FLOW.check(event, "escalate", by, caps=caps, reason=reason)
    event.escalation_level += 1
    fields = ["escalation_level"]
    if automatic:
        event.escalated_deadline_at = event.deadline_at
        fields.append("escalated_deadline_at")
    event.save(update_fields=fields)
    EVENT_FLOW.record(
        event,
        transition.name,
        by=by,
        from_state=event.state,
        to_state=event.state,
        reason=reason,
        details={"level": event.escalation_level, "automatic": automatic, **(details or {})},
    )
    units = _dispatching_units(event)
    centre = county_unit(UnitKind.COUNTY_CENTRE)
    if centre and centre not in units:
        units.append(centre)
    handling = Unit.objects.filter(pk__in=event.assignments.open().values("unit"))
    notify_units(
        [*units, *handling],
        verb="escalated",
        message=_("Escalated (level %(level)d): %(number)s — %(reason)s"),
        params={"level": event.escalation_level, "number": event.number, "reason": reason},
        link=_link(event),
    )
    if event.escalation_level >= 2:
        leaders = User.objects.filter(
            posts__role=Role.LEADER, posts__is_active=True, is_active=True
        )
        notify_users(
            leaders,
            verb="escalated",
            message=_("Escalated (level %(level)d): %(number)s — %(reason)s"),
            params={"level": event.escalation_level, "number": event.number, "reason": reason},
            link=_link(event),
        )
    return event


def escalate_overdue(*, at: dt.datetime | None = None) -> int:
    """Escalate every open event whose current deadline passed and was not yet
    escalated, and every overdue coordination sub-task. Returns how many."""
    at = at or timezone.now()
    count = 0
    overdue = (
        Event.objects.overdue(at)
        .exclude(state=S.PARKED)
        .only("pk", "deadline_at", "escalated_deadline_at")
    )
    for event in overdue:
        if event.escalated_deadline_at == event.deadline_at:
            continue
        with transaction.atomic():
            fresh = EVENT_FLOW.lock(event)
            if (
                fresh.deadline_at is None
                or fresh.deadline_at >= at
                or fresh.escalated_deadline_at == fresh.deadline_at
            ):
                continue
            with translation.override(settings.LANGUAGE_CODE):
                reason = str(_("Deadline passed (%(stage)s)") % {"stage": S(fresh.state).label})
            escalate_event(
                fresh,
                by=None,
                automatic=True,
                reason=reason,
                details={"deadline_at": fresh.deadline_at.isoformat()},
            )
            count += 1
    subtasks = Assignment.objects.open().filter(
        kind=AssignmentKind.SUBTASK, due_at__lt=at, escalated_at__isnull=True
    )
    for sub in subtasks.select_related("event", "unit"):
        with transaction.atomic():
            sub = Assignment.objects.select_for_update().get(pk=sub.pk)
            if sub.escalated_at is not None or sub.state not in (A.ISSUED, A.ACCEPTED):
                continue
            sub.escalated_at = at
            sub.save(update_fields=["escalated_at"])
            with translation.override(settings.LANGUAGE_CODE):
                reason = str(_("Sub-task of %(unit)s is overdue") % {"unit": sub.unit})
            escalate_event(
                sub.event,
                by=None,
                automatic=True,
                reason=reason,
                details={"assignment": sub.pk, "unit": sub.unit.code},
            )
            count += 1
    return count


# --- coordination sub-tasks ------------------------------------------------------


def _lock_assignment(assignment: Assignment) -> tuple[Assignment, Event]:
    event = EVENT_FLOW.lock(assignment.event)
    return lock(assignment, related=("unit",)), event


def _check_subtask(assignment: Assignment, name: str, by: User, reason: str = ""):
    if assignment.kind != AssignmentKind.SUBTASK:
        raise InvalidInput(_("This is not a coordination sub-task."))
    transition = ASSIGNMENT_WORKFLOW.check(
        name, state=assignment.state, capacities=assignment_capacities(by, assignment)
    )
    return transition, transition.clean_reason(reason)


def _subtask_record(
    event: Event,
    assignment: Assignment,
    action: str,
    *,
    by: User | None,
    from_state: str,
    reason: str = "",
    details: dict | None = None,
) -> None:
    EVENT_FLOW.record(
        event,
        action,
        by=by,
        from_state=from_state,
        to_state=assignment.state,
        reason=reason,
        details={"assignment": assignment.pk, "unit": assignment.unit.code, **(details or {})},
    )


@transaction.atomic
def accept_subtask(assignment: Assignment, *, by: User) -> Assignment:
    assignment, event = _lock_assignment(assignment)
    transition, _r = _check_subtask(assignment, "accept_subtask", by)
    now = timezone.now()
    assignment.state, assignment.accepted_at, assignment.accepted_by = A.ACCEPTED, now, by
    assignment.save(update_fields=["state", "accepted_at", "accepted_by"])
    _subtask_record(event, assignment, transition.name, by=by, from_state=A.ISSUED)
    if event.state == S.DISPATCHED:
        EVENT_WORKFLOW.check("subtasks_started", state=event.state, capacities=SYSTEM)
        due = max((a.due_at for a in event.live_subtasks() if a.due_at), default=None)
        _move(
            event,
            "subtasks_started",
            S.HANDLING,
            by=None,
            deadline_at=due,
            details={"first": assignment.unit.code},
        )
    return assignment


@transaction.atomic
def return_subtask(assignment: Assignment, *, by: User, reason: str) -> Assignment:
    assignment, event = _lock_assignment(assignment)
    transition, reason = _check_subtask(assignment, "return_subtask", by, reason)
    assignment.state, assignment.return_reason = A.RETURNED, reason
    assignment.save(update_fields=["state", "return_reason"])
    _subtask_record(event, assignment, transition.name, by=by, from_state=A.ISSUED, reason=reason)
    centre = county_unit(UnitKind.COUNTY_CENTRE)
    if centre:
        notify_units(
            [centre],
            verb="returned",
            message=_("%(unit)s returned its sub-task of %(number)s: %(reason)s"),
            params={"unit": assignment.unit, "number": event.number, "reason": reason},
            link=_link(event),
        )
    return assignment


def complete_subtask(
    assignment: Assignment, *, by: User, outcome: str, measures: str, attachments=()
) -> Assignment:
    """A sub-task's own feedback. When the last one is done the event's feedback is complete."""
    checked = _prepare_uploads(attachments)
    with transaction.atomic():
        assignment, event = _lock_assignment(assignment)
        transition, _r = _check_subtask(assignment, "complete_subtask", by)
        feedback = _new_feedback(
            event, assignment, by=by, outcome=outcome, measures=measures, checked=checked
        )
        assignment.state, assignment.done_at = A.DONE, timezone.now()
        assignment.save(update_fields=["state", "done_at"])
        _subtask_record(
            event,
            assignment,
            transition.name,
            by=by,
            from_state=A.ACCEPTED,
            details={"feedback": feedback.pk, "outcome": outcome},
        )
        _complete_if_all_done(event)
    return assignment


def _complete_if_all_done(event: Event) -> None:
    live = event.live_subtasks()
    if event.state == S.HANDLING and live.exists() and not live.exclude(state=A.DONE).exists():
        EVENT_WORKFLOW.check("subtasks_completed", state=event.state, capacities=SYSTEM)
        _move(
            event,
            "subtasks_completed",
            S.FEEDBACK_SUBMITTED,
            by=None,
            deadline_at=deadline(DeadlineStage.CHECK, timezone.now()),
            details={"subtasks": list(live.values_list("pk", flat=True))},
        )
        centre = county_unit(UnitKind.COUNTY_CENTRE)
        if centre:
            notify_units(
                [centre],
                verb="feedback",
                message=_("All sub-tasks of %(number)s are done: check it"),
                params={"number": event.number},
                link=_link(event),
            )


@transaction.atomic
def cancel_subtask(assignment: Assignment, *, by: User, reason: str) -> Assignment:
    assignment, event = _lock_assignment(assignment)
    transition, reason = _check_subtask(assignment, "cancel_subtask", by, reason)
    before = assignment.state
    if event.live_subtasks().exclude(pk=assignment.pk).count() < 1:
        raise InvalidInput(
            _("A coordination order must keep at least one sub-task; add another first.")
        )
    assignment.state = A.CANCELLED
    assignment.save(update_fields=["state"])
    _subtask_record(event, assignment, transition.name, by=by, from_state=before, reason=reason)
    _complete_if_all_done(event)
    return assignment


@transaction.atomic
def add_subtask(
    event: Event, *, by: User, unit: Unit, instruction: str = "", due_at: dt.datetime | None = None
) -> Assignment:
    """Add a unit to a running coordination order (e.g. after a sub-task was returned)."""
    event = EVENT_FLOW.lock(event)
    if "county_centre" not in capacities(by, event):
        raise NotPermitted(_("Only the county centre changes coordination orders."))
    if event.span != Span.MULTI or event.state not in (S.DISPATCHED, S.HANDLING):
        raise InvalidInput(_("Sub-tasks can be added only to a running coordination order."))
    if event.live_subtasks().filter(unit=unit).exclude(state=A.DONE).exists():
        raise InvalidInput(
            _("%(unit)s already has an open sub-task here.") % {"unit": unit}, field="unit"
        )
    assignment = _issue(
        event, unit=unit, kind=AssignmentKind.SUBTASK, by=by, instruction=instruction, due_at=due_at
    )
    _subtask_record(event, assignment, "add_subtask", by=by, from_state="")
    if (
        assignment.due_at
        and (event.deadline_at is None or assignment.due_at > event.deadline_at)
        and event.state == S.HANDLING
    ):
        event.deadline_at = assignment.due_at
        event.save(update_fields=["deadline_at"])
    notify_units(
        [unit],
        verb="subtask_issued",
        message=_("Coordination sub-task for %(number)s: %(title)s"),
        params={"number": event.number, "title": event.title},
        link=_link(event),
    )
    return assignment


# --- personal data ---------------------------------------------------------------


def reveal_reporter(event: Event, *, by: User, channel: str, ip_address: str | None = None) -> dict:
    """The reporter's unmasked contact details, for those who must call back; logged."""
    if not may_see_contact(by, event):
        raise NotPermitted(_("Your role does not allow you to see the reporter's full details."))
    fields = {
        "reporter_name": event.reporter_name,
        "reporter_phone": event.reporter_phone,
        "reporter_id_number": event.reporter_id_number,
        "reporter_address": event.reporter_address,
    }
    record_personal_data_access(
        user=by,
        subject=event,
        fields=[k for k, v in fields.items() if v],
        channel=channel,
        ip_address=ip_address,
    )
    return fields
