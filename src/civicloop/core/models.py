from django.conf import settings
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


class SecondFactorHistory(HistoryEntry):
    """What happened to a person's second factor (二次认证记录): set up, removed, a sign-in that
    passed it or a wrong code. ``actor`` is who acted (an administrator may remove someone
    else's; empty for the command line), ``user`` whose factor it is."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="second_factor_history",
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("second factor history")
        verbose_name_plural = _("second factor history")
