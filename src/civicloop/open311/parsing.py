"""Reading GeoReport v2 arguments: w3 datetimes, coordinates, comma lists, ``attribute[code]``.

Each function raises ``ValueError`` with a message for the client; the caller turns it
into a 400 error. "Optional" arguments sent empty count as not sent (the spec's rule).
"""

from __future__ import annotations

import datetime as dt
import math
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.inputs import date_in_range

# The w3 note's profile of ISO 8601 (complete date, or date and time with a time zone).
_W3_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<tz>Z|[+-]\d{2}:\d{2})?)?$"
)
_ATTRIBUTE_KEY = re.compile(r"^attribute\[(?P<code>[^\[\]]+)\](?P<many>\[\])?$")


def w3_datetime(value: str, *, name: str, end_of_day: bool = False) -> dt.datetime:
    """``2010-01-01T00:00:00Z``, ``…+08:00``, or a bare date (the deployment's day: its start,
    or with ``end_of_day`` its end). A time without a time zone is refused, as the spec
    requires one."""
    text = value.strip()
    match = _W3_DATETIME.match(text)
    if not match:
        raise ValueError(
            _("%(name)s must be a w3 datetime such as 2010-01-01T00:00:00Z (got “%(value)s”).")
            % {"name": name, "value": value}
        )
    if match["time"] is not None and match["tz"] is None:
        raise ValueError(
            _("%(name)s needs a time zone (Z or an offset such as +08:00).") % {"name": name}
        )
    try:
        day = dt.date.fromisoformat(match["date"])
        moment = (
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if match["time"] is not None
            else None
        )
    except ValueError as exc:  # 2024-02-30, 25:00 …
        raise ValueError(
            _("%(name)s is not a valid date and time (got “%(value)s”).")
            % {"name": name, "value": value}
        ) from exc
    try:
        date_in_range(day)  # 9999-12-31 overflowed in the query's bounds (a 500)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    if moment is not None:
        return moment
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min))


def coordinate(value: str, *, name: str, limit: float) -> float:
    try:
        number = float(value.strip())
    except ValueError as exc:
        raise ValueError(
            _("%(name)s must be a number in decimal degrees (got “%(value)s”).")
            % {"name": name, "value": value}
        ) from exc
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise ValueError(
            _("%(name)s must lie between -%(limit)d and %(limit)d degrees (got “%(value)s”).")
            % {"name": name, "limit": limit, "value": value}
        )
    return number


def comma_list(value: str | None) -> list[str]:
    """``a,b, c`` → ``["a", "b", "c"]``; the spec's way of repeating an argument."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def attribute_values(data) -> dict[str, list[str]]:
    """``attribute[code]=v`` and ``attribute[code][]=v1&attribute[code][]=v2`` from a
    QueryDict, as code → list of the non-empty values given."""
    found: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE_KEY.match(key)
        if not match:
            continue
        values = [v.strip() for v in data.getlist(key) if v is not None and v.strip()]
        found.setdefault(match["code"].strip(), []).extend(values)
    return found
