"""Figures and events for the cockpit's page tests (imported by test_views.py and
test_browser_cockpit.py; kept in a test_views* module so it stays in this work's files).

Two figures registered for the tests (the apps' own figures may or may not be registered,
depending on which work has landed; the tests read only these two):

* ``cockpit_test.reported`` — events reported, counted by ``reported_at`` (a measure, so it is
  rolled up), with a drill-down to the event list;
* ``cockpit_test.patrol_share`` — the share of those reported by a grid patrol (a share: shown
  as a percentage, its change in points).

Events (local times), hand-counted:

=======  ==========  ======================  ============
when     town        source                  counted in
=======  ==========  ======================  ============
2025-03  武原 grid    grid patrol             March 2025
2025-03  武原 grid    hotline                 March 2025
2025-03  澉浦 grid    grid patrol             March 2025
2025-02  武原 grid    grid patrol             February (previous)
2024-03  武原 grid    grid patrol             March 2024 (last year)
=======  ==========  ======================  ============

March 2025, county: 3 events (previous 1, last year 1 → +200.0%); 武原 2, 澉浦 1.
Patrol share March 2025: 2/3 = 66.67% (last year 100% → −33.3 pts).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from civicloop.cockpit import rollups
from civicloop.core.figures import COUNT, SHARE, Figure, Measure, figures
from civicloop.events.choices import Source
from civicloop.events.models import Event
from civicloop.org.choices import Role, UnitKind
from civicloop.testing.cases import at
from civicloop.testing.factories import PostFactory, UnitFactory, UserFactory
from civicloop.testing.journeys import report

SUBJECT = "cockpit_test"


def _events():
    return Event.objects.all()


def events_url(period, region) -> str:
    query = {
        "reported_after": period.start.isoformat(),
        "reported_before": period.end.isoformat(),
    }
    if region is not None and region.level == "town":
        query["town"] = region.code
    return f"{reverse('events:list')}?{urlencode(query)}"


REPORTED = Figure(
    SUBJECT,
    "reported",
    label="Reported (test)",
    definition="Events reported in the period (test figure).",
    unit="events",
    measure=Measure(rows=_events, date="reported_at", kind=COUNT),
    better="down",
    records=events_url,
    order=-100,
)
PATROL_SHARE = Figure(
    SUBJECT,
    "patrol_share",
    label="Patrol share (test)",
    definition="Of the events reported in the period, the share a grid patrol reported.",
    unit="share (0–1)",
    measure=Measure(
        rows=_events, date="reported_at", kind=SHARE, numerator=Q(source=Source.GRID_PATROL)
    ),
    better="up",
    order=-99,
)
TEST_FIGURES = (REPORTED, PATROL_SHARE)


@contextmanager
def registered_test_figures():
    """The test figures in the registry, for the duration of the block."""
    for figure in TEST_FIGURES:
        figures.add(figure)
    try:
        yield TEST_FIGURES
    finally:
        for figure in TEST_FIGURES:
            figures.unregister(figure.key)


def _report(world, when, region, source=Source.GRID_PATROL):
    with at(when):
        return report(world, region=region, source=source)


def add_march_events(world) -> None:
    _report(world, dt.datetime(2025, 3, 3, 9, 0), world.wuyuan_grid)
    _report(world, dt.datetime(2025, 3, 20, 9, 0), world.wuyuan_grid, Source.HOTLINE)
    _report(world, dt.datetime(2025, 3, 31, 23, 0), world.ganpu_grid)
    _report(world, dt.datetime(2025, 2, 10, 9, 0), world.wuyuan_grid)
    _report(world, dt.datetime(2024, 3, 10, 9, 0), world.wuyuan_grid)


def build_march(world):
    """The events above, and the rollups built for 2024 and 2025 (register the figures
    first)."""
    add_march_events(world)
    rollups.refresh(dt.date(2024, 1, 1), dt.date(2025, 12, 31), keys=[f.key for f in TEST_FIGURES])
    return world


def town_leader(world):
    """A leader of 武原街道's leadership group (lands on his town's cockpit)."""
    unit = UnitFactory(
        code="330424001-leadership",
        name="武原街道双牵头领导小组",
        kind=UnitKind.LEADERSHIP,
        region=world.wuyuan,
    )
    user = UserFactory(username="wuyuan_leader", full_name="wuyuan_leader")
    PostFactory(user=user, unit=unit, role=Role.LEADER)
    return user


MARCH = {"period": "month", "year": "2025", "month": "3"}
