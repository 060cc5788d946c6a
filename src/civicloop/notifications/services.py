"""Creating and delivering notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from civicloop.org.models import User

from .models import Notification, TextMessage
from .tasks import deliver_notifications, send_texts


def render_message(message, params: dict | None = None) -> str:
    """Notices are stored in the deployment's language (LANGUAGE_CODE), whatever
    language the person whose action caused them happens to use."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) % params if params else str(message)
    return text[:300]


def notify_users(
    users: Iterable, *, verb: str, message, params: dict | None = None, link: str = ""
) -> list[Notification]:
    """Write inbox rows now; deliver them after the surrounding transaction commits.

    Pass ``message`` as a lazy translation and its ``params`` separately so it is
    rendered in the deployment's language."""
    text = render_message(message, params)
    rows = Notification.objects.bulk_create(
        [Notification(recipient=u, verb=verb, message=text, link=link) for u in set(users)]
    )
    ids = [n.pk for n in rows if n.pk is not None]
    if ids:
        transaction.on_commit(lambda: _enqueue_delivery(ids))
    return rows


def notify_units(
    units: Iterable, *, verb: str, message, params: dict | None = None, link: str = ""
) -> list[Notification]:

    users = User.objects.filter(
        posts__unit__in=list(units), posts__is_active=True, is_active=True
    ).distinct()
    return notify_users(users, verb=verb, message=message, params=params, link=link)


def text_person(
    phone: str, *, verb: str, message, params: dict | None = None, reference: str = ""
) -> TextMessage | None:
    """A text message (短信) to ``phone``, written now and sent after the surrounding
    transaction commits (notifications/sms.py); None when there is no number to send to."""
    phone = (phone or "").strip()
    if not phone:
        return None
    row = TextMessage.objects.create(
        phone=phone, verb=verb, text=render_message(message, params), reference=reference
    )
    transaction.on_commit(lambda: send_texts.enqueue([row.pk]))
    return row


def _enqueue_delivery(ids: list[int]) -> None:

    deliver_notifications.enqueue(ids)


def mark_read(notification: Notification, *, by) -> None:
    if notification.recipient_id != by.pk:
        return
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(*, by) -> int:
    """Mark every unread notification of ``by`` as read; returns how many."""
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
