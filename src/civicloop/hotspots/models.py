"""Spike warnings (突发预警) and duplicate suggestions (重复件提示).

High-frequency analysis (高发、频发) is computed from events and needs no table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry
from civicloop.events.models import Event
from civicloop.matters.models import Category
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from .choices import Dimension, PlaceMatch, WarningState
from .querysets import DuplicateSuggestionQuerySet, WarningQuerySet

METHOD_LABELS = {"poisson": _("Poisson"), "negative_binomial": _("negative binomial")}


def chance_in_words(p: float) -> str:
    """``0.00017`` → "约 1/5900"; two significant digits of the "one in N" (below one in a
    million: "不到 1/1000000"; a half or more: the percentage)."""
    if p >= 0.5:
        return _("about %(percent)s%%") % {"percent": round(p * 100)}
    if p < 1e-6:
        return _("less than 1 in %(n)s") % {"n": "1000000"}
    n = 1 / p
    digits = len(str(int(n))) - 2
    rounded = int(round(n, -digits)) if digits > 0 else round(n)
    return _("about 1 in %(n)s") % {"n": rounded}


class Warning(models.Model):
    """A spike warning (突发预警): more events of one subject at one place in a few days
    than the weeks before make plausible.

    Raised by the scan (``services.scan_spikes``) with the numbers of the test and the
    events that make it up; extended, not raised again, while the spike goes on; the
    command room acknowledges and closes it (``WARNING_WORKFLOW``), each step leaving a
    :class:`WarningHistory` row.
    """

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="spike_warnings"
    )
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    dimension = models.CharField(_("counted by"), max_length=10, choices=Dimension.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spike_warnings",
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("enforcement matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spike_warnings",
    )
    # "category:<id>" or "matter:<id>": one key for "the same subject" whatever the dimension.
    subject_key = models.CharField(_("subject key"), max_length=40, editable=False)
    window_start = models.DateField(_("window from"))
    window_end = models.DateField(
        _("window until"),
        help_text=_("Moves on while the spike goes on (the warning is extended)."),
    )
    observed = models.PositiveIntegerField(_("events observed"))
    expected = models.FloatField(_("events expected"))
    threshold = models.PositiveIntegerField(
        _("threshold"), help_text=_("The smallest count that raises a warning here.")
    )
    score = models.FloatField(
        _("score"),
        help_text=_("-log10 of the chance of so many events: 3 means one in a thousand."),
    )
    p_value = models.FloatField(_("tail probability"))
    method = models.CharField(_("model"), max_length=20)
    baseline_mean = models.FloatField(_("baseline events per day"))
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    evidence = models.ManyToManyField(
        Event, verbose_name=_("evidence"), related_name="spike_warnings", blank=True
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=WarningState.choices,
        default=WarningState.OPEN,
        db_index=True,
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now, db_index=True)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("spike warning")
        verbose_name_plural = _("spike warnings")
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(
                fields=["region", "subject_key", "window_end"], name="hotspots_warning_subject"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")),
                name="hotspots_warning_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.subject_name} · {self.window_start:%Y-%m-%d}"

    @property
    def subject(self):
        return self.matter if self.dimension == Dimension.MATTER else self.category

    @property
    def subject_name(self) -> str:
        subject = self.subject
        if subject is None:
            return "—"
        return subject.name

    @property
    def is_live(self) -> bool:
        return self.state != WarningState.CLOSED

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected else 0.0

    @property
    def window_days(self) -> int:
        return (self.window_end - self.window_start).days + 1

    @property
    def chance_label(self) -> str:
        """The tail probability as a reader says it ("约 1/5900"), not ``1.7e-04``."""
        return chance_in_words(self.p_value)

    @property
    def method_label(self) -> str:
        return str(METHOD_LABELS.get(self.method, self.method))


class WarningHistory(HistoryEntry):
    """Raised, extended, acknowledged, closed: the warning's record (append-only)."""

    warning = models.ForeignKey(
        Warning, verbose_name=_("spike warning"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("spike warning history entry")
        verbose_name_plural = _("spike warning history")


class DuplicateSuggestion(models.Model):
    """An earlier open event suggested as the original of ``event`` (重复件提示), with how
    alike they are, and when it was first and last shown to whom.

    Whether the dispatcher merged is read from ``event.merged_into`` (``with_outcome``),
    never stored here.
    """

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="duplicate_suggestions",
    )
    candidate = models.ForeignKey(
        Event, verbose_name=_("suggested original"), on_delete=models.CASCADE, related_name="+"
    )
    similarity = models.FloatField(_("text similarity"))
    place_match = models.CharField(_("place"), max_length=10, choices=PlaceMatch.choices)
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    hours_apart = models.FloatField(_("hours apart"))
    detector = models.CharField(_("detector"), max_length=60)
    created_at = models.DateTimeField(_("suggested at"), default=timezone.now)
    first_shown_at = models.DateTimeField(_("first shown at"), null=True, blank=True)
    first_shown_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first shown to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    last_shown_at = models.DateTimeField(_("last shown at"), null=True, blank=True)
    times_shown = models.PositiveIntegerField(_("times shown"), default=0)

    objects = DuplicateSuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("duplicate suggestion")
        verbose_name_plural = _("duplicate suggestions")
        ordering = ["-similarity", "candidate_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "candidate"], name="hotspots_suggestion_once_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.candidate_id} ({self.similarity:.0%})"

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)
