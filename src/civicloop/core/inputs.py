"""Checks of free input shared by the service functions: each raises ``InvalidInput`` on the
offending field with a message that says what is wrong, so pages, API and command line show
the same refusal."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput

MAX_TEXT = 5000
# A time "now" from a phone or a clerk's PC may run a little ahead of the server's clock.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)
# The days a record of the county can bear. Outside them a date is a typo or a probe, and the
# arithmetic done on it (its local midnight in UTC, the day after a period, a time limit of
# years) would leave the range of Python's dates: an OverflowError, a 500 instead of a 400.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


def clean_text(
    value: str | None, *, field: str, max_length: int = MAX_TEXT, required: bool = False
) -> str:
    """The stripped text; refused when required and empty, or longer than ``max_length``."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field)
    if len(value) > max_length:
        raise InvalidInput(
            _("At most %(n)d characters are allowed (you gave %(m)d).")
            % {"n": max_length, "m": len(value)},
            field=field,
        )
    return value


def past_moment(value: dt.datetime | None, *, field: str, now: dt.datetime) -> dt.datetime:
    """When something happened: ``now`` when not given, local time when naive, never later than now."""
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + CLOCK_TOLERANCE:
        raise InvalidInput(_("This time cannot be in the future."), field=field)
    return value


def not_future(day: dt.date | None, *, field: str) -> None:
    """Refuse a date after today (local)."""
    if day is not None and day > timezone.localdate():
        raise InvalidInput(_("This date cannot be in the future."), field=field)


def date_in_range(value: dt.date | dt.datetime | None) -> None:
    """Refuse a day outside ``EARLIEST_DATE`` … ``LATEST_DATE``.

    The default validator of every date and date-time field — pages' forms, list filters and
    API serializers alike (installed by ``CoreConfig.ready``) — so no such day reaches a
    service or a query."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, dt.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Give a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="date_out_of_range",
        )
