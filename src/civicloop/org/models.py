"""Who is who and where: regions, units, staff, their posts and qualifications."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.crypto import DigestField, EncryptedCharField
from civicloop.core.history import HistoryEntry
from civicloop.core.reference_cache import remembered

from .choices import (
    CODE_PREFIX_LENGTH,
    GRID_ROLES,
    ROLE_UNIT_KINDS,
    AreaSource,
    QualificationKind,
    RegionLevel,
    Role,
    UnitKind,
)

division_code_validator = RegexValidator(
    r"^\d{12}(\d{3})?$",
    _("A division code has 12 digits; a grid code adds 3 digits to its village's code."),
)


class RegionQuerySet(models.QuerySet):
    def within(self, region: Region) -> RegionQuerySet:
        """The region and everything below it (by code prefix)."""
        return self.filter(code__startswith=region.prefix)

    def towns(self) -> RegionQuerySet:
        return self.filter(level=RegionLevel.TOWN)

    def villages(self) -> RegionQuerySet:
        return self.filter(level=RegionLevel.VILLAGE)

    def grids(self) -> RegionQuerySet:
        return self.filter(level=RegionLevel.GRID)


class Region(models.Model):
    """A place in the county tree: 县 → 镇/街道 → 村/社区 → 网格.

    Keyed by the official 12-digit division code (统计用区划代码); a grid's code is
    its village's code plus three digits, so "everything in this town" is a code
    prefix match and needs no recursive query.
    """

    code = models.CharField(
        _("division code"), max_length=15, unique=True, validators=[division_code_validator]
    )
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Coordinates are GCJ-02 (the datum of the county outline we ship); GPS input
    # (WGS-84) is converted on entry. See docs/architecture.md.
    latitude = models.DecimalField(
        _("latitude (GCJ-02)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude (GCJ-02)"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_is_approximate = models.BooleanField(
        _("location is approximate"),
        default=True,
        help_text=_("No official boundaries exist below county level; points are representative."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        length = CODE_PREFIX_LENGTH.get(self.level)
        return self.code[:length] if length else self.code

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)

    def ancestor_at(self, level: str) -> Region | None:
        """The region at ``level`` above (or equal to) this one, by code."""
        if self.level == level:
            return self
        length = CODE_PREFIX_LENGTH.get(level)
        if length is None or len(self.code) < length:
            return None
        code = self.code[:length].ljust(12, "0")
        return remembered(
            ("org.region", code, level),
            lambda: Region.objects.filter(code=code, level=level).first(),
        )

    @property
    def town(self) -> Region | None:
        return self.ancestor_at(RegionLevel.TOWN)

    @property
    def village(self) -> Region | None:
        return self.ancestor_at(RegionLevel.VILLAGE)

    def full_name(self) -> str:
        parts = []
        node: Region | None = self
        while node is not None and node.level != RegionLevel.COUNTY:
            parts.append(node.name)
            node = node.parent
        return " / ".join(reversed(parts))

    def clean(self) -> None:
        expected_parent = {
            RegionLevel.TOWN: RegionLevel.COUNTY,
            RegionLevel.VILLAGE: RegionLevel.TOWN,
            RegionLevel.GRID: RegionLevel.VILLAGE,
        }.get(self.level)
        if expected_parent is None:
            return
        if self.parent is None or self.parent.level != expected_parent:
            raise ValidationError(
                {
                    "parent": _("A %(level)s must sit under a %(parent)s.")
                    % {
                        "level": RegionLevel(self.level).label,
                        "parent": RegionLevel(expected_parent).label,
                    }
                }
            )
        if not self.code.startswith(self.parent.prefix):
            raise ValidationError(
                {
                    "code": _("The code must start with the parent's code %(prefix)s.")
                    % {"prefix": self.parent.prefix}
                }
            )


class UnitQuerySet(models.QuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def of_kind(self, *kinds: str) -> UnitQuerySet:
        return self.filter(kind__in=kinds)

    def serving(self, region: Region) -> UnitQuerySet:
        """Units whose area contains ``region``."""
        codes = {region.code}
        for length in CODE_PREFIX_LENGTH.values():
            if len(region.code) >= length:
                codes.add(region.code[:length].ljust(12, "0"))
        return self.filter(region__code__in=codes)


class Unit(models.Model):
    """An organisational unit that receives or handles work (单位/队伍).

    One model for county departments, the county centre, the emergency response
    team, each town's command room and squad, liaison stations and grid teams:
    events are dispatched to units, and scope follows the unit's area.
    """

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("area served"), on_delete=models.PROTECT, related_name="units"
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short stable identifier, e.g. dept-scjg or 330424105-squad."),
    )
    phone = EncryptedCharField(_("duty phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["region__code", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def members(self):
        return User.objects.filter(posts__unit=self, posts__is_active=True).distinct()


class User(AbstractUser):
    """A person who signs in: staff of any unit (工作人员). Citizens do not have accounts."""

    full_name = models.CharField(_("full name"), max_length=60)
    # Encrypted at rest; the digest finds a staff member by the whole number (admin search).
    phone = EncryptedCharField(_("mobile phone"), max_length=20, blank=True)
    phone_digest = DigestField(_("mobile phone digest"), source="phone", normalise="phone")

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        password_changed = self._password is not None  # set_password() was called
        super().save(*args, **kwargs)
        if password_changed:
            # A new password ends the API tokens issued under the old one.
            from .tokens import revoke

            revoke(self)

    def active_posts(self):
        return self.posts.filter(is_active=True).select_related("unit", "unit__region")

    def has_role(self, *roles: str) -> bool:
        return any(post.role in roles for post in self.cached_posts())

    def cached_posts(self) -> list[Post]:
        """Active posts, loaded once per request/user object."""
        cached = getattr(self, "_cached_posts", None)
        if cached is None:
            cached = list(self.active_posts()) if self.pk else []
            self._cached_posts = cached
        return cached

    def has_qualification(self, kind: str, *, on=None) -> bool:
        qs = self.qualifications.filter(kind=kind)
        if on is not None:
            qs = qs.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on), issued_on__lte=on)
        return qs.exists()


class PostQuerySet(models.QuerySet):
    def active(self) -> PostQuerySet:
        return self.filter(is_active=True)


class Post(models.Model):
    """A role a person holds in a unit (岗位). One person may hold several
    (a squad officer sunk to a village is also that grid's red butler)."""

    user = models.ForeignKey(
        User, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="posts"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="posts"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(is_active=True),
                name="org_post_one_active_role_per_unit",
            ),
            # The "1+1" of a 1+1+N grid team: never two active red butlers or two
            # professional grid workers in one team.
            models.UniqueConstraint(
                fields=["unit", "role"],
                condition=Q(is_active=True, role__in=["red_butler", "professional_grid_worker"]),
                name="org_post_one_lead_per_grid_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def clean(self) -> None:
        allowed = ROLE_UNIT_KINDS.get(self.role, frozenset())
        if self.unit_id and self.unit.kind not in allowed:
            raise ValidationError(
                {
                    "role": _("A %(role)s cannot serve in a %(kind)s.")
                    % {"role": Role(self.role).label, "kind": UnitKind(self.unit.kind).label}
                }
            )

    @property
    def is_grid_role(self) -> bool:
        return self.role in GRID_ROLES


class Qualification(models.Model):
    """A certificate a person holds: 法律职业资格 or 行政执法证."""

    user = models.ForeignKey(
        User,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=QualificationKind.choices)
    number = models.CharField(_("certificate number"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"], name="org_qualification_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class PostHistory(HistoryEntry):
    """Who gave or ended a post, and when."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("post history entry")
        verbose_name_plural = _("post history")


class RegionArea(models.Model):
    """A region's area on the map (区域范围): a GeoJSON Polygon or MultiPolygon in GCJ-02,
    like every coordinate we store.

    Below county level Haiyan publishes no boundaries, so areas start *derived*
    (推算: Voronoi cells of the village points, see ``org/areas.py``) and are replaced by
    *official* ones when someone imports them (``civicloop import boundaries``). Deriving
    again never touches an official area.
    """

    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="area"
    )
    geometry = models.JSONField(
        _("geometry (GeoJSON, GCJ-02)"),
        help_text=_(
            "A GeoJSON Polygon or MultiPolygon; coordinates are GCJ-02 longitude, latitude."
        ),
    )
    source = models.CharField(_("source"), max_length=10, choices=AreaSource.choices)
    source_note = models.TextField(_("source note"), blank=True)
    updated_by = models.ForeignKey(
        "org.User",
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system derived the area."),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("region area")
        verbose_name_plural = _("region areas")
        ordering = ["region__code"]

    def __str__(self) -> str:
        return f"{self.region} ({self.get_source_display()})"

    @property
    def is_approximate(self) -> bool:
        return self.source != AreaSource.OFFICIAL
