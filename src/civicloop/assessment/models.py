"""The third-party assessment of each town's empowerment (一镇一评估): rounds, towns'
assessments, dimension scores with their evidence files, and the assessments' history.

The tables keep the names they had in the matters app (``matters_*``), where these models
lived until they moved here (migration ``assessment.0001``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry
from civicloop.matters.permissions import is_assessor
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region
from civicloop.org.scope import restrict

from .choices import DEFAULT_WEIGHTS, AssessmentState, Dimension

# --- third-party assessment ----------------------------------------------------------


def default_weights() -> dict[str, int]:
    return dict(DEFAULT_WEIGHTS)


class AssessmentRound(models.Model):
    """One round of the third-party assessment (一镇一评估) over a period, for every town."""

    name = models.CharField(_("name"), max_length=100)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    weights = models.JSONField(
        _("weights"),
        default=default_weights,
        help_text=_("Weight of each dimension; they add up to 100."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "matters_assessmentround"
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="matters_round_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TownAssessmentQuerySet(models.QuerySet):
    def submitted(self) -> TownAssessmentQuerySet:
        return self.filter(state=AssessmentState.SUBMITTED)

    def visible_to(self, user) -> TownAssessmentQuerySet:
        """Assessors and the county see every town; a town's staff see their town's."""
        if is_assessor(user):
            return self
        return restrict(self, user, region_code="town__code")


class TownAssessment(models.Model):
    """One town's assessment in a round: seven dimension scores and their weighted total."""

    round = models.ForeignKey(
        AssessmentRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    town = models.ForeignKey(
        Region,
        verbose_name=_("town / street"),
        on_delete=models.PROTECT,
        related_name="assessments",
        limit_choices_to={"level": RegionLevel.TOWN},
    )
    state = models.CharField(
        _("state"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comments = models.TextField(_("overall comments"), blank=True)
    total = models.DecimalField(
        _("total score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Weighted sum of the seven scores; empty until all are scored."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = TownAssessmentQuerySet.as_manager()

    class Meta:
        db_table = "matters_townassessment"
        verbose_name = _("town assessment")
        verbose_name_plural = _("town assessments")
        ordering = ["round", "town__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "town"], name="matters_assessment_one_per_town"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.town}"


class DimensionScore(models.Model):
    """A town's score (0–100) on one dimension, with the indicator computed from records
    (when there is one), the assessor's evidence and comments."""

    assessment = models.ForeignKey(
        TownAssessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    indicator_value = models.DecimalField(
        _("indicator value"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("A rate between 0 and 1, computed from records."),
    )
    indicator_numerator = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    indicator_denominator = models.PositiveIntegerField(_("out of"), null=True, blank=True)
    indicator_note = models.TextField(
        _("indicator definition"),
        blank=True,
        help_text=_("How the indicator was computed, or why there is none."),
    )
    prefilled_score = models.DecimalField(
        _("pre-filled score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    override_reason = models.TextField(_("reason for overriding"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "matters_dimensionscore"
        verbose_name = _("dimension score")
        verbose_name_plural = _("dimension scores")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="matters_score_one_per_dimension"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="matters_score_between_0_and_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.get_dimension_display()}"

    @property
    def is_overridden(self) -> bool:
        return (
            self.prefilled_score is not None
            and self.score is not None
            and self.score != self.prefilled_score
        )


def evidence_upload_to(instance, filename: str) -> str:
    return f"matters/evidence/{filename}"


class AssessmentEvidence(models.Model):
    """A file the assessor attaches to a dimension score (minutes, photos, documents)."""

    score = models.ForeignKey(
        DimensionScore,
        verbose_name=_("dimension score"),
        on_delete=models.PROTECT,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        db_table = "matters_assessmentevidence"
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class AssessmentHistory(HistoryEntry):
    """Scores given, indicators overridden (with the reason), submitted, reopened."""

    assessment = models.ForeignKey(
        TownAssessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="history",
    )

    class Meta(HistoryEntry.Meta):
        db_table = "matters_assessmenthistory"
        verbose_name = _("assessment history entry")
        verbose_name_plural = _("assessment history")
