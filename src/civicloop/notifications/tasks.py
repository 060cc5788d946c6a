"""Background delivery of notifications (django-tasks, database backend).

Both tasks may run more than once over the same rows (a retry after a killed worker, the
periodic sweep): :mod:`.delivery` claims each notification first, so it is pushed at most once.
"""

from __future__ import annotations

from django_tasks import task

from civicloop.core.taskqueue import lease_seconds

from .delivery import deliver, deliver_texts, undelivered_ids, unsent_text_ids


@task(takes_context=True)
def deliver_notifications(context, ids: list[int]) -> int:
    """Deliver inbox rows. The web inbox needs nothing more; a county that wires an SMS or
    浙政钉 gateway names its push in ``CIVICLOOP_NOTIFICATION_PUSH`` (called here, outside
    any database transaction)."""
    return deliver(ids, token=str(context.task_result.id))


@task(takes_context=True)
def redeliver_notifications(context) -> int:
    """The sweep (every lease, from ``civicloop worker``): deliver what is still undelivered a
    lease after it was written and no running task holds."""
    return deliver(undelivered_ids(), token=str(context.task_result.id))


@task(takes_context=True)
def send_texts(context, ids: list[int]) -> int:
    """Send text messages (notifications/sms.py) once their transaction has committed."""
    return deliver_texts(ids, token=str(context.task_result.id))


@task(takes_context=True)
def resend_texts(context) -> int:
    """The sweep: text messages still unsent a lease later, with attempts left."""
    return deliver_texts(unsent_text_ids(), token=str(context.task_result.id))


def redeliver_seconds() -> int:
    return lease_seconds()
