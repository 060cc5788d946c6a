"""裁量风险: a 畸轻畸重 risk the sweep found on a decided case, and its review.

The sweep (``discretion.risks.sweep``) writes one :class:`RiskFlag` per case and kind while the
condition holds: a later sweep updates the open flag's evidence and never adds a second one
(a partial unique constraint); when the condition no longer holds (the fine was corrected, the
peers changed) the system marks the open flag resolved. A legal reviewer closes an open flag as
confirmed, explained or corrected (with the amount corrected); every change is a
:class:`RiskFlagHistory` row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry

from ..scan import Finding
from .benchmarks import MONEY


class RiskKind(models.TextChoices):
    """The four flags of issue 10 item 4 (names as in the scan's FLAGS.csv)."""

    OUTSIDE_STATUTORY_RANGE = "outside_statutory_range", _("outside the statutory range")
    OUTSIDE_TIER_BAND = "outside_tier_band", _("outside the tier's band without a reason")
    PEER_OUTLIER = "peer_outlier", _("outlier among peers")
    SAME_FACTS_DIFFERENT_FINE = "same_facts_different_fine", _("same facts, different fine")


class RiskState(models.TextChoices):
    OPEN = "open", _("open")
    CONFIRMED = "confirmed", _("confirmed")
    EXPLAINED = "explained", _("explained")
    CORRECTED = "corrected", _("corrected")
    RESOLVED = "resolved", _("no longer found")


REVIEWED_STATES = (RiskState.CONFIRMED, RiskState.EXPLAINED, RiskState.CORRECTED)


class RiskFlagQuerySet(models.QuerySet):
    def open(self) -> RiskFlagQuerySet:
        return self.filter(state=RiskState.OPEN)

    def with_place(self) -> RiskFlagQuerySet:
        """Annotate ``place_code``: the case's place (``Case.objects.with_place``)."""
        return self.annotate(
            place_code=Coalesce("case__region__code", "case__handling_unit__region__code")
        )


class RiskFlag(models.Model):
    """One risk flag (裁量风险提示) on a decided case, with its evidence and its review."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="risk_flags",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=RiskKind.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=RiskState.choices, default=RiskState.OPEN
    )
    evidence_text = models.TextField(_("evidence"))
    evidence = models.JSONField(
        _("evidence (figures)"),
        default=dict,
        blank=True,
        help_text=_(
            "median, MAD, z and peers; the other case of a same-facts pair; the band or range."
        ),
    )
    expected_min = models.DecimalField(_("expected minimum"), **MONEY, null=True, blank=True)
    expected_max = models.DecimalField(_("expected maximum"), **MONEY, null=True, blank=True)
    fine = models.DecimalField(_("fine (yuan)"), **MONEY)
    found_at = models.DateTimeField(_("found at"), default=timezone.now, db_index=True)
    swept_at = models.DateTimeField(_("last found at"), default=timezone.now)
    sweep_run = models.CharField(_("sweep run"), max_length=40, blank=True)
    rules_version = models.CharField(_("rules version"), max_length=20, blank=True)
    resolved_at = models.DateTimeField(_("no longer found at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(_("review note"), blank=True)
    confirmed_at = models.DateTimeField(
        _("confirmed at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When a reviewer first found the risk real (confirmed or corrected)."),
    )
    corrected_at = models.DateTimeField(_("corrected at"), null=True, blank=True, db_index=True)
    amount_corrected = models.DecimalField(
        _("amount corrected (yuan)"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("The change of the fine, or the loss recovered."),
    )

    objects = RiskFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk flag")
        verbose_name_plural = _("risk flags")
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(state="open"),
                name="discretion_riskflag_one_open",
            ),
            models.CheckConstraint(
                condition=Q(amount_corrected__isnull=True) | Q(amount_corrected__gte=0),
                name="discretion_riskflag_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"

    @property
    def evidence_shown(self) -> str:
        """The evidence in the reader's language, from the figures (``evidence_text`` keeps it
        in the language the sweep ran in)."""
        try:
            return Finding(self.kind, self.evidence).text()
        except (KeyError, TypeError, ValueError):
            return self.evidence_text

    @property
    def is_open(self) -> bool:
        return self.state == RiskState.OPEN


class RiskFlagHistory(HistoryEntry):
    """Every change to a risk flag: found, evidence updated, resolved by the system, reviewed."""

    flag = models.ForeignKey(
        RiskFlag, verbose_name=_("risk flag"), on_delete=models.CASCADE, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("risk flag history")
        verbose_name_plural = _("risk flag history")
