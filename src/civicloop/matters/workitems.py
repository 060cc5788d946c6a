"""The matters' share of the work queue (core/workqueue.py): empowerment requests (点单赋权)
awaiting the county's decision, shown to those who decide them (county centre, county leaders)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.workqueue import ITEMS_PER_PROVIDER, WorkItem

from .models import EmpowermentRequest
from .permissions import is_county


def items_for(user):
    if not is_county(user):
        return
    requests = (
        EmpowermentRequest.objects.visible_to(user)
        .open()
        .select_related("town", "matter")
        .order_by("wanted_from", "requested_at")[:ITEMS_PER_PROVIDER]
    )
    for item in requests:
        yield WorkItem(
            kind="empowerment",
            title=_("%(town)s asks for %(code)s %(matter)s")
            % {"town": item.town.name, "code": item.matter.code, "matter": item.matter.name},
            url=reverse("matters:request", args=[item.pk]),
            # Decided before the day the town wants to start.
            deadline=item.wanted_from,
            state=_("awaiting your decision"),
        )
