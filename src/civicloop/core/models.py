from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
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
    """The next value of ``key``, safe under concurrent callers (row lock).

    The row lock is held until the caller's transaction ends, so call it only from short
    transactions (one intake); a batch reserves its values first
    (:func:`reserve_counter_values`)."""
    with transaction.atomic():
        Counter.objects.get_or_create(key=key)
        counter = Counter.objects.select_for_update().get(key=key)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value


# --- reserving a block of values for a batch ------------------------------------------------
#
# A long transaction that drew its numbers with ``next_counter_value`` would hold the counter's
# row lock to its end, and every other caller (every intake of the county) would wait for it
# (issue 14, finding 4). A batch therefore reserves all the values it may need in a short
# transaction of its own that commits at once, uses them inside its long transaction without
# touching the counter, and afterwards records how many it used: the values a rolled-back or
# partly refused batch did not use stay unused for ever (numbers are never handed out twice),
# and the reservation row tells an auditor why the series has that gap.


class ReservationState(models.TextChoices):
    OPEN = "open", _("reserved, not settled yet")
    USED = "used", _("all used")
    PARTLY = "partly", _("partly used")
    UNUSED = "unused", _("none used")


class CounterReservation(models.Model):
    """A block of a counter's values set aside at once for one batch (号段预留), e.g. the
    event numbers of one import, and what became of them: used, partly used (the first
    ``used`` values; the rest are a gap in the series) or not used at all."""

    key = models.CharField(_("key"), max_length=60, db_index=True)
    first = models.PositiveBigIntegerField(_("first value"))
    last = models.PositiveBigIntegerField(_("last value"))
    purpose = models.CharField(_("purpose"), max_length=200)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reserved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reserved_at = models.DateTimeField(_("reserved at"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=10, choices=ReservationState.choices, default=ReservationState.OPEN
    )
    used = models.PositiveBigIntegerField(
        _("values used"),
        null=True,
        blank=True,
        help_text=_("How many values, from the first, were used; the others were not."),
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Why values were not used."))

    class Meta:
        verbose_name = _("counter reservation")
        verbose_name_plural = _("counter reservations")
        ordering = ["-reserved_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first__lte=models.F("last")),
                name="core_counterreservation_first_lte_last",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.first}–{self.last}"

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    @property
    def values(self) -> range:
        """The reserved values, in order."""
        return range(self.first, self.last + 1)

    @property
    def unused_values(self) -> range:
        """The values recorded as not used (empty while open)."""
        if self.used is None:
            return range(0)
        return range(self.first + self.used, self.last + 1)


class MustRunOutsideTransaction(RuntimeError):
    """A function that commits at once was called inside a transaction (atomic block)."""


@contextmanager
def _committed_at_once(what: str):
    """A transaction of its own, committed when the block ends: refused inside another
    transaction, whose end — not ours — would release the locks and publish the rows.
    (Django's durable atomic; a test case's own transaction does not count.)"""
    stack = ExitStack()
    try:
        stack.enter_context(transaction.atomic(durable=True))
    except RuntimeError as exc:
        raise MustRunOutsideTransaction(
            f"{what} commits at once, so it must be called outside any transaction "
            "(atomic block); inside one, the counter's lock would be held to that "
            "transaction's end."
        ) from exc
    with stack:
        yield


def reserve_counter_values(key: str, count: int, *, by, purpose: str) -> CounterReservation:
    """Set ``count`` values of ``key`` aside for one batch and commit at once.

    The counter's row is locked only for this short transaction; the batch then uses
    ``reservation.values`` in its own (long) transaction without touching the counter, and
    calls :func:`settle_counter_reservation` when it has finished. Must be called outside any
    transaction (:class:`MustRunOutsideTransaction`)."""
    if count < 1:
        raise ValueError("reserve at least one value")
    with _committed_at_once("reserve_counter_values"):
        Counter.objects.get_or_create(key=key)
        counter = Counter.objects.select_for_update().get(key=key)
        first = counter.value + 1
        counter.value += count
        counter.save(update_fields=["value"])
        return CounterReservation.objects.create(
            key=key,
            first=first,
            last=counter.value,
            purpose=purpose[:200],
            reserved_by=by,
        )


def settle_counter_reservation(
    reservation: CounterReservation, *, used: int, by, note: str = ""
) -> CounterReservation:
    """Record that the first ``used`` values of ``reservation`` were used and the others
    were not (with ``note`` saying why); commits at once, outside any transaction.

    Values are used from the first on, so what was not used is one block at the end."""
    with _committed_at_once("settle_counter_reservation"):
        reservation = CounterReservation.objects.select_for_update().get(pk=reservation.pk)
        if reservation.state != ReservationState.OPEN:
            raise ValueError(f"reservation {reservation} is already settled")
        if not 0 <= used <= reservation.count:
            raise ValueError(f"{used} values used of {reservation.count} reserved")
        if used == reservation.count:
            reservation.state = ReservationState.USED
        elif used == 0:
            reservation.state = ReservationState.UNUSED
        else:
            reservation.state = ReservationState.PARTLY
        reservation.used = used
        reservation.settled_by = by
        reservation.settled_at = timezone.now()
        reservation.note = note
        reservation.save(update_fields=["state", "used", "settled_by", "settled_at", "note"])
        return reservation


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
