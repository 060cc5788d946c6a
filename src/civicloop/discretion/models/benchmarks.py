"""裁量基准: published discretion benchmarks (行政处罚法 Art. 34; 国办发〔2022〕27号).

A :class:`Benchmark` is one issued document (issuer, document number, effective dates, version):
its :class:`BenchmarkItem` rows each cover one violation and party type, with the statutory range
restated and either ordered :class:`Tier` rows (不予/减轻/从轻/一般/从重, or the issuer's own
labels) or a weighted-factor formula (start percentage + :class:`FactorLevel` weights, capped,
times a base). An item names a Haiyan catalog matter when it has one; items of other issuers'
catalogues (江门, 广东) stand alone with their own code and legal basis.

A benchmark may name the superior benchmark it implements: its bands must lie inside the
superior's (a lower body may narrow, never widen) — checked by ``services.check_within_superior``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry

from ..choices import (
    BandKind,
    BaseKind,
    BenchmarkStatus,
    Consequences,
    IssuerLevel,
    ItemMethod,
    LeniencyOutcome,
    PartyType,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 7, "decimal_places": 3}


class BenchmarkQuerySet(models.QuerySet):
    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(effective_from__lte=on),
            Q(effective_until__isnull=True) | Q(effective_until__gte=on),
        ).exclude(status=BenchmarkStatus.REPEALED)


class Benchmark(models.Model):
    """One issued discretion benchmark document (裁量基准), in one version."""

    code = models.SlugField(
        _("code"),
        max_length=60,
        help_text=_("Stable name of the benchmark across its versions, e.g. haiyan-starter."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing body"), max_length=120)
    issuer_level = models.CharField(
        _("issuer level"), max_length=12, choices=IssuerLevel.choices, default=IssuerLevel.COUNTY
    )
    issuing_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit in Civicloop's organisation that issued it, when it is one."),
    )
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("area of application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where it applies; empty for another issuer's catalogue kept for reference."),
    )
    superior = models.ForeignKey(
        "self",
        verbose_name=_("superior benchmark"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implementations",
        help_text=_("The benchmark this one implements: its bands may narrow, never widen."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=BenchmarkStatus.choices, default=BenchmarkStatus.ADOPTED
    )
    effective_from = models.DateField(_("in force from"))
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    source = models.TextField(
        _("source"),
        blank=True,
        help_text=_("Where the text comes from, or the rule it was made by."),
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

    objects = BenchmarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("discretion benchmark")
        verbose_name_plural = _("discretion benchmarks")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="discretion_benchmark_version"
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="discretion_benchmark_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        # The code (``haiyan-starter``) is a slug for addresses and files, not for reading.
        if self.document_number:
            return f"{self.title}（{self.document_number} v{self.version}）"
        return f"{self.title}（v{self.version}）"

    @property
    def is_starter(self) -> bool:
        return self.status == BenchmarkStatus.STARTER


class BenchmarkHistory(HistoryEntry):
    """Every change to a benchmark: imported, adopted, new version, repealed."""

    benchmark = models.ForeignKey(
        Benchmark, verbose_name=_("benchmark"), on_delete=models.CASCADE, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("benchmark history")
        verbose_name_plural = _("benchmark history")

    # The actions ``services``, ``importing`` and ``starter`` write, in words.
    ACTION_LABELS = {
        "starter": _("starter version generated"),
        "imported": _("imported"),
        "adopted": _("adopted"),
        "superseded": _("superseded by a newer version"),
        "repealed": _("repealed"),
        "create": _("created"),
        "update": _("updated"),
    }

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class BenchmarkItem(models.Model):
    """One violation of a benchmark, for one party type: its statutory range and its tiers or
    weighted factors."""

    benchmark = models.ForeignKey(
        Benchmark, verbose_name=_("benchmark"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(
        _("item code"),
        max_length=40,
        help_text=_("The matter code for Haiyan's catalogue, else the issuer's own number."),
    )
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benchmark_items",
        help_text=_("Empty for an item of another issuer's catalogue."),
    )
    party_type = models.CharField(
        _("party type"), max_length=12, choices=PartyType.choices, default=PartyType.ANY
    )
    violation = models.TextField(_("violation"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    group = models.CharField(
        _("group"), max_length=80, blank=True, help_text=_("The issuer's chapter or sheet.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    method = models.CharField(
        _("method"), max_length=10, choices=ItemMethod.choices, default=ItemMethod.TIERS
    )
    # The statutory range, restated (an amount range, or multiples of a base).
    stat_min = models.DecimalField(_("statutory minimum"), **MONEY, null=True, blank=True)
    stat_max = models.DecimalField(_("statutory maximum"), **MONEY, null=True, blank=True)
    base_kind = models.CharField(
        _("base"), max_length=20, choices=BaseKind.choices, blank=True, default=BaseKind.NONE
    )
    base_multiple_min = models.DecimalField(
        _("minimum multiple of the base"), **PERCENT, null=True, blank=True
    )
    base_multiple_max = models.DecimalField(
        _("maximum multiple of the base"), **PERCENT, null=True, blank=True
    )
    # Weighted factors: fine = min(start + Σ weights, cap) % × base × base_share.
    start_percent = models.DecimalField(_("start percentage"), **PERCENT, null=True, blank=True)
    cap_percent = models.DecimalField(
        _("cap percentage"), **PERCENT, null=True, blank=True, default=Decimal("100")
    )
    formula_note = models.TextField(
        _("formula"),
        blank=True,
        help_text=_("The issuer's words, e.g. 罚款金额＝裁量百分值总和×基数."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("benchmark item")
        verbose_name_plural = _("benchmark items")
        ordering = ["benchmark", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["benchmark", "code", "party_type"], name="discretion_item_once"
            ),
            models.CheckConstraint(
                condition=Q(stat_min__isnull=True)
                | Q(stat_max__isnull=True)
                | Q(stat_min__lte=models.F("stat_max")),
                name="discretion_item_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.violation[:30]}（{self.get_party_type_display()}）"


class Tier(models.Model):
    """One ordered tier of an item (rank 1 = lightest) with its conditions and fine band."""

    item = models.ForeignKey(
        BenchmarkItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="tiers"
    )
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 = the lightest tier."))
    label = models.CharField(_("tier"), max_length=40)
    conditions = models.TextField(_("conditions"), blank=True)
    band_kind = models.CharField(
        _("band kind"), max_length=10, choices=BandKind.choices, default=BandKind.AMOUNT
    )
    band_min = models.DecimalField(
        _("band minimum"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("Yuan, percent of the statutory range, or a multiple, by the band kind."),
    )
    band_max = models.DecimalField(_("band maximum"), **MONEY, null=True, blank=True)
    # What the calculator matches on (empty: not a condition of this tier).
    first_offence = models.BooleanField(_("first offence"), null=True, blank=True)
    corrected = models.BooleanField(_("corrected in time"), null=True, blank=True)
    min_prior_offences = models.PositiveSmallIntegerField(
        _("at least this many prior offences in two years"), null=True, blank=True
    )
    max_prior_offences = models.PositiveSmallIntegerField(
        _("at most this many prior offences in two years"), null=True, blank=True
    )
    consequences = models.CharField(
        _("consequences"), max_length=10, choices=Consequences.choices, blank=True
    )
    cooperative = models.BooleanField(_("the party cooperated"), null=True, blank=True)
    leniency = models.CharField(
        _("“一免一减” outcome"),
        max_length=10,
        choices=LeniencyOutcome.choices,
        blank=True,
        help_text=_("The tier of cases where a “一免一减” item of this kind applies."),
    )
    standard = models.TextField(
        _("penalty standard"), blank=True, help_text=_("The issuer's words for the penalty.")
    )

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["item", "rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(band_min__isnull=True)
                | Q(band_max__isnull=True)
                | Q(band_min__lte=models.F("band_max")),
                name="discretion_tier_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.label}"


class Factor(models.Model):
    """One factor of a weighted-factor item (裁量要素), e.g. 建设项目地点."""

    item = models.ForeignKey(
        BenchmarkItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="factors"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("factor"), max_length=120)

    class Meta:
        verbose_name = _("discretion factor")
        verbose_name_plural = _("discretion factors")
        ordering = ["item", "order", "id"]

    def __str__(self) -> str:
        return self.name


class FactorLevel(models.Model):
    """One graded level of a factor with its weight in percent (违法程度 → 裁量权重)."""

    factor = models.ForeignKey(
        Factor, verbose_name=_("factor"), on_delete=models.CASCADE, related_name="levels"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("level"), max_length=200)
    weight_percent = models.DecimalField(_("weight (%)"), **PERCENT)

    class Meta:
        verbose_name = _("factor level")
        verbose_name_plural = _("factor levels")
        ordering = ["factor", "order", "id"]

    def __str__(self) -> str:
        return f"{self.label} {self.weight_percent}%"
