"""Administrative reconsideration and litigation against a penalty decision (行政复议 /
行政诉讼): who challenged it, before which body, when, and how it ended.

The report counts them (“行政复议和行政诉讼下降33%”); the figures in ``proceedings_kpis.py`` read
these rows, and the rules for recording them are in ``discretion/proceedings.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry


class ChallengeKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("administrative reconsideration (行政复议)")
    LITIGATION = "litigation", _("administrative litigation, first instance (行政诉讼一审)")
    APPEAL = "appeal", _("administrative litigation, appeal (行政诉讼二审)")


class ChallengeOutcome(models.TextChoices):
    PENDING = "pending", _("pending")
    UPHELD = "upheld", _("upheld (维持)")
    VARIED = "varied", _("varied (变更)")
    REVOKED = "revoked", _("revoked (撤销)")
    CONFIRMED_UNLAWFUL = "confirmed_unlawful", _("confirmed unlawful (确认违法)")
    ORDERED_TO_ACT = "ordered_to_act", _("ordered to act (责令履行)")
    DISMISSED = "dismissed", _("dismissed (驳回)")
    WITHDRAWN = "withdrawn", _("withdrawn (撤回)")
    SETTLED = "settled", _("settled (调解/和解)")


# Outcomes that correct the bureau's decision (the numerator of the 纠错率): the reviewing
# body or court changed, annulled or condemned it, or ordered the bureau to act.
LOST_OUTCOMES = frozenset(
    {
        ChallengeOutcome.VARIED,
        ChallengeOutcome.REVOKED,
        ChallengeOutcome.CONFIRMED_UNLAWFUL,
        ChallengeOutcome.ORDERED_TO_ACT,
    }
)


class LegalChallengeQuerySet(models.QuerySet):
    def with_place(self) -> LegalChallengeQuerySet:
        """Annotated with its case's place (``Case.objects.with_place``): figures and filters."""
        return self.annotate(
            place_code=Coalesce("case__region__code", "case__handling_unit__region__code")
        )

    def concluded(self) -> LegalChallengeQuerySet:
        return self.exclude(outcome=ChallengeOutcome.PENDING)

    def lost(self) -> LegalChallengeQuerySet:
        return self.filter(outcome__in=LOST_OUTCOMES)


class LegalChallenge(models.Model):
    """One reconsideration application or lawsuit (one instance) against a case's decision."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="legal_challenges",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChallengeKind.choices)
    applicant = models.ForeignKey(
        "parties.Party",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The party who applied or sued (one of the case's parties)."),
    )
    body = models.CharField(
        _("reconsideration body or court"),
        max_length=120,
        help_text=_("复议机关 or 人民法院, e.g. 海盐县人民政府 / 海盐县人民法院."),
    )
    filed_on = models.DateField(_("filed on"), db_index=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, db_index=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=ChallengeOutcome.choices,
        default=ChallengeOutcome.PENDING,
        db_index=True,
    )
    document_number = models.CharField(
        _("document number"),
        max_length=80,
        blank=True,
        help_text=_("The number of the reconsideration decision or judgment."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = LegalChallengeQuerySet.as_manager()

    class Meta:
        verbose_name = _("reconsideration or lawsuit")
        verbose_name_plural = _("reconsiderations and lawsuits")
        ordering = ["case", "filed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome=ChallengeOutcome.PENDING)
                | models.Q(decided_on__isnull=False),
                name="discretion_challenge_decided_on_with_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_kind_display()} · {self.get_outcome_display()}"

    @property
    def is_lost(self) -> bool:
        return self.outcome in LOST_OUTCOMES


class LegalChallengeHistory(HistoryEntry):
    """Who recorded or changed a challenge, and when (create / update / outcome)."""

    challenge = models.ForeignKey(
        LegalChallenge,
        verbose_name=_("reconsideration or lawsuit"),
        on_delete=models.PROTECT,
        related_name="history",
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("history of a reconsideration or lawsuit")
        verbose_name_plural = _("history of reconsiderations and lawsuits")
