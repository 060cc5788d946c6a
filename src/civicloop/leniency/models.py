"""Flexible enforcement (柔性执法): the "一免一减" list and its use in decisions, minor-violation
notice and commitment (轻微违法告知承诺), credit repair (信用修复) and enterprise "butler"
services (管家式服务).

Every change goes through ``services.py`` and leaves a history row; states move along the
tables of ``workflow.py``; the rules are ``conditions.py`` (each condition of an item),
``evaluation.py`` (which items apply to a case and why) and ``credit.py`` (when a published
penalty becomes repairable). docs/leniency.md states them.

Dates: ``effective_from`` is the first day a version is in force and ``effective_to`` the
**last** day (inclusive); empty means "until further notice" (as in ``matters``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.choices import PenaltyKind
from civicloop.cases.models import Case
from civicloop.core.history import HistoryEntry
from civicloop.matters.models import in_force_q
from civicloop.org.models import Unit
from civicloop.org.scope import scope_of

from .choices import (
    OPEN_COMMITMENT_STATES,
    OPEN_REPAIR_STATES,
    CommitmentState,
    Harm,
    ItemKind,
    LegalBasis,
    RepairState,
    ServiceKind,
)

MONEY = {"max_digits": 12, "decimal_places": 2}

item_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,39}$",
    _("An item code has 2–40 capital letters, digits and hyphens, e.g. MF-ZD-001."),
)


def _cases_visible_to(user):

    return Case.objects.visible_to(user)


# --- the 一免一减 list -------------------------------------------------------------------


class LeniencyItemQuerySet(models.QuerySet):
    def active(self) -> LeniencyItemQuerySet:
        return self.filter(is_active=True)

    def in_force(self, on: dt.date | None = None) -> LeniencyItemQuerySet:
        """Active items with a version in force on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.active().filter(
            pk__in=LeniencyItemVersion.objects.filter(in_force_q(on)).values("item")
        )

    def listed_on(self, on: dt.date) -> LeniencyItemQuerySet:
        """Items with a version in force on ``on``, withdrawn or not since: what the list held
        that day (a withdrawal ends the last version, so past days stay right)."""
        return self.filter(pk__in=LeniencyItemVersion.objects.filter(in_force_q(on)).values("item"))

    def visible_to(self, user) -> LeniencyItemQuerySet:
        """The list is published (Art. 34 asks the same of discretion benchmarks): every
        signed-in member of staff reads it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self


class LeniencyItem(models.Model):
    """An item of the "一免一减" list (首违不罚 / 减轻 / 从轻 list) for one enforcement matter.

    What stays the same lives here (code, matter, kind); the conditions, legal basis and the
    local list's document number live in dated :class:`LeniencyItemVersion` rows, so a new
    list never rewrites what an earlier decision applied.
    """

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[item_code_validator])
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        related_name="leniency_items",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LeniencyItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("exemption or reduction item")
        verbose_name_plural = _("exemption and reduction list")
        ordering = ["matter__code", "kind", "code"]

    def __str__(self) -> str:
        return self.code

    def version_on(self, on: dt.date) -> LeniencyItemVersion | None:
        prefetched = getattr(self, "prefetched_versions", None)
        if prefetched is not None:
            found = [v for v in prefetched if v.is_in_force(on)]
            return max(found, key=lambda v: v.effective_from) if found else None
        return self.versions.filter(in_force_q(on)).order_by("-effective_from").first()

    def current_version(self) -> LeniencyItemVersion | None:
        return self.version_on(timezone.localdate())

    def latest_version(self) -> LeniencyItemVersion | None:
        return self.versions.order_by("-effective_from").first()


class LeniencyItemVersion(models.Model):
    """One wording of an item: its conditions (structured rules, ``conditions.py``), legal
    basis, the local list's document number, in force from ``effective_from`` to
    ``effective_to`` (inclusive)."""

    item = models.ForeignKey(
        LeniencyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective until"),
        null=True,
        blank=True,
        help_text=_("Last day in force; empty while it is the current version."),
    )
    title = models.CharField(
        _("circumstance"),
        max_length=200,
        help_text=_("The circumstance the item covers, e.g. 首次占道经营，经劝导立即改正."),
    )
    conditions = models.JSONField(
        _("conditions"),
        default=list,
        help_text=_("Structured rules, e.g. first_violation=2; harm=minor."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    basis_text = models.CharField(
        _("basis (text)"),
        max_length=200,
        blank=True,
        help_text=_("e.g. 《行政处罚法》第三十三条第一款"),
    )
    document_number = models.CharField(
        _("document number of the list"),
        max_length=80,
        blank=True,
        help_text=_("The local list's document number; mark invented ones 演示."),
    )
    note = models.TextField(_("note"), blank=True)
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
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="leniency_version_number_once"),
            models.UniqueConstraint(
                fields=["item", "effective_from"], name="leniency_version_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="leniency_version_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number}"

    def is_in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or self.effective_to >= on)

    def content(self) -> dict:
        """What a new version may change (compared on import)."""
        return {
            "title": self.title,
            "conditions": self.conditions,
            "legal_basis": self.legal_basis,
            "basis_text": self.basis_text,
            "document_number": self.document_number,
        }


class LeniencyItemHistory(HistoryEntry):
    """Every change to an item: created, new version, withdrawn from the list."""

    item = models.ForeignKey(
        LeniencyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("item history entry")
        verbose_name_plural = _("item history")


# --- a case's circumstances and the items its decision applied ---------------------------


class CaseCircumstances(models.Model):
    """What the handlers find about a case's circumstances (情节认定) that the records cannot
    tell: the harmful consequence, the correction ordered and when it was made, the amount
    involved, and whether the party's violations before Civicloop's records were checked."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="circumstances"
    )
    harm = models.CharField(
        _("harmful consequence"), max_length=20, choices=Harm.choices, blank=True
    )
    correction_ordered_on = models.DateField(_("correction ordered on"), null=True, blank=True)
    correction_due_on = models.DateField(
        _("correct by"),
        null=True,
        blank=True,
        help_text=_("The time the order gave for the correction."),
    )
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    amount_involved = models.DecimalField(
        _("amount involved (yuan)"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("Value of the goods or the illegal gains involved."),
    )
    earlier_records_checked = models.BooleanField(
        _("earlier violations checked elsewhere"),
        default=False,
        help_text=_(
            "The party's violations from before Civicloop's records were checked in the former "
            "system or the credit platform, and none was found."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("circumstances of a case")
        verbose_name_plural = _("circumstances of cases")

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_harm_display() or '—'}"


class CaseCircumstancesHistory(HistoryEntry):
    """Every recording of a case's circumstances (the values as recorded then)."""

    circumstances = models.ForeignKey(
        CaseCircumstances,
        verbose_name=_("circumstances"),
        on_delete=models.PROTECT,
        related_name="history",
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("circumstances history entry")
        verbose_name_plural = _("circumstances history")


class AppliedItemQuerySet(models.QuerySet):
    def decided_between(self, start=None, end=None) -> AppliedItemQuerySet:
        qs = self.filter(case__decided_at__isnull=False)
        if start:
            qs = qs.filter(case__decided_at__date__gte=start)
        if end:
            qs = qs.filter(case__decided_at__date__lte=end)
        return qs

    def visible_to(self, user) -> AppliedItemQuerySet:
        return self.filter(case__in=_cases_visible_to(user))


class AppliedItem(models.Model):
    """An "一免一减" item a decision applied (适用记录): the version, and each condition as it
    was evaluated at the decision (with its evidence), fixed then."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="leniency_applied",
    )
    item = models.ForeignKey(
        LeniencyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="applications"
    )
    version = models.ForeignKey(
        LeniencyItemVersion,
        verbose_name=_("item version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    outcome = models.CharField(_("outcome"), max_length=20)
    checks = models.JSONField(_("conditions as evaluated"), default=list)
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AppliedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("applied item")
        verbose_name_plural = _("applied items")
        ordering = ["case", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["case", "item"], name="leniency_applied_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.item.code}"


# --- 轻微违法告知承诺 -----------------------------------------------------------------------


class CommitmentQuerySet(models.QuerySet):
    def open(self) -> CommitmentQuerySet:
        return self.filter(state__in=OPEN_COMMITMENT_STATES)

    def visible_to(self, user) -> CommitmentQuerySet:
        """Whoever sees the case sees its commitments."""
        return self.filter(case__in=_cases_visible_to(user))


def commitment_scan_name(sha256: str, extension: str) -> str:
    # Not under attachments/: ``prune_attachments`` only knows event attachments.
    return f"leniency/commitments/{sha256[:2]}/{sha256}{extension}"


class Commitment(models.Model):
    """A minor-violation notice and commitment (轻微违法告知承诺): the notice to the party, the
    party's written commitment (text and the signed scan), and the follow-up check the
    handling unit makes on the date the rule gives. A broken commitment reopens the matter
    as a new event of the event loop (``reopened_event``; ``event.leniency_commitments`` is
    the way back)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="commitments"
    )
    party = models.ForeignKey(
        "parties.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("matter"), on_delete=models.PROTECT, related_name="+"
    )
    handling_unit = models.ForeignKey(
        Unit, verbose_name=_("follow-up by"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=CommitmentState.choices,
        default=CommitmentState.NOTIFIED,
        db_index=True,
    )
    notice_text = models.TextField(
        _("notice"),
        help_text=_(
            "What the party did, the rule broken, what must be corrected, and what breaking the commitment means."
        ),
    )
    notice_served_at = models.DateTimeField(_("notice served at"))
    notice_served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("served by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    commitment_text = models.TextField(_("the party's commitment"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    scan = models.FileField(
        _("signed scan"), upload_to="leniency/commitments/", max_length=255, blank=True
    )
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    scan_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    scan_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    scan_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    follow_up_due_on = models.DateField(
        _("follow-up check on"), null=True, blank=True, db_index=True
    )
    due_notified_at = models.DateTimeField(_("follow-up reminder sent at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    check_note = models.TextField(_("what the check found"), blank=True)
    reopened_event = models.ForeignKey(
        "events.Event",
        verbose_name=_("reopened as event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leniency_commitments",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice and commitment")
        verbose_name_plural = _("notices and commitments")
        ordering = ["-notice_served_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party"],
                condition=Q(state__in=OPEN_COMMITMENT_STATES),
                name="leniency_one_open_commitment_per_case_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.party} · {self.get_state_display()}"

    @property
    def is_image(self) -> bool:
        return self.scan_content_type.startswith("image/")


class CommitmentHistory(HistoryEntry):
    """One row per change to a commitment (告知承诺流转记录)."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("commitment history entry")
        verbose_name_plural = _("commitment history")


# --- 信用修复 -----------------------------------------------------------------------------


class CreditRepairQuerySet(models.QuerySet):
    def open(self) -> CreditRepairQuerySet:
        return self.filter(state__in=OPEN_REPAIR_STATES)

    def repaired_between(self, start=None, end=None) -> CreditRepairQuerySet:
        qs = self.filter(state=RepairState.REPAIRED, repaired_at__isnull=False)
        if start:
            qs = qs.filter(repaired_at__date__gte=start)
        if end:
            qs = qs.filter(repaired_at__date__lte=end)
        return qs

    def visible_to(self, user) -> CreditRepairQuerySet:
        """Whoever sees the case sees the repair of its published penalty."""
        return self.filter(case__in=_cases_visible_to(user))


class CreditRepair(models.Model):
    """The credit repair (信用修复) of one published penalty of an enterprise: found by the sweep
    once the minimum publication period has passed and the decision was performed, the
    enterprise told proactively (主动告知) by the handling unit, then applied for, its
    materials checked, and repaired or refused with the reason."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="credit_repairs",
    )
    party = models.ForeignKey(
        "parties.Party",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="credit_repairs",
    )
    handling_unit = models.ForeignKey(
        Unit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RepairState.choices,
        default=RepairState.NOTIFIED,
        db_index=True,
    )
    penalty_kinds = models.JSONField(_("penalty kinds"), default=list)
    published_on = models.DateField(_("published from"))
    minimum_months = models.PositiveSmallIntegerField(_("minimum publication (months)"))
    repairable_on = models.DateField(_("repairable from"))
    notified_at = models.DateTimeField(_("found and notified at"), default=timezone.now)
    contacted_at = models.DateTimeField(_("enterprise told at"), null=True, blank=True)
    contact_note = models.TextField(_("how the enterprise was told"), blank=True)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    application_note = models.TextField(_("application"), blank=True)
    checked_at = models.DateTimeField(_("materials checked at"), null=True, blank=True)
    materials_note = models.TextField(_("materials"), blank=True)
    repaired_at = models.DateTimeField(_("repaired at"), null=True, blank=True, db_index=True)
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CreditRepairQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit repair")
        verbose_name_plural = _("credit repairs")
        ordering = ["-notified_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party"], name="leniency_repair_once_per_penalty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.party} · {self.get_state_display()}"

    @property
    def penalty_kind_labels(self) -> list[str]:
        """The penalty kinds in words (the field keeps their codes: ``fine``, ``warning``…)."""
        words = {"fine": _("fine"), "confiscation": _("confiscation"), **dict(PenaltyKind.choices)}
        return [str(words.get(kind, kind)) for kind in self.penalty_kinds]


class CreditRepairHistory(HistoryEntry):
    """One row per change to a credit repair."""

    repair = models.ForeignKey(
        CreditRepair,
        verbose_name=_("credit repair"),
        on_delete=models.PROTECT,
        related_name="history",
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("credit repair history entry")
        verbose_name_plural = _("credit repair history")


# --- 管家式服务 ---------------------------------------------------------------------------


class ButlerServiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> ButlerServiceQuerySet:
        """The unit's officers and staff whose area covers the unit see its services; the
        county sees all; everyone the services they recorded or took part in."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = scope_of(user).as_q(
            region_code="unit__region__code",
            units=lambda ids: Q(unit_id__in=ids),
            owner="recorded_by",
        )
        if q is None:
            return self
        return self.filter(q | Q(staff=user)).distinct()


class ButlerService(models.Model):
    """An enterprise "butler" service (管家式服务) recorded against the enterprise: a compliance
    check-up (服务式体检) or a tailored law-popularisation session (定制式普法) — when, by
    which unit and staff, the topics, what was found and the follow-up."""

    party = models.ForeignKey(
        "parties.Party",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="butler_services",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    held_on = models.DateField(_("held on"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), related_name="+"
    )
    topics = models.CharField(_("topics"), max_length=300)
    findings = models.TextField(_("findings"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_due_on = models.DateField(_("follow-up by"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ButlerServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("butler service")
        verbose_name_plural = _("butler services")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.party} · {self.get_kind_display()} · {self.held_on:%Y-%m-%d}"


class ButlerServiceHistory(HistoryEntry):
    """The recording of a butler service (and any later change)."""

    service = models.ForeignKey(
        ButlerService,
        verbose_name=_("butler service"),
        on_delete=models.PROTECT,
        related_name="history",
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("butler service history entry")
        verbose_name_plural = _("butler service history")
