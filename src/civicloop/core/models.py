from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .history import HistoryEntry


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


# --- the audit trail (core/audit.py, docs/security.md "Audit trail") -------------------------


class AuditChainHead(models.Model):
    """The end of one history table's hash chain (审计链头): the last sealed position and its
    hash, with a MAC of its own. It shows rows removed from the end of the chain, and its row
    lock serialises sealers (only sealers: inserting history rows never touches it)."""

    table = models.CharField(_("table"), max_length=100, unique=True)
    seq = models.PositiveBigIntegerField(_("last position"), default=0)
    chain_hash = models.CharField(_("chain hash"), max_length=64)
    head_mac = models.CharField(_("MAC"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.table}@{self.seq}"


class AuditTrailHistory(HistoryEntry):
    """What was done to the audit trail itself (审计日志操作记录), e.g. a key rotation
    (``civicloop audit rekey``); chained and verified like every history table."""

    class Meta(HistoryEntry.Meta):
        verbose_name = _("audit trail history entry")
        verbose_name_plural = _("audit trail history")
