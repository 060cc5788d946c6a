"""Background delivery of notifications (django-tasks, database backend)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from .models import Notification

logger = logging.getLogger(__name__)


@task()
def deliver_notifications(ids: list[int]) -> int:
    """Deliver inbox rows. The web inbox needs nothing more; a county that wires an
    SMS or 浙政钉 gateway does it here, outside any database transaction."""
    delivered = 0
    for notification in Notification.objects.filter(pk__in=ids, delivered_at__isnull=True):
        logger.info("notify %s: %s", notification.recipient_id, notification.message)
        notification.delivered_at = timezone.now()
        notification.save(update_fields=["delivered_at"])
        delivered += 1
    return delivered
