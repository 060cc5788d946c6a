"""Each point entry's record, named and linked (积分溯源): the visit, the activity, the event."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.events.models import Event

from .models import Activity, Appeal, PatrolVisit, PointEntry


@dataclass(frozen=True)
class Trace:
    label: str
    url: str | None


def trace(entry: PointEntry) -> Trace:
    source = entry.source
    if source is None:
        return Trace(_("record no longer exists"), None)
    if isinstance(source, PatrolVisit):
        when = timezone.localtime(source.visited_at)
        return Trace(
            _("patrol visit %(place)s %(when)s")
            % {"place": source.region, "when": f"{when:%Y-%m-%d %H:%M}"},
            reverse("scoring:visit", args=[source.pk]),
        )
    if isinstance(source, Activity):
        return Trace(
            f"{source.get_kind_display()} · {source.topic}",
            reverse("scoring:activity", args=[source.pk]),
        )
    if isinstance(source, Appeal):
        return Trace(_("appeal decision"), reverse("scoring:appeal", args=[source.pk]))
    event = source if isinstance(source, Event) else getattr(source, "event", None)
    if event is not None:
        return Trace(
            f"{source._meta.verbose_name} · {event.number}",
            reverse("events:detail", args=[event.pk]),
        )
    return Trace(str(source), None)
