"""The grid work log (走访 and 履职活动) and the staff points (量化赋分) computed from records.

Points are never typed in: :class:`PointEntry` rows are written by ``ledger.recompute`` from
the work log and the event loop's records, under the :class:`RuleVersion` in force on the day
each record was earned; the only other writer is an upheld :class:`Appeal`, whose adjustment is
an entry of its own. See docs/scoring.md.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry
from civicloop.org.models import Region

from .choices import ActivityKind, AppealState, Grade, GradeMethod, OutcomeKind, PointItem
from .querysets import (
    ActivityQuerySet,
    AppealQuerySet,
    OutcomeQuerySet,
    PatrolVisitQuerySet,
    PointEntryQuerySet,
)

USER = settings.AUTH_USER_MODEL


class LoggedWork(models.Model):
    """What a patrol visit and an activity share: who, where, when, the phone's point."""

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    # GCJ-02, converted from the phone's WGS-84 on entry (org/geo.py).
    latitude = models.DecimalField(
        _("latitude (GCJ-02)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (GCJ-02)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # The phone's own key of the submission: a resend after a dropped network is not a second row.
    client_key = models.CharField(_("client key"), max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class PatrolVisit(LoggedWork):
    """A patrol visit (走访/巡查) by a grid worker: a place and a time, with or without findings."""

    visited_at = models.DateTimeField(_("visited at"), db_index=True)

    objects = PatrolVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol visit")
        verbose_name_plural = _("patrol visits")
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by", "client_key"],
                condition=~Q(client_key=""),
                name="scoring_visit_one_per_client_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {timezone.localtime(self.visited_at):%Y-%m-%d %H:%M}"


class Activity(LoggedWork):
    """A typed duty of a red butler or grid worker (普法宣传, 矛盾纠纷排查调处, 应急救助, 企业走访 …)."""

    kind = models.CharField(_("kind"), max_length=24, choices=ActivityKind.choices)
    held_at = models.DateTimeField(_("held at"), db_index=True)
    topic = models.CharField(_("topic"), max_length=120)
    participant_count = models.PositiveIntegerField(_("participants"), default=0)
    participant_names = models.TextField(_("participant names"), blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by", "client_key"],
                condition=~Q(client_key=""),
                name="scoring_activity_one_per_client_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.topic}"


class WorkPhoto(models.Model):
    """A photo of a patrol visit or an activity, stored content-addressed (core/uploads.py)."""

    visit = models.ForeignKey(
        PatrolVisit, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to="worklog/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("work photo")
        verbose_name_plural = _("work photos")
        constraints = [
            models.CheckConstraint(
                condition=Q(visit__isnull=False, activity__isnull=True)
                | Q(visit__isnull=True, activity__isnull=False),
                name="scoring_photo_of_one_record",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


# --- rules -------------------------------------------------------------------------------------


class RuleSet(models.Model):
    """A set of scoring rules (量化赋分细则); the active one is applied, version by version."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RuleVersion(models.Model):
    """The rules in force from ``effective_from``: base score per role, points per item, and how
    the quarter's rating is given. A version applies to records earned on or after its date, up
    to the next version's date; earlier records keep the points of their own version."""

    ruleset = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="versions"
    )
    effective_from = models.DateField(_("effective from"))
    # {role: points} — the quarter's base score (基础分) of each scored role.
    base_scores = models.JSONField(_("base score per role"), default=dict)
    # {PointItem: points}; ``activity`` is the default of every activity kind.
    points = models.JSONField(_("points per item"), default=dict)
    # {ActivityKind: points} overriding ``points["activity"]``.
    activity_points = models.JSONField(_("points per activity kind"), default=dict, blank=True)
    grade_method = models.CharField(
        _("rating method"),
        max_length=12,
        choices=GradeMethod.choices,
        default=GradeMethod.THRESHOLDS,
    )
    # Thresholds: the lowest quarter total of each grade {good: 110, fairly_good: 100, average: 90}.
    # Shares: the share of the ranking given each grade {good: 0.2, fairly_good: 0.3, average: 0.4}.
    grade_cutoffs = models.JSONField(_("rating cut-offs"), default=dict)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["ruleset", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset", "effective_from"], name="scoring_one_version_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ruleset} · {self.effective_from:%Y-%m-%d}"

    def points_for(self, item: str, *, kind: str = "") -> float:
        if item == PointItem.ACTIVITY and kind in self.activity_points:
            return float(self.activity_points[kind])
        return float(self.points.get(item, 0))

    def base_score(self, role: str) -> float:
        return float(self.base_scores.get(role, 0))


# --- the ledger -------------------------------------------------------------------------------


class PointEntry(models.Model):
    """One line of a person's points (积分明细), linked to the record that earned it."""

    person = models.ForeignKey(
        USER, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="point_entries"
    )
    item = models.CharField(_("item"), max_length=24, choices=PointItem.choices)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    earned_at = models.DateTimeField(_("earned at"), db_index=True)
    rule_version = models.ForeignKey(
        RuleVersion,
        verbose_name=_("rule version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    # The person's town when earned (rankings within a town), empty for county-wide posts.
    town = models.ForeignKey(
        Region,
        verbose_name=_("town"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the recomputation matches on: item, person and source — one entry each.
    key = models.CharField(_("key"), max_length=120, unique=True, editable=False)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("point entry")
        verbose_name_plural = _("point entries")
        ordering = ["-earned_at", "-id"]
        indexes = [models.Index(fields=["person", "earned_at"], name="scoring_entry_person_at")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_item_display()} · {self.points:+}"


# --- appeals and outcomes ---------------------------------------------------------------------


class Appeal(models.Model):
    """An appeal (申诉) against a point entry: filed by the person, decided by a town or county
    supervisor. Upheld, it adds an adjustment entry setting the entry to the decided value."""

    entry = models.ForeignKey(
        PointEntry,
        verbose_name=_("point entry"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="appeals",
    )
    person = models.ForeignKey(
        USER, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    # What the entry said when appealed (it may be recomputed later).
    entry_item = models.CharField(_("item"), max_length=24, choices=PointItem.choices)
    entry_points = models.DecimalField(_("points appealed"), max_digits=7, decimal_places=2)
    state = models.CharField(
        _("state"), max_length=10, choices=AppealState.choices, default=AppealState.FILED
    )
    reason = models.TextField(_("reason"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_points = models.DecimalField(
        _("points decided"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    adjustment = models.OneToOneField(
        PointEntry,
        verbose_name=_("adjustment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjusting_appeal",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("points appeal")
        verbose_name_plural = _("points appeals")
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_entry_item_display()} · {self.get_state_display()}"


class AppealHistory(HistoryEntry):
    """One row per change to an appeal (申诉记录), with the points before and after."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("appeal history entry")
        verbose_name_plural = _("appeal history")


class Outcome(models.Model):
    """An outcome of the assessment (考核结果): a quarter's rating or a promotion, with who and when."""

    person = models.ForeignKey(
        USER, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    grade = models.CharField(_("rating"), max_length=12, choices=Grade.choices, blank=True)
    total = models.DecimalField(
        _("total points"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment outcome")
        verbose_name_plural = _("assessment outcomes")
        ordering = ["-year", "-quarter", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "quarter"],
                condition=Q(kind="rating"),
                name="scoring_one_rating_per_quarter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.year}"
