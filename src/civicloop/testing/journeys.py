"""Walk an event through the loop with the real service functions, for tests."""

from __future__ import annotations

from civicloop.events import services
from civicloop.events.choices import EventState, Outcome, Rating, Source, Span, Urgency
from civicloop.events.models import Event

from .world import World

ORDER = [
    EventState.COLLECTED,
    EventState.JUDGED,
    EventState.DISPATCHED,
    EventState.ACCEPTED,
    EventState.HANDLING,
    EventState.FEEDBACK_SUBMITTED,
    EventState.CHECKED,
    EventState.RATED,
    EventState.CLOSED,
]


def report(
    world: World,
    *,
    by=None,
    region=None,
    category=None,
    description="人行道上有流动摊贩占道经营，影响通行",
    **kwargs,
) -> Event:
    by = by or world.grid_worker
    return services.create_event(
        by=by,
        source=kwargs.pop("source", Source.GRID_PATROL),
        description=description,
        category=category or world.street_vending,
        location=services.Location(region=region or world.wuyuan_grid),
        reporter_name=kwargs.pop("reporter_name", "张三"),
        reporter_phone=kwargs.pop("reporter_phone", "13912345678"),
        **kwargs,
    )


def walk(
    world: World,
    event: Event,
    to: str,
    *,
    urgency=Urgency.GENERAL,
    span=Span.SINGLE,
    handler=None,
    dispatcher=None,
    rating=Rating.SATISFIED,
) -> Event:
    """Move ``event`` forward along the main path until it reaches ``to``."""
    dispatcher = dispatcher or world.wuyuan_dispatcher
    handler = handler or world.wuyuan_officer
    steps = {
        EventState.JUDGED: lambda e: services.judge_event(
            e, by=dispatcher, urgency=urgency, span=span, reason="核实为占道经营"
        ),
        EventState.DISPATCHED: lambda e: services.dispatch_event(e, by=dispatcher),
        EventState.ACCEPTED: lambda e: services.accept_event(e, by=handler),
        EventState.HANDLING: lambda e: services.start_handling(e, by=handler),
        EventState.FEEDBACK_SUBMITTED: lambda e: services.submit_feedback(
            e, by=handler, outcome=Outcome.RESOLVED, measures="已劝离摊贩并清理现场"
        ),
        EventState.CHECKED: lambda e: services.check_event(
            e, by=dispatcher, passed=True, notes="现场核查已整改"
        ),
        EventState.RATED: lambda e: services.rate_event(
            e, rating=rating, comment="", tracking_code=e.tracking_code
        ),
        EventState.CLOSED: lambda e: services.close_event(e, by=dispatcher),
    }
    target_index = ORDER.index(to)
    while ORDER.index(event.state) < target_index:
        next_state = ORDER[ORDER.index(event.state) + 1]
        event = steps[next_state](event)
        event.refresh_from_db()
    return event
