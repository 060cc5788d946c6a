"""How dates, times and amounts read on the toolkit's pages, prints and files.

Chinese forms write dates as 2026年11月28日; in English the ISO form is used. The
choice follows the active language, never the clock or the machine, so a file made
twice from the same data reads the same.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone, translation


def _chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


def as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date()
    return value


def format_date(value) -> str:
    """2026-11-28 → 2026年11月28日 (zh) or 2026-11-28 (en); empty for no date."""
    day = as_date(value)
    if day is None:
        return ""
    if _chinese():
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def format_datetime(value) -> str:
    """A moment in local time: 2026年11月28日 14时05分 (zh) or 2026-11-28 14:05 (en)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    if _chinese():
        return f"{format_date(value.date())} {value.hour:02d}时{value.minute:02d}分"
    return f"{value.date().isoformat()} {value.hour:02d}:{value.minute:02d}"


def plain_number(value) -> str:
    """Decimal('2.00') → "2"; Decimal('0.50') → "0.5"."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        return str(int(number))
    return format(number, "f")
