"""A county's year of events: intake, the lead assignment, feedback, checks and ratings.

Each event gets a total handling time from a lognormal law (median about 40 hours for a
general event, 6 for an urgent one, 4 days across departments; a few stay stuck). The stages
fall at fixed fractions of it: dispatched at 6 %, accepted at 10 %, feedback at 82 %, checked
at 90 %, rated at 95 %, closed at the end. Whatever has not finished by the end of the year
stays open in the stage it reached, so the year ends with about 99 % of its events closed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from civicloop.events.choices import (
    AssignmentKind,
    AssignmentState,
    EventState,
    Outcome,
    Rating,
    RatingChannel,
    Source,
    Span,
    Urgency,
)
from civicloop.events.models import Assignment, Check, Event, EventRating, Feedback

from .calendar import HOUR, aware, spread_over_year, year_bounds
from .regions import CountyWorld
from .tables import Tables

# Where events come from (Haiyan: grid patrols find most; ~450 clues a year at stations).
SOURCE_SHARES = {
    Source.GRID_PATROL: 0.775,
    Source.HOTLINE: 0.12,
    Source.PUBLIC_PORTAL: 0.05,
    Source.ENTERPRISE: 0.03,
    Source.OPEN311: 0.015,
    Source.LIAISON_STATION: 0.01,
}
CATEGORY_WEIGHTS = {
    "sanitation": 18, "clutter": 14, "street-vending": 10, "outdoor-ads": 4,
    "illegal-construction": 6, "landscaping": 5, "property-management": 4, "noise": 5,
    "air-pollution": 4, "solid-waste": 2, "water-pollution": 1.5, "gas-safety": 1.5,
    "food-safety": 2, "market-order": 2, "transport": 2, "agriculture": 2, "forestry": 0.5,
    "water-source": 0.5, "land-use": 1, "work-safety": 2.5, "health": 0.5, "river": 3,
    "scenic-area": 0.3, "disputes": 6, "other": 3,
}  # fmt: skip
URGENT_SHARE = 0.04
MULTI_SHARE = 0.015
DEADLINE_HOURS = {"urgent": 24, "multi": 15 * 24, "general": 7 * 24}  # 5 working days ≈ 7 days
MEDIAN_HOURS = {"urgent": 6, "multi": 96, "general": 40}
SIGMA = 0.9
STUCK_SHARE = 0.003
VOIDED_SHARE = 0.0025
MERGED_SHARE = 0.0015
DEPARTMENT_LEAD_SHARE = 0.15
REWORK_SHARE = 0.012
RATED_SHARE = {
    Source.PUBLIC_PORTAL: 0.75,
    Source.OPEN311: 0.75,
    Source.HOTLINE: 0.85,
    Source.ENTERPRISE: 0.6,
    Source.LIAISON_STATION: 0.5,
    Source.GRID_PATROL: 0.3,
}
RATINGS = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED, Rating.DISSATISFIED)
RATING_SHARES = (0.885, 0.10, 0.015)
OUTCOMES = (Outcome.RESOLVED, Outcome.PARTLY_RESOLVED, Outcome.NOT_RESOLVABLE)
OUTCOME_SHARES = (0.97, 0.02, 0.01)
MEASURES = {
    Outcome.RESOLVED: "已到场处置，问题已整改到位。",
    Outcome.PARTLY_RESOLVED: "已到场处置，部分整改，后续跟踪。",
    Outcome.NOT_RESOLVABLE: "暂不具备解决条件，已向当事人说明。",
}
# Open events by how far their handling has come (fraction of its total time).
OPEN_STAGES = (
    (0.03, EventState.COLLECTED),
    (0.06, EventState.JUDGED),
    (0.10, EventState.DISPATCHED),
    (0.15, EventState.ACCEPTED),
    (0.82, EventState.HANDLING),
    (0.90, EventState.FEEDBACK_SUBMITTED),
    (0.95, EventState.CHECKED),
    (np.inf, EventState.RATED),
)
ISSUE, ACCEPT, FEEDBACK, CHECK, RATE = 0.06, 0.10, 0.82, 0.90, 0.95
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SIMULATED = "【模拟数据】"


def event_number(county: str, year: int, serial: int) -> str:
    """``SIM`` + county + two-digit year + serial: never the ``E<date>…`` of real events."""
    return f"SIM{county}{year % 100:02d}{serial:07d}"


def number_prefix(county: str, year: int) -> str:
    return f"SIM{county}{year % 100:02d}"


def tracking_code(county: str, year: int, serial: int) -> str:
    """11 characters (real codes have 10), unique per county, year and serial."""
    value = (int(county) * 100 + year % 100) * 10_000_000 + serial
    chars = []
    for _n in range(11):
        value, digit = divmod(value, len(TRACKING_ALPHABET))
        chars.append(TRACKING_ALPHABET[digit])
    return "".join(reversed(chars))


@dataclass
class EventYear:
    """What the case generator reuses: the closed events (id, town index, closed at)."""

    closed_ids: np.ndarray
    closed_towns: np.ndarray
    closed_at: np.ndarray


def _pick(rng: np.random.Generator, options, shares, size: int) -> np.ndarray:
    p = np.asarray(shares, dtype=float)
    return rng.choice(len(options), size=size, p=p / p.sum())


def generate_events(
    world: CountyWorld, *, year: int, count: int, rng: np.random.Generator, tables: Tables
) -> EventYear:
    n = count
    code = world.plan.code
    _start, as_of = year_bounds(year)
    reported = spread_over_year(rng, year, n)
    ids = np.asarray(tables.ids(Event, n))

    sources = list(SOURCE_SHARES)
    source = _pick(rng, sources, list(SOURCE_SHARES.values()), n)
    cats = world.categories
    category = _pick(rng, cats, [CATEGORY_WEIGHTS.get(c[1], 1.0) for c in cats], n)
    grid_weight = rng.gamma(2.0, 1.0, len(world.grids))
    grid = rng.choice(len(world.grids), size=n, p=grid_weight / grid_weight.sum())
    grid_town = np.array([g[1] for g in world.grids])
    town = grid_town[grid]

    urgent = rng.random(n) < URGENT_SHARE
    multi = ~urgent & (rng.random(n) < MULTI_SHARE)
    kind = np.where(urgent, "urgent", np.where(multi, "multi", "general"))
    deadline = reported + np.vectorize(DEADLINE_HOURS.get)(kind) * HOUR
    median = np.vectorize(MEDIAN_HOURS.get)(kind).astype(float)
    hours = np.maximum(np.exp(rng.normal(np.log(median), SIGMA)), 0.5)
    hours[rng.random(n) < STUCK_SHARE] *= 30
    span = (hours * HOUR).astype(np.int64)
    done = reported + span

    fate = rng.random(n)
    voided = fate < VOIDED_SHARE
    merged = (fate >= VOIDED_SHARE) & (fate < VOIDED_SHARE + MERGED_SHARE) & (np.arange(n) > 0)
    live = ~voided & ~merged
    closed = live & (done <= as_of)
    still_open = live & ~closed

    def reached(fraction: float) -> np.ndarray:
        return live & (reported + (span * fraction).astype(np.int64) <= as_of)

    def at(fraction: float) -> np.ndarray:
        return reported + (span * fraction).astype(np.int64)

    progress = np.where(still_open, (as_of - reported) / np.maximum(span, 1), 1.0)
    open_state = np.select(
        [progress < limit for limit, _state in OPEN_STAGES],
        [state.value for _limit, state in OPEN_STAGES],
        default=EventState.RATED.value,
    )
    state = np.where(
        closed,
        EventState.CLOSED.value,
        np.where(
            voided,
            EventState.VOIDED.value,
            np.where(merged, EventState.MERGED.value, open_state),
        ),
    )
    finished_at = np.where(closed, done, np.minimum(reported + 2 * HOUR, as_of - 1))
    late = np.where(closed, done > deadline, still_open & (as_of > deadline))
    merged_into = np.where(merged, ids[(rng.random(n) * np.arange(n)).astype(np.int64)], 0)

    serial = np.arange(1, n + 1)
    category_names = [cats[i][2] for i in category.tolist()]
    villages = [world.grids[g][2] for g in grid.tolist()]
    titles = [f"{c}（{v}）" for c, v in zip(category_names, villages, strict=True)]
    patrol = source == sources.index(Source.GRID_PATROL)
    checkers = np.array(world.checkers)
    source_values = np.array([s.value for s in sources])[source]
    occurred = reported - np.where(patrol, 0, rng.integers(0, 6 * HOUR, n))
    tables.add(
        Event,
        id=ids.tolist(),
        number=[event_number(code, year, s) for s in serial.tolist()],
        tracking_code=[tracking_code(code, year, s) for s in serial.tolist()],
        source=source_values.tolist(),
        title=titles,
        description=[SIMULATED + t for t in titles],
        category_id=[cats[i][0] for i in category.tolist()],
        region_id=[world.grids[g][0] for g in grid.tolist()],
        occurred_at=aware(occurred),
        reported_at=aware(reported),
        reported_by_id=np.where(patrol, checkers[town], 0).tolist(),
        state=state.tolist(),
        urgency=np.where(urgent, Urgency.URGENT.value, Urgency.GENERAL.value).tolist(),
        span=np.where(multi, Span.MULTI.value, Span.SINGLE.value).tolist(),
        deadline_at=aware(deadline),
        escalated_deadline_at=aware(deadline, late),
        escalation_level=late.astype(int).tolist(),
        merged_into_id=merged_into.tolist(),
        closed_at=aware(finished_at, ~still_open),
    )
    # 0 stands for "none" in the id columns above; the loader writes NULL for it.

    # The lead assignment, once the event was dispatched.
    lead = reached(ISSUE)
    idx = np.flatnonzero(lead)
    m = len(idx)
    assignment_ids = np.asarray(tables.ids(Assignment, m))
    department_slugs = [cats[i][3] for i in category[idx].tolist()]
    by_department = rng.random(m) < DEPARTMENT_LEAD_SHARE
    squads = np.array(world.squads)
    fallback = world.departments["dept-zhzf"]
    departments = np.array(
        [world.departments.get(slug, fallback) for slug in department_slugs], dtype=np.int64
    )
    lead_town = town[idx]
    unit = np.where(by_department, departments, squads[lead_town])
    officers = np.array([o[0] for o in world.officers])
    handler = np.where(by_department, world.department_officers[0], officers[lead_town])
    accepted = reached(ACCEPT)[idx]
    fed_back = reached(FEEDBACK)[idx]
    issued_at = at(ISSUE)[idx]
    tables.add(
        Assignment,
        id=assignment_ids.tolist(),
        event_id=ids[idx].tolist(),
        unit_id=unit.tolist(),
        kind=[AssignmentKind.LEAD.value] * m,
        state=np.where(
            fed_back,
            AssignmentState.DONE.value,
            np.where(accepted, AssignmentState.ACCEPTED.value, AssignmentState.ISSUED.value),
        ).tolist(),
        issued_at=aware(issued_at),
        issued_by_id=np.array(world.dispatchers)[lead_town].tolist(),
        accept_due_at=aware(issued_at + 2 * HOUR),
        due_at=aware(deadline[idx]),
        accepted_at=aware(at(ACCEPT)[idx], accepted),
        accepted_by_id=np.where(accepted, handler, 0).tolist(),
        done_at=aware(at(FEEDBACK)[idx], fed_back),
    )
    assignment_of = dict(zip(ids[idx].tolist(), assignment_ids.tolist(), strict=True))
    handler_of = dict(zip(ids[idx].tolist(), handler.tolist(), strict=True))

    # Feedback (a second one after a check that sent the work back), checks and ratings.
    rework = closed & (rng.random(n) < REWORK_SHARE)
    first = np.flatnonzero(rework)
    fed = np.flatnonzero(reached(FEEDBACK))
    feedback_events = np.concatenate([first, fed])
    feedback_at = np.concatenate([at(0.45)[first], at(FEEDBACK)[fed]])
    outcome = np.array([o.value for o in OUTCOMES])[
        _pick(rng, OUTCOMES, OUTCOME_SHARES, len(feedback_events))
    ]
    outcome[: len(first)] = Outcome.RESOLVED.value
    order = np.argsort(feedback_at, kind="stable")
    feedback_events, feedback_at, outcome = (
        feedback_events[order],
        feedback_at[order],
        outcome[order],
    )
    event_ids = ids[feedback_events].tolist()
    tables.add(
        Feedback,
        id=list(tables.ids(Feedback, len(event_ids))),
        event_id=event_ids,
        assignment_id=[assignment_of[e] for e in event_ids],
        outcome=outcome.tolist(),
        measures=[MEASURES[o] for o in outcome.tolist()],
        submitted_by_id=[handler_of[e] for e in event_ids],
        submitted_at=aware(feedback_at),
    )
    checked = np.flatnonzero(reached(CHECK))
    check_events = np.concatenate([first, checked])
    check_at = np.concatenate([at(0.5)[first], at(CHECK)[checked]])
    passed = np.concatenate([np.zeros(len(first), bool), np.ones(len(checked), bool)])
    order = np.argsort(check_at, kind="stable")
    check_events, check_at, passed = check_events[order], check_at[order], passed[order]
    tables.add(
        Check,
        id=list(tables.ids(Check, len(check_events))),
        event_id=ids[check_events].tolist(),
        passed=passed.tolist(),
        notes=np.where(passed, "", "现场复核未整改到位，退回重新处置。").tolist(),
        checked_by_id=checkers[town[check_events]].tolist(),
        checked_at=aware(check_at),
    )
    rated_share = np.array([RATED_SHARE[s] for s in sources])[source]
    # Closed events are rated when the reporter (or staff) gave a rating; an open event in
    # the "rated" stage has its rating.
    asked = (rng.random(n) < rated_share) | (still_open & (state == EventState.RATED.value))
    rated = np.flatnonzero(reached(RATE) & asked)
    public = np.isin(source_values[rated], [Source.PUBLIC_PORTAL.value, Source.OPEN311.value])
    rating = np.array([r.value for r in RATINGS])[_pick(rng, RATINGS, RATING_SHARES, len(rated))]
    tables.add(
        EventRating,
        id=list(tables.ids(EventRating, len(rated))),
        event_id=ids[rated].tolist(),
        rating=rating.tolist(),
        channel=np.where(public, RatingChannel.PUBLIC.value, RatingChannel.STAFF.value).tolist(),
        rated_by_id=np.where(public, 0, checkers[town[rated]]).tolist(),
        rated_at=aware(at(RATE)[rated]),
    )
    return EventYear(closed_ids=ids[closed], closed_towns=town[closed], closed_at=done[closed])
