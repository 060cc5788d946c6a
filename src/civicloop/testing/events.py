"""Making events at given moments through the real intake service (hotspots, figures)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from civicloop.events import services
from civicloop.events.choices import Source

DEFAULT = object()


def local(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(hour, minute)), timezone.get_current_timezone()
    )


def report_at(
    world,
    when: dt.datetime,
    *,
    region=None,
    category=DEFAULT,
    title: str = "",
    description: str = "人行道上有流动摊贩占道经营，影响通行",
    by=None,
    latitude=None,
    longitude=None,
    source: str = Source.GRID_PATROL,
):
    by = by or world.grid_worker
    with time_machine.travel(when, tick=False):
        return services.create_event(
            by=by,
            source=source,
            title=title,
            description=description,
            category=world.street_vending if category is DEFAULT else category,
            location=services.Location(
                region=region or world.wuyuan_grid,
                latitude=latitude,
                longitude=longitude,
                datum="gcj02",
            ),
        )


def report_on_days(world, days: dict[dt.date, int], **kwargs) -> list:
    """``days[day]`` events on each day (spread over the working hours)."""
    made = []
    for day, n in sorted(days.items()):
        for i in range(n):
            made.append(
                report_at(world, local(day, 8 + (i * 37 // 60) % 10, (i * 37) % 60), **kwargs)
            )
    return made
