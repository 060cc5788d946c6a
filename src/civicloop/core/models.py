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


# --- background work that finishes (core/taskqueue.py) --------------------------------------
# (imported here, not at the top, so this block merges as one piece)
from django.utils import timezone  # noqa: E402

from .history import HistoryEntry  # noqa: E402


class WorkerHeartbeat(models.Model):
    """A running ``civicloop worker`` (后台进程): it beats every quarter of the lease, so a task
    it holds RUNNING while its beats have stopped was lost with it (core/taskqueue.py)."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    host = models.CharField(_("host name"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    beat_at = models.DateTimeField(_("last beat"), default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} ({self.worker_id})"


class TaskRecovery(HistoryEntry):
    """A lost task run again (or, past the retry limit, left failed) by the recovery sweep: the
    system acted (no actor), when, which task result was lost on which worker, which one replaced
    it and which attempt this was. Task results are pruned after a while; these rows stay."""

    task_path = models.CharField(_("task"), max_length=255)
    task_result = models.UUIDField(_("lost task result"), db_index=True)
    retry_result = models.UUIDField(_("retry task result"), null=True, blank=True, db_index=True)
    worker_id = models.CharField(_("worker id"), max_length=64, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"))

    class Meta(HistoryEntry.Meta):
        verbose_name = _("task recovery")
        verbose_name_plural = _("task recoveries")
