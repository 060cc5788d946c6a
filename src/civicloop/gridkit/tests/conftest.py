"""Fixtures of the grid toolkit tests, on the small county of ``testing/world.py``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from civicloop.events import services as events
from civicloop.testing.journeys import report
from civicloop.testing.matters import grant, make_matter

TODAY = timezone.localdate()


@pytest.fixture
def zd001(world):
    """ZD-001 (street vending, 县综合行政执法局, delegable), not granted to anybody yet."""
    return make_matter(world)


@pytest.fixture
def zd001_held(world, zd001):
    """武原街道 holds ZD-001 since 2023-07-01."""
    grant(world, zd001, start=dt.date(2023, 7, 1))
    return zd001


def reports(world, count: int, *, region=None, category=None, matter=None, **kwargs) -> list:
    """``count`` events in ``region`` (the 百可 grid by default); judged with ``matter`` when given."""
    made = []
    for _n in range(count):
        event = report(
            world,
            region=region,
            category=category or (matter.category if matter else None),
            **kwargs,
        )
        if matter is not None:
            event = events.judge_event(
                event,
                by=world.wuyuan_dispatcher
                if (region or world.wuyuan_grid).code.startswith("330424001")
                else world.ganpu_dispatcher,
                urgency="general",
                span="single",
                reason="研判",
                matter=matter,
            )
        made.append(event)
    return made
