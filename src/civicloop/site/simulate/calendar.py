"""The rhythm of a simulated year, and moments as plain numbers.

Moments are int64 seconds since the epoch (UTC) while the arrays are built, and become aware
datetimes only when the rows are written. Local time is the site's time zone (Asia/Shanghai
keeps one offset all year, so one offset is enough).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings

UTC = dt.UTC
HOUR = 3600
DAY = 86_400

# 春节 (the first day of the lunar year): work and reporting drop for about ten days.
SPRING_FESTIVAL = {
    2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
    2031: dt.date(2031, 1, 23),
    2032: dt.date(2032, 2, 11),
    2033: dt.date(2033, 1, 31),
    2034: dt.date(2034, 2, 19),
    2035: dt.date(2035, 2, 8),
}
FIRST_YEAR, LAST_YEAR = min(SPRING_FESTIVAL), max(SPRING_FESTIVAL)

# Reports by hour of the day (local): patrols in working hours, the hotline into the evening.
HOURLY = np.array(
    [0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2.0, 5.5, 8.0, 8.5, 7.0,
     4.0, 5.0, 7.5, 8.0, 7.5, 5.5, 3.0, 2.5, 2.0, 1.5, 0.8, 0.4]
)  # fmt: skip
HOURLY = HOURLY / HOURLY.sum()


def utc_offset_seconds(year: int) -> int:
    zone = ZoneInfo(settings.TIME_ZONE)
    return int(dt.datetime(year, 7, 1, tzinfo=zone).utcoffset().total_seconds())


def year_days(year: int) -> np.ndarray:
    return np.arange(f"{year}-01-01", f"{year + 1}-01-01", dtype="datetime64[D]")


def day_weights(year: int) -> np.ndarray:
    """Relative volume of each day: summer above winter (peak mid-July, ±22 %), weekends at
    about 60 % of a weekday, the Spring Festival at a third, the October golden week lower."""
    days = year_days(year)
    n = len(days)
    doy = np.arange(n)
    season = 1 + 0.22 * np.cos(2 * np.pi * (doy - 196) / n)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    rhythm = np.where(weekday >= 5, 0.6, 1.0)
    festival = np.ones(n)
    new_year = np.datetime64(SPRING_FESTIVAL[year], "D")
    offset = (days - new_year).astype(np.int64)
    festival[(offset >= -2) & (offset <= 6)] = 0.35
    festival[((offset >= -7) & (offset < -2)) | ((offset > 6) & (offset <= 12))] = 0.75
    golden = (days >= np.datetime64(f"{year}-10-01")) & (days <= np.datetime64(f"{year}-10-07"))
    festival[golden] = np.minimum(festival[golden], 0.6)
    weights = season * rhythm * festival
    return weights / weights.sum()


def spread_over_year(
    rng: np.random.Generator, year: int, count: int, hourly: np.ndarray = HOURLY
) -> np.ndarray:
    """``count`` moments (UTC epoch seconds, sorted) following the year's rhythm."""
    days = year_days(year)
    per_day = rng.multinomial(count, day_weights(year))
    day = np.repeat(days.astype(np.int64), per_day)
    hour = rng.choice(24, size=count, p=hourly)
    local = day * DAY + hour * HOUR + rng.integers(0, HOUR, size=count)
    return np.sort(local - utc_offset_seconds(year))


def year_bounds(year: int) -> tuple[int, int]:
    """The year's first and last second + 1, local, as UTC epoch seconds."""
    offset = utc_offset_seconds(year)
    start = int(np.datetime64(f"{year}-01-01", "s").astype(np.int64)) - offset
    end = int(np.datetime64(f"{year + 1}-01-01", "s").astype(np.int64)) - offset
    return start, end


def aware(seconds: np.ndarray, present: np.ndarray | None = None) -> list[dt.datetime | None]:
    """Aware UTC datetimes (None where ``present`` is False)."""
    values = seconds.astype(np.int64).tolist()
    fromts = dt.datetime.fromtimestamp
    if present is None:
        return [fromts(v, UTC) for v in values]
    return [fromts(v, UTC) if p else None for v, p in zip(values, present.tolist(), strict=True)]


def local_dates(seconds: np.ndarray, year: int) -> list[dt.date]:
    """The local calendar date of each moment."""
    days = (seconds + utc_offset_seconds(year)) // DAY
    return days.astype("datetime64[D]").astype(object).tolist()
