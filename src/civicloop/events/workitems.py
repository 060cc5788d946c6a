"""The events' share of the work queue (core/workqueue.py): events whose workflow offers the
person a next step — to judge, dispatch, accept, handle, check or rate."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.workqueue import ITEMS_PER_PROVIDER, WorkItem

from .choices import EventState, Urgency
from .models import Event

# What the person is asked to do in each state (the queue's state label says it as a verb).
NEXT_STEP = {
    EventState.COLLECTED: _("to judge"),
    EventState.JUDGED: _("to dispatch"),
    EventState.DISPATCHED: _("to accept"),
    EventState.ACCEPTED: _("to handle"),
    EventState.HANDLING: _("to handle"),
    EventState.FEEDBACK_SUBMITTED: _("to check"),
    EventState.CHECKED: _("to collect the rating"),
    EventState.RATED: _("to close"),
}


def items_for(user):
    events = (
        Event.objects.visible_to(user)
        .needing_action_by(user)
        .select_related("category", "region__parent__parent__parent")
        .order_by(F("deadline_at").asc(nulls_last=True), "-reported_at")[:ITEMS_PER_PROVIDER]
    )
    for event in events:
        step = NEXT_STEP.get(event.state)
        yield WorkItem(
            kind="events",
            title=f"{event.number} {event.title}",
            url=reverse("events:detail", args=[event.pk]),
            deadline=event.deadline_at,
            state=f"{event.get_state_display()} · {step}" if step else event.get_state_display(),
            urgency=event.get_urgency_display() if event.urgency == Urgency.URGENT else "",
            detail=event.region.full_name if event.region_id else "",
        )
