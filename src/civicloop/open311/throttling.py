"""Rate limits: per API key (the client's own requests per minute) and, for the read
methods called without a key, per client address at the public rate of the REST API.

Counters live in the Django cache (shared by the web workers, see settings.CACHES), in
fixed one-minute windows; going over is a 429 with ``Retry-After``.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from civicloop.core.api import PublicRateThrottle, client_ip

from .errors import Open311Error
from .models import Open311Client

WINDOW = 60


def _count(key: str, now: float) -> int:
    window_key = f"open311:rate:{key}:{int(now // WINDOW)}"
    cache.add(window_key, 0, timeout=WINDOW * 2)
    try:
        return cache.incr(window_key)
    except ValueError:  # expired between add and incr
        cache.set(window_key, 1, timeout=WINDOW * 2)
        return 1


def _refuse(limit: int, now: float) -> Open311Error:
    retry_after = max(1, int(WINDOW - now % WINDOW))
    return Open311Error(
        429,
        _("Too many requests: at most %(n)d a minute. Try again in %(s)d seconds.")
        % {"n": limit, "s": retry_after},
        retry_after=retry_after,
    )


def check_client_rate(client: Open311Client) -> None:
    now = time.time()
    if _count(f"key:{client.pk}", now) > client.rate_limit:
        raise _refuse(client.rate_limit, now)


def public_rate_per_minute() -> int:
    throttle = PublicRateThrottle()
    requests, seconds = throttle.parse_rate(throttle.get_rate())
    return max(1, round(requests * WINDOW / seconds))


def check_address_rate(request) -> None:
    now = time.time()
    limit = public_rate_per_minute()
    if _count(f"ip:{client_ip(request) or 'unknown'}", now) > limit:
        raise _refuse(limit, now)
