from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Counter(models.Model):
    """A named sequence for human-readable numbers (e.g. one event series per day)."""

    key = models.CharField(_("key"), max_length=60, unique=True)
    value = models.PositiveBigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


def next_counter_value(key: str) -> int:
    """The next value of ``key``, safe under concurrent callers (row lock)."""
    with transaction.atomic():
        Counter.objects.get_or_create(key=key)
        counter = Counter.objects.select_for_update().get(key=key)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key`` (幂等键): a retry with the
    same key gets this answer again instead of making a second record (``core/idempotency.py``).

    Stored in the same transaction as the request's own writes; kept for
    ``CIVICLOOP_IDEMPOTENCY_KEY_HOURS``, then purged by the worker."""

    scope = models.CharField(
        _("sent by"), max_length=100, help_text=_("user:<id>, open311:<client id> or anonymous")
    )
    method = models.CharField(pgettext_lazy("HTTP request", "method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(
        _("fingerprint"), max_length=64, help_text=_("SHA-256 of the request's query and body")
    )
    status_code = models.PositiveSmallIntegerField(_("status code"))
    headers = models.JSONField(_("headers"), default=dict)
    body = models.BinaryField(_("body"))
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "method", "path", "key"], name="core_idempotency_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.method} {self.path} {self.key}"
