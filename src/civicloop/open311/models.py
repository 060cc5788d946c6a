"""Open311 GeoReport v2: the clients allowed to post, the requests they posted, and the
service catalogue's own data (descriptions, keywords and attributes of our event categories)."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.events.models import Event
from civicloop.matters.models import Category

from .choices import LIST_DATATYPES, AttributeBinding, AttributeDatatype

DEFAULT_RATE_LIMIT = 60


class Open311ClientQuerySet(models.QuerySet):
    def active(self) -> Open311ClientQuerySet:
        return self.filter(is_active=True)


class Open311Client(models.Model):
    """An application allowed to submit service requests through Open311 (Open311 接入客户端).

    Only a SHA-256 digest of its API key is stored: the key itself is shown once, when it
    is issued, and cannot be recovered (issue a new one instead).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Who runs the application and how to reach them."),
    )
    key_prefix = models.CharField(
        _("key starts with"),
        max_length=12,
        editable=False,
        help_text=_("The first characters of the key, to recognise it; the rest is not stored."),
    )
    key_hash = models.CharField(
        _("key digest (SHA-256)"), max_length=64, unique=True, editable=False
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("A revoked key is refused with 403.")
    )
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"),
        default=DEFAULT_RATE_LIMIT,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = Open311ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def new_request_token() -> str:
    return secrets.token_hex(16)


class Open311Request(models.Model):
    """A service request received through Open311 (Open311 诉求): the event it became, the
    client that sent it, and what the spec lets a client send that our event has no field for.

    The reporter's name and phone go into the event's reporter fields (masked like every
    reporter's); email, device and account IDs stay here and never appear in Open311 output.
    """

    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="open311"
    )
    client = models.ForeignKey(
        Open311Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="requests"
    )
    token = models.CharField(
        _("token"), max_length=40, unique=True, default=new_request_token, editable=False
    )
    service_code = models.CharField(_("service code as submitted"), max_length=40)
    attributes = models.JSONField(_("attribute values"), default=dict, blank=True)
    address_string = models.CharField(_("address as submitted"), max_length=200, blank=True)
    address_id = models.CharField(_("address ID as submitted"), max_length=15, blank=True)
    email = models.EmailField(_("email"), blank=True)
    device_id = models.CharField(_("device ID"), max_length=200, blank=True)
    account_id = models.CharField(_("account ID"), max_length=200, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.event.number


def _check_service_code(code: str) -> None:
    if code and not Category.objects.filter(code=code).exists():
        raise ValidationError({"service_code": _("There is no event category with this code.")})


class ServiceProfile(models.Model):
    """How one event category presents itself as an Open311 service (服务说明).

    Optional: without a profile the service list describes the category from its name and
    its parent's. Keyed by the category code so that profiles can ship before the categories
    are loaded.
    """

    service_code = models.SlugField(_("service code (category code)"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_("Comma-separated synonyms that help people find the service."),
    )
    service_notice = models.TextField(
        _("service notice"),
        blank=True,
        help_text=_("What will happen to a request of this kind; returned with each request."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Open311 service profile")
        verbose_name_plural = _("Open311 service profiles")
        ordering = ["service_code"]

    def __str__(self) -> str:
        return self.service_code

    def clean(self) -> None:
        _check_service_code(self.service_code)


class ServiceAttributeQuerySet(models.QuerySet):
    def active(self) -> ServiceAttributeQuerySet:
        return self.filter(is_active=True)

    def for_service(self, service_code: str) -> ServiceAttributeQuerySet:
        """The attributes every service asks for, then those of this one, in their order."""
        return self.active().filter(models.Q(service_code="") | models.Q(service_code=service_code))


class ServiceAttribute(models.Model):
    """One extra question of a service definition (服务附加字段), e.g. the source of a noise.

    An empty service code asks it of every service. The answers are stored with the
    request; a *binding* also fills an event field (the time it happened, anonymity).
    """

    service_code = models.SlugField(
        _("service code (category code)"),
        max_length=40,
        blank=True,
        help_text=_("Empty: every service asks this."),
    )
    code = models.SlugField(_("code"), max_length=40)
    description = models.CharField(_("question"), max_length=300)
    datatype = models.CharField(_("datatype"), max_length=20, choices=AttributeDatatype.choices)
    datatype_description = models.CharField(_("input hint"), max_length=200, blank=True)
    variable = models.BooleanField(
        _("asks for input"),
        default=True,
        help_text=_("If not, the attribute only shows information to the user."),
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveIntegerField(_("order"), default=1, validators=[MinValueValidator(1)])
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For lists: [{"key": "…", "name": "…"}, …].'),
    )
    binding = models.CharField(
        _("also fills"),
        max_length=20,
        choices=AttributeBinding.choices,
        blank=True,
        default=AttributeBinding.NONE,
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ServiceAttributeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 service attribute")
        verbose_name_plural = _("Open311 service attributes")
        ordering = ["order", "service_code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_code", "code"], name="open311_attribute_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_code or '*'}:{self.code}"

    def value_keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values or [] if isinstance(v, dict)]

    def clean(self) -> None:
        _check_service_code(self.service_code)
        if self.datatype in LIST_DATATYPES:
            values = self.values if isinstance(self.values, list) else None
            if not values or not all(
                isinstance(v, dict)
                and str(v.get("key", "")).strip()
                and str(v.get("name", "")).strip()
                for v in values
            ):
                raise ValidationError(
                    {"values": _("A list needs choices, each with a key and a name.")}
                )
            keys = self.value_keys()
            if len(set(keys)) != len(keys):
                raise ValidationError({"values": _("Each choice needs its own key.")})
        elif self.values:
            raise ValidationError({"values": _("Only list attributes have choices.")})
        if (
            self.binding == AttributeBinding.OCCURRED_AT
            and self.datatype != AttributeDatatype.DATETIME
        ):
            raise ValidationError(
                {"binding": _("The time of occurrence needs a datetime attribute.")}
            )
        if self.binding == AttributeBinding.ANONYMOUS and (
            self.datatype != AttributeDatatype.SINGLEVALUELIST
            or set(self.value_keys()) != {"yes", "no"}
        ):
            raise ValidationError(
                {"binding": _("Anonymity needs a one-choice list with the keys “yes” and “no”.")}
            )


class CatalogueChange(models.Model):
    """When the published service catalogue last changed (the discovery ``changeset``).

    A digest of the service list and definitions is compared with the latest row whenever
    discovery is asked for; a new row records the first time a new digest was seen.
    """

    digest = models.CharField(_("digest"), max_length=64)
    seen_at = models.DateTimeField(_("first seen at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Open311 catalogue change")
        verbose_name_plural = _("Open311 catalogue changes")
        ordering = ["-seen_at", "-id"]
        get_latest_by = "seen_at"

    def __str__(self) -> str:
        return f"{self.seen_at:%Y-%m-%d %H:%M} {self.digest[:8]}"
