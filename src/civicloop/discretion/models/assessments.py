"""The calculator's result on a case (裁量计算): which benchmark tier the facts fall in, the band
it recommends and the statutory range, recorded each time a proposal or decision sets a fine.

The latest row of a case is what its decision page, its decision document, the legal review and
the risk sweep read; earlier rows stay as the record of how the proposal changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import PartyType
from .benchmarks import MONEY, BenchmarkItem, Tier


class AssessmentStage(models.TextChoices):
    PROPOSAL = "proposal", _("proposal")
    DECISION = "decision", _("decision")


class DiscretionAssessment(models.Model):
    """One application of the discretion benchmark to a case's facts and fine."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="discretion_assessments",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=AssessmentStage.choices)
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+"
    )
    party_type = models.CharField(_("party type"), max_length=12, choices=PartyType.choices)
    item = models.ForeignKey(
        BenchmarkItem,
        verbose_name=_("benchmark item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when no benchmark in force covers the matter."),
    )
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tier_label = models.CharField(_("tier"), max_length=40, blank=True)
    tier_rank = models.PositiveSmallIntegerField(_("tier rank"), null=True, blank=True)
    stat_min = models.DecimalField(_("statutory minimum"), **MONEY, null=True, blank=True)
    stat_max = models.DecimalField(_("statutory maximum"), **MONEY, null=True, blank=True)
    band_min = models.DecimalField(_("recommended minimum"), **MONEY, null=True, blank=True)
    band_max = models.DecimalField(_("recommended maximum"), **MONEY, null=True, blank=True)
    facts = models.JSONField(
        _("facts considered"),
        default=dict,
        blank=True,
        help_text=_("first_offence, corrected, prior_offences, consequences, cooperation …"),
    )
    explanation = models.TextField(_("why this tier"), blank=True)
    fine = models.DecimalField(_("fine (yuan)"), **MONEY, null=True, blank=True)
    outside_band = models.BooleanField(_("outside the recommended band"), default=False)
    reason = models.TextField(_("reason for leaving the band"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("discretion assessment")
        verbose_name_plural = _("discretion assessments")
        ordering = ["case", "-at", "-id"]
        get_latest_by = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.tier_label or '—'}"
