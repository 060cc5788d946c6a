"""Background work of core (run by ``civicloop worker``)."""

from __future__ import annotations

import logging

from django_tasks import task

from . import idempotency

logger = logging.getLogger(__name__)


@task()
def purge_idempotency_keys() -> dict:
    """Delete idempotency keys past ``CIVICLOOP_IDEMPOTENCY_KEY_HOURS``."""
    purged = idempotency.purge()
    if purged:
        logger.info("purged %d expired idempotency keys", purged)
    return {"purged": purged}
