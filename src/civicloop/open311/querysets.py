"""Which service requests GET requests returns, from its arguments.

Published are the events that came in through Open311: their clients submitted them to
a public standard, whereas reports from the hotline, patrols or the portal were never
offered for publication.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.events.choices import EventState
from civicloop.events.models import Event

from . import parsing
from .choices import RequestStatus
from .errors import Problems
from .status import CLOSED_STATES, with_status_data

MAX_REQUESTS = 1000  # "first 1000 requests returned"
MAX_SPAN = dt.timedelta(days=90)  # "a span of 90 days"


def published_events():
    return Event.objects.filter(open311__isnull=False)


def closed_q() -> Q:
    """Closed in Open311 terms: closed or voided, or a duplicate whose original is."""
    return Q(state__in=CLOSED_STATES) | Q(
        state=EventState.MERGED, merged_into__state__in=CLOSED_STATES
    )


@dataclass
class RequestQuery:
    ids: list[str]
    service_codes: list[str]
    statuses: list[str]
    start: dt.datetime
    end: dt.datetime

    @classmethod
    def read(cls, params, *, now: dt.datetime | None = None) -> RequestQuery:
        """The arguments of GET Service Requests, with the spec's defaults; 400 on bad ones."""
        now = now or timezone.now()
        problems = Problems()
        ids = parsing.comma_list(params.get("service_request_id"))
        if len(ids) > MAX_REQUESTS:
            problems.add(
                400, _("At most %(n)d service_request_id values at once.") % {"n": MAX_REQUESTS}
            )
        statuses = parsing.comma_list(params.get("status"))
        wrong = [s for s in statuses if s not in RequestStatus.values]
        if wrong:
            problems.add(
                400,
                _("status must be open or closed (comma-separated), not “%(value)s”.")
                % {"value": wrong[0]},
            )
        start = end = None
        for name in ("start_date", "end_date"):
            raw = (params.get(name) or "").strip()
            if not raw:
                continue
            try:
                value = parsing.w3_datetime(raw, name=name, end_of_day=name == "end_date")
            except ValueError as exc:
                problems.add(400, str(exc))
                continue
            if name == "start_date":
                start = value
            else:
                end = value
        if start and end:
            if start > end:
                problems.add(400, _("start_date must not be after end_date."))
            elif end - start > MAX_SPAN:
                problems.add(400, _("start_date and end_date may not span more than 90 days."))
        problems.raise_if_any()
        if start is None and end is None:
            end, start = now, now - MAX_SPAN
        elif start is None:
            start = end - MAX_SPAN
        elif end is None:
            end = start + MAX_SPAN
        return cls(
            ids=ids,
            service_codes=parsing.comma_list(params.get("service_code")),
            statuses=list(dict.fromkeys(statuses)),
            start=start,
            end=end,
        )

    def events(self):
        """Newest first, at most :data:`MAX_REQUESTS`, prefetched for the status mapping."""
        events = published_events()
        if self.ids:  # "This overrides all other arguments."
            events = events.filter(number__in=self.ids)
        else:
            events = events.filter(reported_at__gte=self.start, reported_at__lte=self.end)
            if self.service_codes:
                events = events.filter(category__code__in=self.service_codes)
            if len(self.statuses) == 1:
                is_closed = closed_q()
                events = events.filter(
                    is_closed if self.statuses[0] == RequestStatus.CLOSED else ~is_closed
                )
        return with_status_data(events.order_by("-reported_at", "-id"))[:MAX_REQUESTS]
