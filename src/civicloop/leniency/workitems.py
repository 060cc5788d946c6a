"""Flexible enforcement's share of the work queue (core/workqueue.py): commitments (轻微违法
告知承诺) whose follow-up check is due, for the case's handlers and the follow-up unit's officers."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.cases.permissions import officer_units
from civicloop.core.workqueue import ITEMS_PER_PROVIDER, WorkItem

from .choices import CommitmentState
from .models import Commitment


def items_for(user):
    mine = Q(case__handlers__user=user) | Q(handling_unit__in=officer_units(user))
    commitments = (
        Commitment.objects.visible_to(user)
        .filter(mine, state=CommitmentState.DUE)
        .select_related("case", "party")
        .distinct()
        .order_by("follow_up_due_on", "pk")[:ITEMS_PER_PROVIDER]
    )
    for commitment in commitments:
        yield WorkItem(
            kind="leniency_follow_ups",
            title=_("Follow-up check: %(party)s (case %(number)s)")
            % {"party": commitment.party.display_name, "number": commitment.case.number},
            url=reverse("leniency:commitment", args=[commitment.pk]),
            deadline=commitment.follow_up_due_on,
            state=commitment.get_state_display(),
        )
