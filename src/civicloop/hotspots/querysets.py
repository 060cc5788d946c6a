"""Query logic of the hotspots app, in words (conventions §5)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, F, Value, When

from civicloop.events.models import Event
from civicloop.org.scope import restrict

from .choices import LIVE_WARNING_STATES, WarningState


class WarningQuerySet(models.QuerySet):
    def live(self) -> WarningQuerySet:
        """Open or acknowledged: still on the command room's desk."""
        return self.filter(state__in=LIVE_WARNING_STATES)

    def open(self) -> WarningQuerySet:
        return self.filter(state=WarningState.OPEN)

    def for_subject(self, *, region, subject_key: str) -> WarningQuerySet:
        return self.filter(region=region, subject_key=subject_key)

    def touching(self, start: dt.date) -> WarningQuerySet:
        """Warnings whose window ends on or after the day before ``start``: a window starting
        on ``start`` continues them (see ``spikes.same_spike``)."""
        return self.filter(window_end__gte=start - dt.timedelta(days=1))

    def visible_to(self, user) -> WarningQuerySet:
        """Staff whose area covers the warning's place, and the county (county-wide
        warnings only the county)."""
        return restrict(self, user, region_code="region__code")


class DuplicateSuggestionQuerySet(models.QuerySet):
    def visible_to(self, user) -> DuplicateSuggestionQuerySet:
        """Suggestions about events the user may see, pointing at events they may see."""
        visible = Event.objects.visible_to(user)
        return self.filter(event__in=visible, candidate__in=visible)

    def with_outcome(self) -> DuplicateSuggestionQuerySet:
        """``merged``: the event was merged into this candidate (from ``Event.merged_into``;
        the outcome is read from the event, never stored twice)."""
        return self.annotate(
            merged=Case(
                When(event__merged_into_id=F("candidate_id"), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def shown(self) -> DuplicateSuggestionQuerySet:
        return self.filter(first_shown_at__isnull=False)
