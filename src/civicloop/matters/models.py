"""Enforcement matters (执法事项), differentiated empowerment of towns (差异化赋权) and the
third-party assessment of each town (一镇一评估).

Dates: ``effective_from`` is the first day something is in force and
``effective_to`` the **last** day (inclusive); an empty ``effective_to`` means
"until further notice". ``in_force(on=date)`` on the querysets applies that rule
everywhere.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry
from civicloop.org.choices import RegionLevel, UnitKind
from civicloop.org.models import Region, Unit
from civicloop.org.scope import restrict

from .choices import BaseKind, GrantKind, HandlingLevel, PartyType, RequestState
from .display import format_ranges
from .permissions import is_assessor
from .ranges import ranges_of

matter_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,29}$",
    _("A matter code has 2–30 capital letters, digits and hyphens, e.g. SR-001."),
)
article_validator = RegexValidator(
    r"^第[零〇一二两三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?$",
    _("Write the article as in the statute, e.g. 第三十四条."),
)


class Category(models.Model):
    """Event category (事件类别) used at intake and judgement; the catalog of enforcement
    matters is sorted by it (``Matter.category``), so it lives with the matters.

    ``town_may_handle`` is the routing seam: until the matter catalog and
    differentiated empowerment decide per town and date, a category either may be
    handled by towns or belongs to its county department.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    handling_level = models.CharField(
        _("handled at"), max_length=10, choices=HandlingLevel.choices, default=HandlingLevel.TOWN
    )
    department = models.ForeignKey(
        Unit,
        verbose_name=_("owning county department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
        limit_choices_to={"kind": "department"},
    )
    town_may_handle = models.BooleanField(
        _("towns may handle"),
        default=True,
        help_text=_("If not, general events of this category go to the county department."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        # The table keeps the name it had when the model lived in the events app.
        db_table = "events_category"
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def in_force_q(on: dt.date, prefix: str = "") -> Q:
    """Rows whose [effective_from, effective_to] (inclusive, open end) contains ``on``."""
    return Q(**{f"{prefix}effective_from__lte": on}) & (
        Q(**{f"{prefix}effective_to__isnull": True}) | Q(**{f"{prefix}effective_to__gte": on})
    )


# --- the catalog ----------------------------------------------------------------------


class MatterQuerySet(models.QuerySet):
    def active(self) -> MatterQuerySet:
        return self.filter(is_active=True)

    def delegable(self) -> MatterQuerySet:
        return self.filter(delegable=True)

    def in_category(self, category, *, with_children: bool = True) -> MatterQuerySet:
        """Matters of ``category`` (and, by default, of its sub-categories)."""
        q = Q(category=category)
        if with_children:
            q |= Q(category__parent=category)
        return self.filter(q)

    def held_by(self, town: Region, *, on: dt.date | None = None) -> MatterQuerySet:
        """Matters ``town`` holds on ``on`` (today by default) under a grant in force."""
        grants = EmpowermentGrant.objects.in_force(on=on).filter(town=town)
        return self.filter(pk__in=grants.values("matter"))

    def not_held_by(self, town: Region, *, on: dt.date | None = None) -> MatterQuerySet:
        grants = EmpowermentGrant.objects.in_force(on=on).filter(town=town)
        return self.exclude(pk__in=grants.values("matter"))

    def search(self, text: str) -> MatterQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(code__icontains=text)
            | Q(name__icontains=text)
            | Q(versions__law__icontains=text)
            | Q(versions__article_text__icontains=text)
        ).distinct()

    def with_version(self, on: dt.date | None = None) -> MatterQuerySet:
        """Prefetch the version in force on ``on``: read it with ``matter.current_version(on)``."""
        on = _today(on)
        versions = MatterVersion.objects.filter(in_force_q(on)).prefetch_related("statutory_ranges")
        return self.prefetch_related(
            models.Prefetch("versions", queryset=versions, to_attr="prefetched_versions")
        ).annotate(version_on=models.Value(on, output_field=models.DateField()))


class Matter(models.Model):
    """An enforcement matter (执法事项): a kind of violation the county may act on.

    What stays the same over time lives here (code, event category, owning county
    department, whether towns may be empowered); the wording, the legal basis and
    the fine range live in dated :class:`MatterVersion` rows, so a change never
    rewrites what an older event was judged under.
    """

    code = models.CharField(
        _("code"), max_length=30, unique=True, validators=[matter_code_validator]
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("The current wording; each version keeps its own.")
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("event category"),
        on_delete=models.PROTECT,
        related_name="matters",
    )
    department = models.ForeignKey(
        Unit,
        verbose_name=_("owning county department"),
        on_delete=models.PROTECT,
        related_name="matters",
        limit_choices_to={"kind": UnitKind.DEPARTMENT},
    )
    delegable = models.BooleanField(_("may be delegated to towns"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MatterQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement matter")
        verbose_name_plural = _("enforcement matters")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def current_version(self, on: dt.date | None = None) -> MatterVersion | None:
        """The version in force on ``on`` (today by default); None before the first one."""
        on = _today(on)
        prefetched = getattr(self, "prefetched_versions", None)
        if prefetched is not None and getattr(self, "version_on", None) == on:
            return prefetched[0] if prefetched else None
        return self.versions.filter(in_force_q(on)).order_by("-effective_from").first()

    def latest_version(self) -> MatterVersion | None:
        return self.versions.order_by("-effective_from").first()


class MatterVersionQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None) -> MatterVersionQuerySet:
        return self.filter(in_force_q(_today(on)))


class MatterVersion(models.Model):
    """One wording of a matter with its legal basis (法律依据) and statutory fine range,
    in force from ``effective_from`` to ``effective_to`` (inclusive)."""

    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="versions"
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective until"),
        null=True,
        blank=True,
        help_text=_("Last day in force; empty while it is the current version."),
    )
    name = models.CharField(_("name"), max_length=200)
    law = models.CharField(
        _("law"),
        max_length=100,
        help_text=_("The statute's title, e.g. 城市市容和环境卫生管理条例."),
    )
    law_version = models.DateField(
        _("law version"),
        null=True,
        blank=True,
        help_text=_("Date of the statute's version that was cited."),
    )
    article = models.CharField(_("article"), max_length=20, validators=[article_validator])
    clause = models.CharField(
        _("paragraph / item"), max_length=60, blank=True, help_text=_("e.g. 第二款 or 第（一）项")
    )
    article_text = models.TextField(_("article text"))
    fine_min = models.DecimalField(
        _("minimum fine (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fine_max = models.DecimalField(
        _("maximum fine (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty where the article states no amount."),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Why this version was made."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MatterVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("matter version")
        verbose_name_plural = _("matter versions")
        ordering = ["matter", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "effective_from"], name="matters_version_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(fine_min__isnull=True)
                | Q(fine_max__isnull=True)
                | Q(fine_min__lte=models.F("fine_max")),
                name="matters_version_fine_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="matters_version_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter.code} {self.effective_from:%Y-%m-%d}"

    @property
    def legal_basis(self) -> str:
        """《城市市容和环境卫生管理条例》第三十四条第（一）项"""
        return f"《{self.law}》{self.article}{self.clause}"

    @property
    def ranges(self) -> list:
        """The statutory ranges (``matters.ranges.ranges_of``)."""
        return ranges_of(self)

    @property
    def fine_range_label(self) -> str:
        """The statutory ranges by party type (“个人 200 – 3,000 元；单位 …”); prefetch
        ``statutory_ranges`` when showing many versions."""
        return format_ranges(ranges_of(self))

    def content(self) -> dict:
        """What a new version may change (compared on import)."""
        return {
            "name": self.name,
            "law": self.law,
            "law_version": self.law_version,
            "article": self.article,
            "clause": self.clause,
            "article_text": self.article_text,
            "fine_min": self.fine_min,
            "fine_max": self.fine_max,
            "ranges": tuple(ranges_of(self)),
        }


class StatutoryRange(models.Model):
    """One statutory range of a matter version for a party type (个人 / 单位 / 不分), read from
    the article's words: an amount range in yuan (a fixed amount has minimum = maximum; an
    empty minimum is a ceiling only) or multiples of a base (违法所得 …).

    Rows belong to their version and are never changed on their own: a different range is a
    new version, so cases keep the ranges they were decided under. ``civicloop.matters.ranges``
    reads them as dataclasses."""

    version = models.ForeignKey(
        MatterVersion,
        verbose_name=_("matter version"),
        on_delete=models.CASCADE,
        related_name="statutory_ranges",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    party_type = models.CharField(_("party type"), max_length=12, choices=PartyType.choices)
    minimum = models.DecimalField(
        _("minimum (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    base_kind = models.CharField(
        _("multiple of"), max_length=20, choices=BaseKind.choices, blank=True
    )
    base_text = models.CharField(
        _("base as worded"), max_length=100, blank=True, help_text=_("e.g. 违法所得")
    )
    multiple_min = models.DecimalField(
        _("minimum multiple"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    multiple_max = models.DecimalField(
        _("maximum multiple"), max_digits=10, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("statutory range")
        verbose_name_plural = _("statutory ranges")
        ordering = ["version", "position"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(base_kind="")
                    & Q(maximum__isnull=False)
                    & Q(multiple_min__isnull=True, multiple_max__isnull=True)
                    & (Q(minimum__isnull=True) | Q(minimum__lte=models.F("maximum")))
                )
                | (
                    ~Q(base_kind="")
                    & Q(multiple_max__isnull=False)
                    & Q(minimum__isnull=True, maximum__isnull=True)
                    & (Q(multiple_min__isnull=True) | Q(multiple_min__lte=models.F("multiple_max")))
                ),
                name="matters_statutory_range_amount_or_multiple",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.get_party_type_display()}"

    def as_range(self):
        from .ranges import StatutoryRange as Range

        return Range(
            self.party_type,
            self.minimum,
            self.maximum,
            base_kind=self.base_kind,
            multiple_min=self.multiple_min,
            multiple_max=self.multiple_max,
            base_text=self.base_text,
        )


class MatterHistory(HistoryEntry):
    """Every change to a matter or its versions (created, new version, moved category…)."""

    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("matter history entry")
        verbose_name_plural = _("matter history")


# --- empowerment ---------------------------------------------------------------------


def decision_upload_to(instance, filename: str) -> str:
    return f"matters/decisions/{filename}"


class EmpowermentDecision(models.Model):
    """A county decision document (赋权决定) that grants, adjusts or ends towns' powers."""

    number = models.CharField(
        _("document number"), max_length=60, unique=True, help_text=_("e.g. 盐政发〔2023〕21号")
    )
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=decision_upload_to, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
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
        verbose_name = _("empowerment decision")
        verbose_name_plural = _("empowerment decisions")
        ordering = ["-issued_on", "number"]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"


class EmpowermentGrantQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None) -> EmpowermentGrantQuerySet:
        """Grants in force on ``on`` (today by default)."""
        return self.filter(in_force_q(_today(on)))

    def for_town(self, town: Region) -> EmpowermentGrantQuerySet:
        return self.filter(town=town)

    def base(self) -> EmpowermentGrantQuerySet:
        return self.filter(kind=GrantKind.BASE)

    def characteristic(self) -> EmpowermentGrantQuerySet:
        return self.filter(kind=GrantKind.CHARACTERISTIC)

    def overlapping(
        self, *, town: Region, matter: Matter, start: dt.date, end: dt.date | None
    ) -> EmpowermentGrantQuerySet:
        """Grants of the same matter to the same town whose dates meet [start, end]."""
        q = Q(town=town, matter=matter) & (
            Q(effective_to__isnull=True) | Q(effective_to__gte=start)
        )
        if end is not None:
            q &= Q(effective_from__lte=end)
        return self.filter(q)

    def visible_to(self, user) -> EmpowermentGrantQuerySet:
        """Empowerment lists are published; every signed-in member of staff may read them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self


class EmpowermentGrant(models.Model):
    """A town holding a matter (赋权): base (基础, every town) or characteristic (特色),
    from ``effective_from`` to ``effective_to`` (inclusive), under a decision."""

    town = models.ForeignKey(
        Region,
        verbose_name=_("town / street"),
        on_delete=models.PROTECT,
        related_name="empowerment_grants",
        limit_choices_to={"level": RegionLevel.TOWN},
    )
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="grants"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GrantKind.choices)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(
        _("effective until"),
        null=True,
        blank=True,
        help_text=_("Last day in force; empty until the grant is ended."),
    )
    decision = models.ForeignKey(
        EmpowermentDecision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="grants",
    )
    end_decision = models.ForeignKey(
        EmpowermentDecision,
        verbose_name=_("ending decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_grants",
    )
    end_reason = models.TextField(_("reason for ending"), blank=True)
    request = models.OneToOneField(
        "EmpowermentRequest",
        verbose_name=_("empowerment request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grant",
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

    objects = EmpowermentGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("empowerment grant")
        verbose_name_plural = _("empowerment grants")
        ordering = ["town__code", "matter__code", "effective_from"]
        indexes = [
            models.Index(
                fields=["town", "matter", "effective_from"], name="matters_grant_town_matter"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="matters_grant_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town} · {self.matter.code}"

    def is_in_force(self, on: dt.date | None = None) -> bool:
        on = _today(on)
        return self.effective_from <= on and (self.effective_to is None or self.effective_to >= on)


class EmpowermentGrantHistory(HistoryEntry):
    """Grant made, grant ended: the dated record of what each town held."""

    grant = models.ForeignKey(
        EmpowermentGrant,
        verbose_name=_("empowerment grant"),
        on_delete=models.PROTECT,
        related_name="history",
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("empowerment grant history entry")
        verbose_name_plural = _("empowerment grant history")


class EmpowermentRequestQuerySet(models.QuerySet):
    def open(self) -> EmpowermentRequestQuerySet:
        return self.filter(state=RequestState.SUBMITTED)

    def visible_to(self, user) -> EmpowermentRequestQuerySet:
        """The county and assessors see every request; a town's staff see their town's;
        everyone the requests they filed."""

        if is_assessor(user):
            return self
        return restrict(self, user, region_code="town__code", owner="requested_by")


class EmpowermentRequest(models.Model):
    """A town asking the county for a matter (点单赋权). The workflow is ``REQUEST_WORKFLOW``."""

    town = models.ForeignKey(
        Region,
        verbose_name=_("town / street"),
        on_delete=models.PROTECT,
        related_name="empowerment_requests",
        limit_choices_to={"level": RegionLevel.TOWN},
    )
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="requests"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=GrantKind.choices, default=GrantKind.CHARACTERISTIC
    )
    reason = models.TextField(
        _("reason"), help_text=_("Why the town needs the matter and how it will carry it.")
    )
    wanted_from = models.DateField(_("wanted from"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RequestState.choices,
        default=RequestState.SUBMITTED,
        db_index=True,
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
    decision_reason = models.TextField(_("decision reason"), blank=True)

    objects = EmpowermentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("empowerment request")
        verbose_name_plural = _("empowerment requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "matter"],
                condition=Q(state="submitted"),
                name="matters_request_one_open_per_town_matter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.town} · {self.matter.code} · {self.get_state_display()}"


class EmpowermentRequestHistory(HistoryEntry):
    request = models.ForeignKey(
        EmpowermentRequest,
        verbose_name=_("empowerment request"),
        on_delete=models.PROTECT,
        related_name="history",
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("empowerment request history entry")
        verbose_name_plural = _("empowerment request history")
