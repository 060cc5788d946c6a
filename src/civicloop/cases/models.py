"""Administrative penalty cases (行政处罚案件) and the records of their procedure.

A case belongs to a handling unit (a town squad or a county department), names its
parties (``parties.Party``), the enforcement matters it applies (``matters.Matter``
with the version in force on the day of the violation), its handlers, evidence,
prior notices, the party's statements, a hearing, legal reviews with their
reviewers' opinions, approvals (withdrawal, extension), time limits and payments.

The stages are the state machine in ``workflow.py``; every change goes through
``services.py`` and leaves one :class:`CaseHistory` row. Rules with their legal
articles live in ``rules.py``, ``review.py``, ``eligibility.py`` and
``deadlines.py``; docs/cases.md states them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry
from civicloop.org.models import Region, Unit
from civicloop.org.scope import scope_of

from .choices import (
    FINISHED_STATES,
    ApprovalKind,
    ApprovalState,
    CaseSource,
    CaseState,
    Counting,
    DeadlineKind,
    EvidenceKind,
    HearingOutcome,
    JointReviewRule,
    NoPenaltyGround,
    Opinion,
    Outcome,
    PartyRole,
    Procedure,
    ReturnTo,
    ReviewMode,
    ReviewState,
    ServiceMethod,
)
from .permissions import responsible_unit_q
from .rules import AUTHORITY_DEADLINES, limitation_end

MONEY = {"max_digits": 12, "decimal_places": 2}


class DocumentNumberScheme(models.Model):
    """A handling unit's document-number scheme (文书编号规则): the prefix before the
    document word, e.g. ``盐综执（武原）`` gives ``盐综执（武原）立字〔2026〕第0001号``.

    Numbers count per unit, document word and year (``numbering.py``); a unit without
    a scheme uses its name as the prefix.
    """

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="document_number_scheme",
        limit_choices_to={"kind__in": ["squad", "department"]},
    )
    # Unique: two units with one prefix would issue the same document numbers.
    prefix = models.CharField(
        _("prefix"),
        max_length=40,
        unique=True,
        help_text=_("e.g. 盐综执（武原）"),
        error_messages={
            "unique": _("Another unit already uses this prefix; document numbers would collide.")
        },
    )

    class Meta:
        verbose_name = _("document-number scheme")
        verbose_name_plural = _("document-number schemes")
        ordering = ["unit__region__code", "unit__name"]

    def __str__(self) -> str:
        return f"{self.unit}: {self.prefix}"


class CaseQuerySet(models.QuerySet):
    def open(self) -> CaseQuerySet:
        return self.exclude(state__in=FINISHED_STATES)

    def of_procedure(self, procedure: str) -> CaseQuerySet:
        return self.filter(procedure=procedure)

    def empowered(self) -> CaseQuerySet:
        return self.filter(is_empowered=True)

    def with_place(self) -> CaseQuerySet:
        """Annotate ``place_code``: the division code a case is counted under — the place of the
        violation (``region``) when recorded, else the handling unit's area (figures, filters)."""
        return self.annotate(place_code=Coalesce("region__code", "handling_unit__region__code"))

    def within(self, region: Region) -> CaseQuerySet:
        """Cases whose place lies in ``region`` or below it (by division-code prefix)."""
        return self.with_place().filter(place_code__startswith=region.prefix)

    def decided_between(self, start=None, end=None) -> CaseQuerySet:
        """Cases whose decision was made on a local date in [start, end] (either may be open)."""
        qs = self.filter(decided_at__isnull=False)
        if start:
            qs = qs.filter(decided_at__date__gte=start)
        if end:
            qs = qs.filter(decided_at__date__lte=end)
        return qs

    def closed_between(self, start=None, end=None) -> CaseQuerySet:
        qs = self.filter(state=CaseState.CLOSED, closed_at__isnull=False)
        if start:
            qs = qs.filter(closed_at__date__gte=start)
        if end:
            qs = qs.filter(closed_at__date__lte=end)
        return qs

    def overdue(self, at=None) -> CaseQuerySet:
        """Open cases with an authority deadline (decision, fast-track target, service) passed and unmet."""
        at = at or timezone.now()
        late = CaseDeadline.objects.filter(
            case=OuterRef("pk"),
            kind__in=AUTHORITY_DEADLINES,
            is_active=True,
            met_at__isnull=True,
            due_at__lt=at,
        )
        return self.open().filter(Exists(late))

    def needing_action_by(self, user) -> CaseQuerySet:
        """My case work: open cases I handle, cases awaiting my approval as the responsible
        person, and legal reviews waiting for my opinion."""

        if not getattr(user, "is_authenticated", False):
            return self.none()
        mine = CaseHandler.objects.filter(case=OuterRef("pk"), user=user)
        seat = ReviewSeat.objects.filter(
            review__case=OuterRef("pk"),
            reviewer=user,
            opinion="",
            review__state=ReviewState.PENDING,
        )
        pending = CaseApproval.objects.filter(case=OuterRef("pk"), state=ApprovalState.PENDING)
        q = Q(Exists(mine)) | Q(Exists(seat))
        units = responsible_unit_q(user)
        if units is not None:
            q |= units & (
                Q(
                    state__in=[
                        CaseState.CASE_REVIEW,
                        CaseState.PRIOR_NOTICE,
                        CaseState.STATEMENT,
                        CaseState.HEARING,
                        CaseState.SERVED,
                        CaseState.EXECUTING,
                    ]
                )
                | Q(Exists(pending))
            )
        return self.open().filter(q)

    def visible_to(self, user) -> CaseQuerySet:
        """The handling unit's officers and staff of its town (command room, leaders of
        the area) see its cases; the county centre and county leaders see all; reviewers
        see the cases given to them for review; everyone the cases they filed."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        q = scope_of(user).as_q(
            region_code="handling_unit__region__code",
            units=lambda unit_ids: Q(handling_unit_id__in=unit_ids),
            owner="filed_by",
        )
        if q is None:
            return self
        seat = ReviewSeat.objects.filter(review__case=OuterRef("pk"), reviewer=user)
        handler = CaseHandler.objects.filter(case=OuterRef("pk"), user=user)
        return self.filter(q | Q(Exists(seat)) | Q(Exists(handler)))


class Case(models.Model):
    """An administrative penalty case (行政处罚案件).

    ``is_empowered`` is a fact fixed at filing: a town squad acting on a matter the town
    held that day under delegated powers (赋权). The proposal (``proposed_*``) is what the
    investigation concluded; the decision fields are what was decided.
    """

    number = models.CharField(_("case number"), max_length=80, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    handling_unit = models.ForeignKey(
        Unit, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="cases"
    )
    procedure = models.CharField(_("procedure"), max_length=20, choices=Procedure.choices)
    state = models.CharField(
        _("stage"), max_length=20, choices=CaseState.choices, default=CaseState.FILED, db_index=True
    )
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    inspection_reference = models.CharField(
        _("inspection reference"),
        max_length=120,
        blank=True,
        help_text=_("The inspection record the case comes from (until inspections are kept here)."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    facts = models.TextField(_("facts"))
    violation_date = models.DateField(_("date of the violation"))
    violation_ended_on = models.DateField(
        _("continuing violation ended on"),
        null=True,
        blank=True,
        help_text=_("For a continuing violation: the day it ended (Art. 36 counts from then)."),
    )
    limitation_five_years = models.BooleanField(
        _("five-year limitation"),
        default=False,
        help_text=_(
            "Involves life and health safety or financial safety with harmful consequences "
            "(Art. 36)."
        ),
    )
    is_empowered = models.BooleanField(
        _("decided under delegated powers"),
        default=False,
        help_text=_("A town squad's case on a matter the town held on the filing date."),
    )

    filed_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    # What the investigation found and what the handlers (and reviews) know about the case.
    facts_clear = models.BooleanField(_("facts are clear"), default=False)
    evidence_complete = models.BooleanField(_("evidence is complete"), default=False)
    party_admits = models.BooleanField(_("the party admits the violation"), default=False)
    fast_track_consent_at = models.DateTimeField(
        _("written consent to the fast track"),
        null=True,
        blank=True,
        help_text=_("When the party agreed in writing to the fast track."),
    )
    major_public_interest = models.BooleanField(
        _("involves a major public interest"), default=False
    )
    is_complex = models.BooleanField(_("difficult or complex"), default=False)
    other_law_review_basis = models.CharField(
        _("other law requiring legal review"),
        max_length=200,
        blank=True,
        help_text=_("The law or regulation that requires legal review (Art. 58 (4)), if any."),
    )
    needs_collective_deliberation = models.BooleanField(
        _("needs collective deliberation"),
        default=False,
        help_text=_(
            "Complex circumstances or a serious violation: the responsible persons decide "
            "together (Art. 57 ¶2)."
        ),
    )
    other_hearing_ground = models.CharField(
        _("other ground for a hearing"),
        max_length=200,
        blank=True,
        help_text=_(
            "Another heavier penalty or a rule that gives the right to a hearing (Art. 63 (5)(6))."
        ),
    )

    proposed_outcome = models.CharField(
        _("proposed outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    proposed_fine = models.DecimalField(_("proposed fine (yuan)"), **MONEY, null=True, blank=True)
    proposed_confiscation = models.DecimalField(
        _("proposed confiscation (yuan)"), **MONEY, null=True, blank=True
    )
    proposed_penalties = models.JSONField(_("proposed other penalties"), default=list, blank=True)
    proposal_reason = models.TextField(_("reasons for the proposal"), blank=True)
    # The prior notice of the current round: cleared when the case goes back to investigation.
    current_notice = models.ForeignKey(
        "PriorNotice",
        verbose_name=_("current prior notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    fine_amount = models.DecimalField(_("fine (yuan)"), **MONEY, null=True, blank=True)
    confiscation_amount = models.DecimalField(
        _("confiscation (yuan)"), **MONEY, null=True, blank=True
    )
    penalties = models.JSONField(_("other penalties"), default=list, blank=True)
    no_penalty_ground = models.CharField(
        _("ground for no penalty"), max_length=20, choices=NoPenaltyGround.choices, blank=True
    )
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    collective_deliberation_on = models.DateField(
        _("collective deliberation on"), null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    served_at = models.DateTimeField(_("decision served at"), null=True, blank=True)
    service_method = models.CharField(
        _("service method"), max_length=20, choices=ServiceMethod.choices, blank=True
    )
    performed_at = models.DateTimeField(
        _("performed at"),
        null=True,
        blank=True,
        help_text=_("When the fine (with any late-payment surcharge) was paid in full."),
    )
    court_enforcement_on = models.DateField(
        _("court enforcement applied for on"),
        null=True,
        blank=True,
        help_text=_(
            "Art. 72 (4): the application to the people's court for compulsory enforcement."
        ),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("penalty case")
        verbose_name_plural = _("penalty cases")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["handling_unit", "state"], name="case_unit_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(fine_amount__isnull=True) | Q(fine_amount__gte=0),
                name="cases_case_fine_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(proposed_fine__isnull=True) | Q(proposed_fine__gte=0),
                name="cases_case_proposed_fine_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state not in FINISHED_STATES

    @property
    def limitation_end(self):
        """Art. 36: last day on which the violation may still be discovered."""

        return limitation_end(
            self.violation_ended_on or self.violation_date, five_years=self.limitation_five_years
        )

    def principal_parties(self):
        return [link.party for link in self.party_links.all() if link.role == PartyRole.PARTY]

    def paid_total(self) -> Decimal:
        return self.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0")

    def active_deadline(self, kind: str) -> CaseDeadline | None:
        return self.deadlines.filter(kind=kind, is_active=True).order_by("-id").first()

    def latest_notice(self) -> PriorNotice | None:
        """The prior notice of the current round (None before it is served)."""
        return self.current_notice

    def latest_review(self) -> LegalReview | None:
        return self.legal_reviews.order_by("-requested_at", "-id").first()

    def pending_approval(self, kind: str) -> CaseApproval | None:
        return self.approvals.filter(kind=kind, state=ApprovalState.PENDING).first()


class CaseParty(models.Model):
    """A party linked to a case with a role (当事人, 第三人, 委托代理人)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="party_links"
    )
    party = models.ForeignKey(
        "parties.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="case_links",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=PartyRole.choices, default=PartyRole.PARTY
    )

    class Meta:
        verbose_name = _("party of a case")
        verbose_name_plural = _("parties of cases")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party", "role"], name="cases_party_once_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.party} · {self.get_role_display()}"


class CaseMatter(models.Model):
    """An enforcement matter applied in a case, with the version (wording, legal basis,
    fine range) in force on the day of the violation (Art. 37)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="matter_links"
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        related_name="case_links",
    )
    version = models.ForeignKey(
        "matters.MatterVersion",
        verbose_name=_("matter version"),
        on_delete=models.PROTECT,
        related_name="case_links",
    )

    class Meta:
        verbose_name = _("matter of a case")
        verbose_name_plural = _("matters of cases")
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "matter"], name="cases_matter_once")]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.matter.code}"


class CaseHandler(models.Model):
    """An enforcement officer handling the case (承办人), with the enforcement certificate
    (行政执法证) number that made them eligible on the filing date (Art. 42)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="handlers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    is_lead = models.BooleanField(_("lead handler"), default=False)
    certificate_number = models.CharField(_("enforcement certificate number"), max_length=40)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("case handler")
        verbose_name_plural = _("case handlers")
        ordering = ["case", "-is_lead", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="cases_handler_once")]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.user}"


class Evidence(models.Model):
    """An item of evidence (证据, Art. 46) with an optional file; served only through a scoped view."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    description = models.TextField(_("description"))
    collected_on = models.DateField(_("collected on"))
    file = models.FileField(_("file"), upload_to="attachments/", max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["case", "added_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_kind_display()}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class PriorNotice(models.Model):
    """The prior notice (行政处罚事先告知, Art. 44): the penalty proposed, its facts and basis,
    and the party's rights, with the periods they run for and any written waiver."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="notices"
    )
    served_at = models.DateTimeField(_("served at"))
    method = models.CharField(_("service method"), max_length=20, choices=ServiceMethod.choices)
    outcome = models.CharField(_("proposed outcome"), max_length=20, choices=Outcome.choices)
    fine = models.DecimalField(_("proposed fine (yuan)"), **MONEY, null=True, blank=True)
    confiscation = models.DecimalField(
        _("proposed confiscation (yuan)"), **MONEY, null=True, blank=True
    )
    penalties = models.JSONField(_("proposed other penalties"), default=list, blank=True)
    hearing_right = models.BooleanField(_("right to a hearing told"), default=False)
    statement_until = models.DateTimeField(_("statement period ends"))
    hearing_request_until = models.DateTimeField(
        _("hearing request period ends"), null=True, blank=True
    )
    statement_waived_at = models.DateTimeField(
        _("statement waived in writing at"), null=True, blank=True
    )
    hearing_waived_at = models.DateTimeField(
        _("hearing waived in writing at"), null=True, blank=True
    )
    waiver_note = models.TextField(_("waiver note"), blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("served by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("prior notice")
        verbose_name_plural = _("prior notices")
        ordering = ["case", "served_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.served_at:%Y-%m-%d}"


class Statement(models.Model):
    """The party's statement and defence (陈述申辩, Art. 45) and the authority's re-examination
    (复核) of it."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="statements"
    )
    notice = models.ForeignKey(
        PriorNotice,
        verbose_name=_("prior notice"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    received_at = models.DateTimeField(_("received at"))
    content = models.TextField(_("what the party said"))
    review_note = models.TextField(_("re-examination"))
    adopted = models.BooleanField(
        _("adopted"),
        default=False,
        help_text=_("The facts, reasons or evidence the party gave hold (Art. 45)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("statement and defence")
        verbose_name_plural = _("statements and defences")
        ordering = ["case", "received_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.received_at:%Y-%m-%d}"


class Hearing(models.Model):
    """A hearing (听证, Arts. 63–65): the party's request, the notice, the host (not an
    investigator of the case), and what happened."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="hearings"
    )
    notice = models.ForeignKey(
        PriorNotice,
        verbose_name=_("prior notice"),
        on_delete=models.PROTECT,
        related_name="hearings",
    )
    requested_at = models.DateTimeField(_("requested at"))
    notified_at = models.DateTimeField(_("party notified at"), null=True, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_public = models.BooleanField(_("public"), default=True)
    not_public_reason = models.CharField(_("why not public"), max_length=200, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=HearingOutcome.choices, blank=True
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    transcript_summary = models.TextField(_("transcript summary"), blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["case", "requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.requested_at:%Y-%m-%d}"


class LegalReview(models.Model):
    """A legal review (法制审核, Art. 58) of a case before its decision: by one reviewer, or
    jointly online (云上联审) or on site (现场联审) by several, each with an opinion
    (:class:`ReviewSeat`). The outcome rule is ``review.joint_outcome``."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="legal_reviews"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    mode = models.CharField(_("mode"), max_length=20, choices=ReviewMode.choices, blank=True)
    reasons = models.JSONField(_("why it is reviewed"), default=list, blank=True)
    rule = models.CharField(
        _("outcome rule"),
        max_length=20,
        blank=True,
        help_text=_("The joint-review rule in force when the reviewers were assigned."),
    )
    return_state = models.CharField(
        _("stage to go on to"),
        max_length=20,
        choices=CaseState.choices,
        default=CaseState.PRIOR_NOTICE,
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    meeting_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    return_to = models.CharField(
        _("returned to"), max_length=20, choices=ReturnTo.choices, blank=True
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("The changes asked for, or the reasons for returning."),
    )

    class Meta:
        verbose_name = _("legal review")
        verbose_name_plural = _("legal reviews")
        ordering = ["case", "requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_state_display()}"

    @property
    def is_joint(self) -> bool:
        return self.mode in (ReviewMode.JOINT_ONLINE, ReviewMode.JOINT_ON_SITE)

    @property
    def rule_label(self) -> str:
        """The outcome rule in words (the field keeps the setting's value, ``unanimous``…)."""
        try:
            return JointReviewRule(self.rule).label
        except ValueError:
            return self.rule


class ReviewSeat(models.Model):
    """One reviewer of a legal review and the opinion they recorded. ``qualified`` and the
    certificate number are what the reviewer held on the day of the opinion."""

    review = models.ForeignKey(
        LegalReview, verbose_name=_("legal review"), on_delete=models.PROTECT, related_name="seats"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_seats",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("reviewer's unit"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=32)
    opinion = models.CharField(_("opinion"), max_length=30, choices=Opinion.choices, blank=True)
    changes = models.TextField(_("changes asked for"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    return_to = models.CharField(
        _("return to"), max_length=20, choices=ReturnTo.choices, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    qualified = models.BooleanField(_("held the legal professional qualification"), default=False)
    qualification_number = models.CharField(
        _("qualification certificate number"), max_length=40, blank=True
    )

    class Meta:
        verbose_name = _("reviewer's opinion")
        verbose_name_plural = _("reviewers' opinions")
        ordering = ["review", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "reviewer"], name="cases_review_seat_once")
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.reviewer} · {self.get_opinion_display() or '—'}"


class CaseApproval(models.Model):
    """A request that needs the responsible person's approval: withdrawing the case
    (撤案) or extending its decision deadline (延期, under a rule providing for it, Art. 60)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="approvals"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApprovalKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    reason = models.TextField(_("reason"))
    extension_days = models.PositiveSmallIntegerField(_("extension (days)"), null=True, blank=True)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=200,
        blank=True,
        help_text=_("The rule that allows the extension."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["case", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=Q(state="pending"),
                name="cases_approval_one_pending_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_kind_display()} · {self.get_state_display()}"


class CaseDeadline(models.Model):
    """A time limit of the case with the rule it comes from. Superseded rows (an
    extension, a new notice) stay, inactive, for the record."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="deadlines"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    starts_at = models.DateTimeField(_("counted from"))
    amount = models.PositiveSmallIntegerField(_("length"))
    counting = models.CharField(_("counted in"), max_length=20, choices=Counting.choices)
    due_at = models.DateTimeField(_("due at"), db_index=True)
    basis = models.CharField(_("basis"), max_length=200)
    is_active = models.BooleanField(_("in force"), default=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent at"), null=True, blank=True)
    extension = models.ForeignKey(
        CaseApproval,
        verbose_name=_("extension"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
    )

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")
        ordering = ["case", "due_at", "id"]
        indexes = [
            models.Index(fields=["is_active", "met_at", "due_at"], name="case_deadline_open")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.get_kind_display()} · {self.due_at:%Y-%m-%d}"

    @property
    def binds_authority(self) -> bool:
        return self.kind in AUTHORITY_DEADLINES

    def is_overdue(self, at=None) -> bool:
        at = at or timezone.now()
        return self.binds_authority and self.is_active and self.met_at is None and self.due_at < at


class Payment(models.Model):
    """A payment of the fine (罚款缴纳); ``surcharge`` is the part that pays the late-payment
    surcharge of Art. 72 (1)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    surcharge = models.DecimalField(_("of which surcharge (yuan)"), **MONEY, default=Decimal("0"))
    paid_on = models.DateField(_("paid on"))
    receipt_number = models.CharField(_("receipt number"), max_length=60, blank=True)
    collected_on_the_spot = models.BooleanField(_("collected on the spot"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["case", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cases_payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.amount}"


class CaseHistory(HistoryEntry):
    """One row per change to a case: its complete, immutable record (案件流转记录)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("case history entry")
        verbose_name_plural = _("case history")
        indexes = [models.Index(fields=["case", "at"], name="case_history_case_at")]
