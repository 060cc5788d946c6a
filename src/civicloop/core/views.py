"""Site-wide views: the home redirect and the health check."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def home(request):
    """Staff land on their work queue; everyone else on the sign-in page."""
    return redirect("events:queue" if request.user.is_authenticated else "login")


@never_cache
def healthz(request):
    """200 "ok" when the database answers (for load balancers and `civicloop serve` checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unavailable")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
