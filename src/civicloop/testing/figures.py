"""Events at chosen local times for testing figures (events/tests/test_kpis.py and the
rollup equivalence test in core/tests/test_measured_figures.py).

March 2026 (Asia/Shanghai), reported at local times chosen to sit on the period's edges:

======  ===============  ==============  ==========  ===================================
event   source           place           reported    what happens
======  ===============  ==============  ==========  ===================================
grid1   grid patrol      武原 grid 1     03-31 23:59 closed, resolved, rated satisfied
late    hotline          武原 village 2  04-01 00:00 (April: not March)
station liaison station  武原 village 1  03-01 00:00 check fails, partly resolved, rated
                                                     dissatisfied (03-02), closed
portal  public portal    澉浦 grid       03-15       collected only
voided  hotline          武原 grid 1     03-10       voided
dup     grid patrol      武原 grid 1     03-12       merged into grid1, closes with it
firm    enterprise       澉浦 grid       03-05       feedback after its deadline (05-10),
                                                     closed, rated satisfied in May
grid2   grid patrol      武原 village 2  03-20       dispatched only
old     grid patrol      武原 grid 1     2025-03-20  (last year)
======  ===============  ==============  ==========  ===================================

Counted in March: grid1, station, portal, firm, grid2 (5); dispatched of them: grid1, station,
firm, grid2 (4); ratings given in March: grid1 satisfied, station dissatisfied.
"""

from __future__ import annotations

import datetime as dt

from civicloop.events import services
from civicloop.events.choices import EventState, Outcome, Rating, Source
from civicloop.events.models import Event

from .cases import at
from .journeys import report, walk
from .world import World


def march_2026(world: World) -> dict[str, Event]:
    """The events of the table above, at their local times (returned by name). Run with
    ``CIVICLOOP_MAX_DISSATISFIED_REWORKS = 0``: the dissatisfied rating goes straight to
    "rated" and the dispatcher closes over it with a reason."""
    events = {}
    with at(dt.datetime(2026, 3, 1, 0, 0)):
        station = report(
            world,
            by=world.station_staff,
            source=Source.LIAISON_STATION,
            region=world.wuyuan_village,
        )
        station = walk(world, station, EventState.FEEDBACK_SUBMITTED)
        services.check_event(station, by=world.wuyuan_dispatcher, passed=False, notes="未整改到位")
        station.refresh_from_db()
        services.submit_feedback(
            station,
            by=world.wuyuan_officer,
            outcome=Outcome.PARTLY_RESOLVED,
            measures="已部分整改",
        )
        station = walk(world, Event.objects.get(pk=station.pk), EventState.CHECKED)
    with at(dt.datetime(2026, 3, 2, 9, 0)):
        services.rate_event(
            station, rating=Rating.DISSATISFIED, comment="没有处理完", by=world.station_staff
        )
        services.close_event(station, by=world.wuyuan_dispatcher, reason="已尽力，转长效管理")
    events["station"] = station
    with at(dt.datetime(2026, 3, 5, 10, 0)):
        firm = report(
            world,
            by=world.ganpu_grid_worker,
            source=Source.ENTERPRISE,
            region=world.ganpu_grid,
        )
        firm = walk(
            world,
            firm,
            EventState.HANDLING,
            dispatcher=world.ganpu_dispatcher,
            handler=world.ganpu_officer,
        )
    with at(dt.datetime(2026, 5, 10, 10, 0)):
        events["firm"] = walk(
            world,
            firm,
            EventState.CLOSED,
            dispatcher=world.ganpu_dispatcher,
            handler=world.ganpu_officer,
        )
    with at(dt.datetime(2026, 3, 10, 8, 0)):
        voided = report(world, source=Source.HOTLINE)
        services.void_event(voided, by=world.wuyuan_dispatcher, reason="测试数据")
    with at(dt.datetime(2026, 3, 12, 8, 0)):
        events["dup"] = report(world)
    with at(dt.datetime(2026, 3, 15, 8, 0)):
        events["portal"] = report(
            world, by=world.ganpu_grid_worker, source=Source.PUBLIC_PORTAL, region=world.ganpu_grid
        )
    with at(dt.datetime(2026, 3, 20, 8, 0)):
        events["grid2"] = walk(
            world, report(world, region=world.wuyuan_village2), EventState.DISPATCHED
        )
    with at(dt.datetime(2026, 3, 31, 23, 59)):
        grid1 = report(world)
        services.merge_event(
            events["dup"], into=grid1, by=world.wuyuan_dispatcher, reason="同一摊贩"
        )
        events["grid1"] = walk(world, grid1, EventState.CLOSED)
    with at(dt.datetime(2026, 4, 1, 0, 0)):
        events["late"] = report(world, source=Source.HOTLINE, region=world.wuyuan_village2)
    with at(dt.datetime(2025, 3, 20, 8, 0)):
        events["old"] = report(world)
    for event in events.values():
        event.refresh_from_db()
    return events
