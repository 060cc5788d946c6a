from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.crypto import EncryptedCharField


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def undelivered(self):
        return self.filter(delivered_at__isnull=True)


class Notification(models.Model):
    """A message to one staff member (待办提醒): new work, a warning, an escalation.

    Rows are written in the same transaction as the change they announce; delivery
    beyond the web inbox (SMS, 浙政钉) happens afterwards in a background task, at most once
    per notification (notifications/delivery.py).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    verb = models.CharField(_("kind"), max_length=40)
    message = models.CharField(_("message"), max_length=300)
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # The task delivering it (its task result id) claims it first, so it is pushed at most once
    # (notifications/delivery.py).
    delivery_claim = models.CharField(_("claimed for delivery by"), max_length=64, blank=True)
    delivery_claimed_at = models.DateTimeField(_("claimed for delivery at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]

    def __str__(self) -> str:
        return self.message

    @property
    def delivery_key(self) -> str:
        """The same for every attempt to deliver this notification: a push gateway that drops a
        message whose key it has seen makes a push repeated after a crash harmless."""
        return f"civicloop-notification-{self.pk}"


class TextMessage(models.Model):
    """A text message (短信) to a person outside the staff — a reporter told that the event
    they reported is done. Written in the transaction of the change it announces and sent
    afterwards through the configured sender (``CIVICLOOP_SMS_SENDER``, notifications/sms.py),
    claimed before each attempt like a :class:`Notification`, tried again until it is sent or
    ``CIVICLOOP_SMS_MAX_ATTEMPTS`` attempts failed. The number is stored encrypted."""

    phone = EncryptedCharField(_("phone"), max_length=20)
    verb = models.CharField(_("kind"), max_length=40)
    text = models.CharField(_("text"), max_length=300)
    reference = models.CharField(
        _("about"), max_length=40, blank=True, help_text=_("The number of the record it is about.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivery_claim = models.CharField(_("claimed for delivery by"), max_length=64, blank=True)
    delivery_claimed_at = models.DateTimeField(_("claimed for delivery at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} · {self.verb}"

    @property
    def delivery_key(self) -> str:
        """The same for every attempt: a gateway that drops repeated keys sends it once."""
        return f"civicloop-sms-{self.pk}"
