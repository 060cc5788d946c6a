"""Background work of the cockpit (run by ``civicloop worker``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .models import RollupCoverage
from .rollups import refresh_recent


def refresh_seconds() -> int:
    return int(getattr(settings, "CIVICLOOP_ROLLUP_SECONDS", 600))


@task()
def refresh_rollups() -> dict:
    """Rebuild the current and previous month's rollups; once a day (when the oldest
    rebuild is more than a day old) every month of this year and last."""
    oldest = RollupCoverage.objects.order_by("refreshed_at").values_list("refreshed_at", flat=True)
    stale = oldest.exists() and timezone.now() - oldest[0] > dt.timedelta(days=1)
    written = refresh_recent(full=stale)
    return {"figures": len(written), "rows": sum(written.values()), "full": stale}
