from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


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
