"""Supervision's share of the work queue (core/workqueue.py): 约谈 to schedule, hold or follow
up, for the leaders who may act on them, and decisions of meetings (议定事项) not done, for the
owner unit's people and the supervising leaders."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.workqueue import ITEMS_PER_PROVIDER, WorkItem

from . import access, services
from .choices import OPEN_SUMMONS_STATES, SummonsState
from .models import ActionItem, Summons


def summonses_for(user):
    if not access.is_leader(user):
        return
    waiting = (
        Summons.objects.visible_to(user)
        .filter(state__in=[*OPEN_SUMMONS_STATES, SummonsState.HELD])
        .filter(Q(conducted_by__isnull=True) | Q(conducted_by=user))
        .select_related("unit__region")
        .order_by("month", "pk")[:ITEMS_PER_PROVIDER]
    )
    for summons in waiting:
        if not services.summons_capacities(user, summons):
            continue
        if summons.state == SummonsState.HELD:
            title = _("Follow up the summons of %(unit)s") % {"unit": summons.unit.name}
            deadline = summons.follow_up_due_on
        else:
            title = _("Summons (约谈) of %(unit)s: %(body)s") % {
                "unit": summons.unit.name,
                "body": summons.body,
            }
            deadline = summons.scheduled_for
        yield WorkItem(
            kind="supervision_summons",
            title=title,
            url=reverse("supervision:summons", args=[summons.pk]),
            deadline=deadline,
            state=summons.get_state_display(),
            detail="；".join(r["text"] for r in summons.reasons)[:200],
        )


def action_items_for(user):
    items = (
        ActionItem.objects.visible_to(user)
        .unfinished()
        .select_related("meeting__group__region", "owner_unit")
        .order_by("due_on", "pk")[:ITEMS_PER_PROVIDER]
    )
    for item in items:
        if not services.action_item_capacities(user, item):
            continue
        yield WorkItem(
            kind="supervision_decisions",
            title=_("Decision of “%(meeting)s”: %(text)s")
            % {"meeting": item.meeting.title, "text": item.text[:60]},
            url=reverse("supervision:complete-item", args=[item.pk]),
            deadline=item.due_on,
            state=item.get_state_display(),
            detail=item.owner_unit.name,
        )
