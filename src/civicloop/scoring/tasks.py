"""Background work of the points (run by ``civicloop worker``)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from .ledger import recompute


def recompute_seconds() -> int:
    return int(getattr(settings, "CIVICLOOP_SCORING_SECONDS", 3600))


@task()
def recompute_points() -> dict:
    """Bring the points ledger in line with the records (idempotent)."""
    result = recompute()
    return {
        "created": result.created,
        "changed": result.changed,
        "removed": result.removed,
        "unchanged": result.unchanged,
    }
