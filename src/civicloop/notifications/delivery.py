"""Delivering notifications: each one at most once, and none lost when a worker is killed.

A delivery task may run twice over the same notifications: the recovery sweep
(core/taskqueue.py) runs a task again when its worker was killed, and the periodic
:func:`undelivered_ids` sweep picks up whatever is still undelivered a lease later (a lost
enqueue, a push that failed, a task left failed after its last retry). So the task first
*claims* each notification with one conditional update — ``SET delivery_claim = <this task>
WHERE delivered_at IS NULL AND delivery_claim = <what it was>`` — that only one task can win,
then pushes it (``CIVICLOOP_NOTIFICATION_PUSH``, outside any transaction), then marks it
delivered. A claim stands while the task holding it is RUNNING; once that task is known lost
(the recovery sweep marks it failed) or finished, another task may take the claim over.

What that gives:

- two tasks delivering the same notification at once: one pushes it, the other skips it;
- a worker killed before its push: the retry (or the sweep) takes the claim over and pushes;
  nothing is lost;
- a worker killed between its push and marking the row delivered (a window of one UPDATE):
  the retry pushes again with the same :attr:`Notification.delivery_key`, which a gateway that
  drops repeated keys (message ids) turns into one message. That is the one case no database
  can make exactly-once on its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from civicloop.core.taskqueue import lease_seconds, running_tokens

from .models import Notification, TextMessage
from .sms import sms_sender

logger = logging.getLogger(__name__)

# The sweep re-delivers notifications up to a day old; older undelivered ones stay in the inbox
# (a push about yesterday's work would do more harm than good).
REDELIVER_WITHIN = dt.timedelta(days=1)


def pusher() -> Callable[[Notification], object] | None:
    """The configured push (``CIVICLOOP_NOTIFICATION_PUSH``), or None: the web inbox only."""
    path = getattr(settings, "CIVICLOOP_NOTIFICATION_PUSH", "")
    return import_string(path) if path else None


def claim(pk: int, *, token: str, now: dt.datetime | None = None, model=Notification) -> bool:
    """Claim notification ``pk`` (or a row of ``model``: a :class:`TextMessage`) for the task
    ``token``; False when it is delivered already or another task that may still be running
    holds it."""
    held = (
        model.objects.filter(pk=pk, delivered_at__isnull=True)
        .values_list("delivery_claim", flat=True)
        .first()
    )
    if held is None:
        return False
    if held == token:
        return True
    if held and running_tokens([held]):
        return False
    return bool(
        model.objects.filter(pk=pk, delivered_at__isnull=True, delivery_claim=held).update(
            delivery_claim=token, delivery_claimed_at=now or timezone.now()
        )
    )


def release(pk: int, *, token: str, model=Notification) -> None:
    """Give a claim back (the push failed): the sweep tries again later."""
    model.objects.filter(pk=pk, delivered_at__isnull=True, delivery_claim=token).update(
        delivery_claim="", delivery_claimed_at=None
    )


def deliver(ids: Iterable[int], *, token: str) -> int:
    """Deliver the notifications ``ids`` not yet delivered, as the task ``token`` (its task
    result id); returns how many this call delivered."""
    push = pusher()
    delivered = 0
    for pk in sorted(set(ids)):
        if not claim(pk, token=token):
            continue
        notification = Notification.objects.filter(pk=pk).first()
        if notification is None:  # its recipient was deleted meanwhile
            continue
        if push is not None:
            try:
                push(notification)
            except Exception:
                logger.exception("push of notification %s failed; it is tried again later", pk)
                release(pk, token=token)
                continue
        else:
            logger.info("notify %s: %s", notification.recipient_id, notification.message)
        marked = Notification.objects.filter(pk=pk, delivery_claim=token).update(
            delivered_at=timezone.now()
        )
        if marked:
            delivered += 1
        else:  # our task was taken for lost while it pushed; the other one marks it
            logger.warning("notification %s was claimed by another task during its push", pk)
    return delivered


def undelivered_ids(*, now: dt.datetime | None = None, limit: int = 1000) -> list[int]:
    """Notifications that should have been delivered a lease ago (but not more than a day ago)
    and that no running task holds."""
    now = now or timezone.now()
    rows = list(
        Notification.objects.filter(
            delivered_at__isnull=True,
            created_at__lt=now - dt.timedelta(seconds=lease_seconds()),
            created_at__gte=now - REDELIVER_WITHIN,
        )
        .order_by("created_at", "pk")
        .values_list("pk", "delivery_claim")[:limit]
    )
    live = running_tokens({held for _pk, held in rows if held})
    return [pk for pk, held in rows if held not in live]


# --- text messages (短信) to reporters ------------------------------------------------------


def max_text_attempts() -> int:
    return getattr(settings, "CIVICLOOP_SMS_MAX_ATTEMPTS", 5)


def deliver_texts(ids: Iterable[int], *, token: str) -> int:
    """Send the text messages ``ids`` not yet sent, each claimed first (as notifications are);
    a failed send counts an attempt and gives the claim back for the sweep."""
    send = sms_sender()
    sent = 0
    for pk in sorted(set(ids)):
        if not claim(pk, token=token, model=TextMessage):
            continue
        message = TextMessage.objects.filter(pk=pk).first()
        if message is None:
            continue
        try:
            send.send(phone=message.phone, text=message.text, key=message.delivery_key)
        except Exception as exc:
            logger.exception("text message %s was not sent; it is tried again later", pk)
            TextMessage.objects.filter(pk=pk, delivery_claim=token).update(
                attempts=message.attempts + 1, last_error=str(exc)[:200]
            )
            release(pk, token=token, model=TextMessage)
            continue
        if TextMessage.objects.filter(pk=pk, delivery_claim=token).update(
            delivered_at=timezone.now()
        ):
            sent += 1
    return sent


def unsent_text_ids(*, now: dt.datetime | None = None, limit: int = 1000) -> list[int]:
    """Text messages still unsent a lease after they were written (up to a day old), with
    attempts left, that no running task holds."""
    now = now or timezone.now()
    rows = list(
        TextMessage.objects.filter(
            delivered_at__isnull=True,
            attempts__lt=max_text_attempts(),
            created_at__lt=now - dt.timedelta(seconds=lease_seconds()),
            created_at__gte=now - REDELIVER_WITHIN,
        )
        .order_by("created_at", "pk")
        .values_list("pk", "delivery_claim")[:limit]
    )
    live = running_tokens({held for _pk, held in rows if held})
    return [pk for pk, held in rows if held not in live]
