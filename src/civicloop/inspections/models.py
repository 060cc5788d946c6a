"""Inspections (双随机一公开, 综合查一次): market subjects, inspection plans, draws, tasks,
joint visits and inspection records.

A subject is one enterprise, shared with penalty cases through its ``parties.Party``
(one identity, one record). A plan belongs to one department and year; a draw stores its
seed, the inputs' hash, the algorithm version and the inputs themselves, so anyone can
draw again and compare. Tasks (one department, one subject) are merged into visits
(综合查一次); a visit gets one inspection record, from which a finding opens an event or a
penalty case. docs/inspections.md states the rules.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry
from civicloop.org.choices import QualificationKind, Role
from civicloop.org.models import Unit
from civicloop.org.scope import restrict

from .choices import (
    PROBLEM_RESULTS,
    CreditClass,
    Industry,
    ItemOutcome,
    PlanState,
    ResultCode,
    RiskGrade,
    TaskState,
    VisitState,
)

COORDINATE = {"max_digits": 9, "decimal_places": 6, "null": True, "blank": True}


def _unit_area_q(path: str):
    """For officers (scope 'work of their unit'): rows located in the areas their units serve
    (a county department serves the whole county, a town squad its town)."""

    def q(unit_ids):
        result = Q(pk__in=[])
        for code in Unit.objects.filter(pk__in=unit_ids).values_list("region__code", flat=True):
            prefix = code[:6] if code.endswith("000000") else code[:9]
            result |= Q(**{f"{path}__startswith": prefix})
        return result

    return q


# --- subjects ----------------------------------------------------------------------------


class SubjectQuerySet(models.QuerySet):
    def active(self) -> SubjectQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user) -> SubjectQuerySet:
        """A town sees the subjects located in it; a county department the county; the county
        centre and leaders everything."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return restrict(self, user, region_code="region__code", units=_unit_area_q("region__code"))


class Subject(models.Model):
    """A market subject (市场主体) under inspection: an enterprise or an individual business.

    Its identity (name, unified social credit code, legal representative) is the
    ``parties.Party`` it shares with penalty cases."""

    party = models.OneToOneField(
        "parties.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="inspection_subject",
    )
    industry = models.CharField(_("industry"), max_length=24, choices=Industry.choices)
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The town, village or grid the subject is in."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude (GCJ-02)"), **COORDINATE)
    longitude = models.DecimalField(_("longitude (GCJ-02)"), **COORDINATE)
    risk_grade = models.CharField(_("risk grade"), max_length=1, choices=RiskGrade.choices)
    credit_class = models.CharField(
        _("credit class"), max_length=1, choices=CreditClass.choices, default=CreditClass.B
    )
    special_lists = models.JSONField(_("special lists"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("market subject")
        verbose_name_plural = _("market subjects")
        ordering = ["party__name", "id"]

    def __str__(self) -> str:
        return self.party.name

    @property
    def name(self) -> str:
        return self.party.name

    @property
    def credit_code(self) -> str:
        return self.party.credit_code


class SubjectHistory(HistoryEntry):
    subject = models.ForeignKey(
        Subject, verbose_name=_("market subject"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("subject history entry")
        verbose_name_plural = _("subject history")


class Recusal(models.Model):
    """回避: an inspector who must not inspect a subject (kinship, former employment …)."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("market subject"), on_delete=models.CASCADE, related_name="recusals"
    )
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "subject"], name="inspections_recusal_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} · {self.subject}"


# --- plans ----------------------------------------------------------------------------------


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        """A department sees its own plans and those it joins; legal reviewers the plans in
        review or published; the county sees all; towns see published plans."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        scoped = restrict(
            self,
            user,
            units=lambda ids: Q(unit__in=ids) | Q(joint_units__in=ids),
            owner="created_by",
        )
        if scoped is self:
            return self
        return self.filter(
            Q(pk__in=scoped.values("pk"))
            | Q(state=PlanState.PUBLISHED)
            | Q(state=PlanState.IN_REVIEW, pk__in=self._reviewable(user))
        ).distinct()

    def _reviewable(self, user):
        if user.has_role(Role.LEGAL_REVIEWER):
            return self.values("pk")
        return self.none().values("pk")


class InspectionPlan(models.Model):
    """An annual inspection plan of a department (年度抽查计划): check items, strata with their
    sampling ratios and minimum frequencies, and an inspector pool. A plan joined by other
    departments (跨部门联合抽查) is published after legal review."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    joint_units = models.ManyToManyField(
        Unit, verbose_name=_("joining departments"), blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=120)
    state = models.CharField(
        _("state"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT
    )
    qualification = models.CharField(
        _("qualification of inspectors"),
        max_length=32,
        choices=QualificationKind.choices,
        default=QualificationKind.ENFORCEMENT_CERTIFICATE,
    )
    inspectors_per_subject = models.PositiveSmallIntegerField(
        _("inspectors per subject"),
        default=2,
        validators=[MinValueValidator(2)],
        help_text=_("At least two law-enforcement officers (行政处罚法 Art. 42)."),
    )
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "unit__name", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_joint(self) -> bool:
        return self.joint_units.exists()


class PlanHistory(HistoryEntry):
    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("plan history entry")
        verbose_name_plural = _("plan history")


class PlanItem(models.Model):
    """A check item of a plan (检查事项), under an enforcement matter."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("check item"), max_length=200)
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="inspections_item_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class PlanStratum(models.Model):
    """A target stratum of a plan: subjects of an industry (or any) and a risk grade (or any),
    the share of them to draw and the minimum visits per subject and year. No national ratio
    is fixed: every number is the plan's."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="strata"
    )
    industry = models.CharField(_("industry"), max_length=24, choices=Industry.choices, blank=True)
    risk_grade = models.CharField(
        _("risk grade"), max_length=1, choices=RiskGrade.choices, blank=True
    )
    ratio = models.DecimalField(
        _("sampling ratio"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    minimum_per_year = models.PositiveSmallIntegerField(
        _("minimum visits per year"), default=0, help_text=_("Per subject of the stratum.")
    )

    class Meta:
        verbose_name = _("stratum")
        verbose_name_plural = _("strata")
        ordering = ["plan", "industry", "risk_grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "industry", "risk_grade"], name="inspections_stratum_once"
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return f"{self.industry or '*'}/{self.risk_grade or '*'}"

    def matches(self, subject: Subject) -> bool:
        return (not self.industry or self.industry == subject.industry) and (
            not self.risk_grade or self.risk_grade == subject.risk_grade
        )


class PoolMember(models.Model):
    """An inspector of a plan's pool (执法检查人员名录库)."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="pool"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    max_visits_per_day = models.PositiveSmallIntegerField(_("visits per day at most"), default=4)

    class Meta:
        verbose_name = _("pool member")
        verbose_name_plural = _("inspector pool")
        ordering = ["plan", "unit", "inspector"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "inspector"], name="inspections_pool_once")
        ]

    def __str__(self) -> str:
        return str(self.inspector)


# --- draws ----------------------------------------------------------------------------------


class DrawQuerySet(models.QuerySet):
    def public(self) -> DrawQuerySet:
        return self.filter(plan__state=PlanState.PUBLISHED)

    def visible_to(self, user) -> DrawQuerySet:
        return self.filter(plan__in=InspectionPlan.objects.visible_to(user))


class Draw(models.Model):
    """A 双随机 draw of a plan: which subjects and which inspectors, reproducibly. The seed,
    the inputs' hash, the algorithm version and the inputs are stored and published."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="draws"
    )
    seed = models.BigIntegerField(_("seed"))
    inputs_hash = models.CharField(_("inputs hash"), max_length=128)
    algorithm_version = models.CharField(_("algorithm version"), max_length=40)
    inputs = models.JSONField(_("inputs"), default=dict)
    window_start = models.DateField(_("window from"))
    window_end = models.DateField(_("window until"))
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT
    )

    objects = DrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} #{self.pk}"


class DrawPick(models.Model):
    """One subject drawn, its stratum and the inspectors drawn for it."""

    draw = models.ForeignKey(
        Draw, verbose_name=_("draw"), on_delete=models.CASCADE, related_name="picks"
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("market subject"), on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(_("stratum"), max_length=60)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="+"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("subject drawn")
        verbose_name_plural = _("subjects drawn")
        ordering = ["draw", "position"]

    def __str__(self) -> str:
        return str(self.subject)


# --- tasks and visits ----------------------------------------------------------------------


class TaskQuerySet(models.QuerySet):
    def open(self) -> TaskQuerySet:
        return self.filter(state=TaskState.OPEN)

    def visible_to(self, user) -> TaskQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return restrict(
            self,
            user,
            region_code="subject__region__code",
            units=lambda ids: Q(unit__in=ids),
        )


class Task(models.Model):
    """An inspection task (检查任务): one department checks one subject on some items within a
    window. Tasks of several departments are merged into one visit."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("market subject"), on_delete=models.PROTECT, related_name="tasks"
    )
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    pick = models.ForeignKey(
        DrawPick,
        verbose_name=_("drawn as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    items = models.ManyToManyField(PlanItem, verbose_name=_("check items"), related_name="+")
    earliest = models.DateField(_("earliest"))
    latest = models.DateField(_("latest"))
    inspectors_needed = models.PositiveSmallIntegerField(_("inspectors needed"), default=2)
    qualification = models.CharField(
        _("qualification"),
        max_length=32,
        choices=QualificationKind.choices,
        default=QualificationKind.ENFORCEMENT_CERTIFICATE,
    )
    state = models.CharField(
        _("state"), max_length=20, choices=TaskState.choices, default=TaskState.OPEN
    )
    visit = models.ForeignKey(
        "Visit",
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["earliest", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latest__gte=models.F("earliest")), name="inspections_task_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.subject}"


class PlanningRun(models.Model):
    """One run of the joint-visit planner (综合查一次): how many tasks it merged into how many
    visits, against the lower bound it proved."""

    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    tasks = models.PositiveIntegerField(_("tasks"))
    visits = models.PositiveIntegerField(_("visits"))
    lower_bound = models.PositiveIntegerField(_("lower bound"))
    solver = models.CharField(_("solver"), max_length=60)
    optimal = models.BooleanField(_("proved optimal"), default=False)
    window_days = models.PositiveSmallIntegerField(_("window (days)"), null=True, blank=True)

    class Meta:
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} · {self.visits}/{self.tasks}"


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> VisitQuerySet:
        """A town sees the visits to its subjects; a department the visits it leads or joins."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return restrict(
            self,
            user,
            region_code="subject__region__code",
            units=lambda ids: Q(lead_unit__in=ids) | Q(units__in=ids),
        ).distinct()

    def in_year(self, year: int) -> VisitQuerySet:
        return self.filter(date__year=year)


class Visit(models.Model):
    """A visit to one subject on one day (一次检查): one or more departments' tasks merged
    (综合查一次), a lead department, at least two inspectors."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("market subject"), on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField(_("date"))
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="+"
    )
    units = models.ManyToManyField(Unit, verbose_name=_("departments"), related_name="+")
    department_count = models.PositiveSmallIntegerField(_("departments"), default=1)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=VisitState.choices, default=VisitState.PLANNED
    )
    run = models.ForeignKey(
        PlanningRun,
        verbose_name=_("planning run"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["subject", "date"], name="inspections_visit_subj_date")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.date}"

    @property
    def is_joint(self) -> bool:
        return self.department_count > 1


class VisitHistory(HistoryEntry):
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("visit history entry")
        verbose_name_plural = _("visit history")


# --- records --------------------------------------------------------------------------------


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> RecordQuerySet:
        return self.filter(visit__in=Visit.objects.visible_to(user))

    def problems(self) -> RecordQuerySet:
        return self.filter(result_code__in=PROBLEM_RESULTS)


class InspectionRecord(models.Model):
    """The record of a visit (检查记录), made on a phone on site: check-list results, photos,
    location, the signatures and the national result code. A finding opens an event or a
    penalty case, linked here."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="record"
    )
    number = models.CharField(_("record number"), max_length=40, unique=True)
    inspected_at = models.DateTimeField(_("inspected at"), default=timezone.now)
    result_code = models.CharField(_("result"), max_length=2, choices=ResultCode.choices)
    findings = models.TextField(_("findings"), blank=True)
    latitude = models.DecimalField(_("latitude (GCJ-02)"), **COORDINATE)
    longitude = models.DecimalField(_("longitude (GCJ-02)"), **COORDINATE)
    inspector_signature = models.CharField(_("inspectors' signature"), max_length=120)
    representative_name = models.CharField(_("subject's representative"), max_length=60)
    representative_confirmed = models.BooleanField(_("representative confirmed"), default=False)
    signature_image = models.TextField(
        _("drawn signature"), blank=True, help_text=_("PNG data URL from the signature pad.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("penalty case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_records",
    )
    case_opened_at = models.DateTimeField(_("case opened at"), null=True, blank=True)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    event_opened_at = models.DateTimeField(_("event opened at"), null=True, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")
        ordering = ["-inspected_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def found_problem(self) -> bool:
        return self.result_code in PROBLEM_RESULTS


class RecordItem(models.Model):
    """The result of one check item in a record."""

    record = models.ForeignKey(
        InspectionRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(PlanItem, verbose_name=_("check item"), on_delete=models.PROTECT)
    outcome = models.CharField(_("outcome"), max_length=8, choices=ItemOutcome.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("check-list result")
        verbose_name_plural = _("check-list results")
        ordering = ["record", "item__code"]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_outcome_display()}"


class RecordPhoto(models.Model):
    record = models.ForeignKey(
        InspectionRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.CharField(_("file"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.name


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
