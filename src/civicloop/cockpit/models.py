"""The cockpit's own records: historical baselines and the figures' pre-aggregated rollups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry


class Baseline(models.Model):
    """历史基线: a figure's value for a period before Civicloop held the records (or an official
    figure that replaces what the records give), imported from Excel. Where one exists for
    exactly the period and place asked, it is shown instead of the records and marked so."""

    figure = models.CharField(_("figure"), max_length=80)
    part = models.CharField(_("breakdown"), max_length=40, blank=True)
    region_code = models.CharField(
        _("division code"),
        max_length=15,
        blank=True,
        help_text=_("Empty for everywhere Civicloop covers."),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    source = models.CharField(_("source"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["figure", "region_code", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "part", "region_code", "start", "end"],
                name="cockpit_baseline_unique_period",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="cockpit_baseline_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.region_code or '*'} {self.start}–{self.end}: {self.value}"


class BaselineHistory(HistoryEntry):
    """Each import of a baseline (``details`` holds the old and new value)."""

    baseline = models.ForeignKey(
        Baseline, verbose_name=_("baseline"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("baseline history entry")
        verbose_name_plural = _("baseline history")


class Grain(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")


class Level(models.TextChoices):
    ALL = "all", _("everywhere")
    COUNTY = "county", _("county")
    TOWN = "town", _("town / street")


class Rollup(models.Model):
    """The additive parts of one measured figure for one day or month and one place
    (a town's nine-digit code, a county's six, or everywhere), rebuilt from the records by
    ``rollups.refresh``; never edited by hand."""

    figure = models.CharField(max_length=80)
    part = models.CharField(max_length=40, blank=True)
    level = models.CharField(max_length=8, choices=Level.choices)
    place = models.CharField(max_length=15, blank=True)
    grain = models.CharField(max_length=6, choices=Grain.choices)
    bucket = models.DateField()
    numerator = models.FloatField()
    denominator = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["level", "grain", "place", "bucket", "figure"], name="cockpit_rollup_read"
            ),
            models.Index(fields=["figure", "bucket"], name="cockpit_rollup_figure"),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.level} {self.place or '*'} {self.grain} {self.bucket}"


class RollupCoverage(models.Model):
    """Which months a measured figure's rollups cover, and when they were last rebuilt: the
    cockpit reads rollups only inside this span and states the time (数据截至)."""

    figure = models.CharField(max_length=80, unique=True)
    first_month = models.DateField()
    last_month = models.DateField()
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.figure}: {self.first_month}–{self.last_month}"
