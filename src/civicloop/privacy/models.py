"""Who saw which unmasked personal data, and when."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import AppendOnlyQuerySet


class PersonalDataAccess(models.Model):
    """One unmasked view of personal data (查看完整个人信息记录). Append-only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=40)
    subject = GenericForeignKey("content_type", "object_id")
    fields = models.JSONField(_("fields shown"), default=list)
    channel = models.CharField(_("channel"), max_length=10, help_text=_("web, api or cli"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.content_type.model}#{self.object_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("access log rows are append-only")
        super().save(*args, **kwargs)
