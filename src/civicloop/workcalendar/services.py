"""Working time arithmetic on the Chinese statutory calendar.

Deadlines "within N working days/hours" skip weekends and statutory holidays and
count make-up workdays (调休). Sources, in order:

1. local ``CalendarDay`` overrides (the admin's "Calendar days"),
2. the ``chinesecalendar`` package (the State Council schedule, holidays and 调休),
3. the ``holidays`` package for years ``chinesecalendar`` does not know yet (it carries
   the next year's public holidays earlier; its make-up working days may lag, which is
   what the admin overrides are for),
4. Monday–Friday, with a logged error, only when no source knows the year at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar
import holidays
from django.conf import settings
from django.utils import timezone

from civicloop.core.reference_cache import holding_reference_data_now, remembered

from .models import CalendarDay

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkingPeriod:
    start: dt.time
    end: dt.time


def parse_working_hours(spec: str) -> tuple[WorkingPeriod, ...]:
    """Parse ``"08:30-12:00,13:30-17:30"`` into ordered periods; raise ValueError if malformed."""
    periods = []
    for chunk in spec.split(","):
        start_s, _, end_s = chunk.strip().partition("-")
        start = dt.time.fromisoformat(start_s.strip())
        end = dt.time.fromisoformat(end_s.strip())
        if end <= start:
            raise ValueError(f"working period {chunk!r} ends before it starts")
        periods.append(WorkingPeriod(start, end))
    periods.sort(key=lambda p: p.start)
    for before, after in zip(periods, periods[1:], strict=False):
        if after.start < before.end:
            raise ValueError("working periods overlap")
    if not periods:
        raise ValueError("no working periods")
    return tuple(periods)


def working_periods() -> tuple[WorkingPeriod, ...]:
    return parse_working_hours(settings.CIVICLOOP_WORKING_HOURS)


@lru_cache(maxsize=16)
def _warn_unknown_year(year: int) -> None:
    logger.error(
        "No statutory holiday data for %s in chinesecalendar or holidays; treating "
        "Monday–Friday as working days. Enter the official schedule as calendar days in the admin.",
        year,
    )


@lru_cache(maxsize=16)
def _fallback_calendar(year: int) -> holidays.HolidayBase | None:
    """The ``holidays`` package's China calendar for ``year``, or None outside its range."""
    if not holidays.China.start_year <= year <= holidays.China.end_year:
        return None
    logger.info(
        "chinesecalendar has no %s schedule; using the holidays package. Enter make-up "
        "working days (调休) it lacks as calendar days in the admin.",
        year,
    )
    return holidays.China(years=year)


def _statutory_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        pass
    calendar = _fallback_calendar(day.year)
    if calendar is None:
        _warn_unknown_year(day.year)
        return day.weekday() < 5
    if day in calendar:
        return False
    return day.weekday() < 5 or day in calendar.weekend_workdays


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:

    if holding_reference_data_now():
        # A batch reads the (small) table once and picks the range from memory.
        every = remembered(
            "workcalendar.overrides",
            lambda: dict(CalendarDay.objects.values_list("date", "is_workday")),
        )
        return {day: workday for day, workday in every.items() if start <= day <= end}
    return dict(
        CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
    )


def is_workday(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    if overrides is None:
        overrides = _overrides(day, day)
    if day in overrides:
        return overrides[day]
    return _statutory_workday(day)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The end of the ``days``-th working day after ``start``'s day (the start day not counted).

    This matches how administrative deadlines are read: "within 5 working days"
    from a Friday afternoon ends at the close of the fifth working day after it.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    local = timezone.localtime(start)
    overrides = _overrides(local.date(), local.date() + dt.timedelta(days=days * 3 + 30))
    day = local.date()
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_workday(day, overrides):
            counted += 1
    close = working_periods()[-1].end
    return timezone.make_aware(dt.datetime.combine(day, close), timezone.get_current_timezone())


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """``start`` plus ``hours`` of working time, counted only inside working periods."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    tz = timezone.get_current_timezone()
    remaining = dt.timedelta(hours=hours)
    cursor = timezone.localtime(start, tz)
    periods = working_periods()
    overrides = _overrides(cursor.date(), cursor.date() + dt.timedelta(days=int(hours) + 40))
    while True:
        day = cursor.date()
        if is_workday(day, overrides):
            for period in periods:
                p_start = timezone.make_aware(dt.datetime.combine(day, period.start), tz)
                p_end = timezone.make_aware(dt.datetime.combine(day, period.end), tz)
                if cursor >= p_end:
                    continue
                begin = max(cursor, p_start)
                available = p_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
                cursor = p_end
        cursor = timezone.make_aware(
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0)), tz
        )


def working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """Working hours elapsed between two instants (0 if ``end`` is not after ``start``)."""
    if end <= start:
        return 0.0
    tz = timezone.get_current_timezone()
    start_l, end_l = timezone.localtime(start, tz), timezone.localtime(end, tz)
    overrides = _overrides(start_l.date(), end_l.date())
    total = dt.timedelta()
    day = start_l.date()
    while day <= end_l.date():
        if is_workday(day, overrides):
            for period in working_periods():
                p_start = timezone.make_aware(dt.datetime.combine(day, period.start), tz)
                p_end = timezone.make_aware(dt.datetime.combine(day, period.end), tz)
                lo, hi = max(p_start, start_l), min(p_end, end_l)
                if hi > lo:
                    total += hi - lo
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600
