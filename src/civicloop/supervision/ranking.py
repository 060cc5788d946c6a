"""The monthly unit ranking (月度排名), computed from the event records every time it is read.

For each unit that had work in the month (``conf.py`` holds the weights and list sizes):

* **overdue rate** — of the assignments (lead or coordination sub-task) whose feedback was due
  in the month (up to now for the running month), the share fed back late or not at all
  (returned and cancelled ones are not counted: a return counts on its own);
* **on-time closing** — of the assignments done in the month, the share done by their due time;
* **returns** (回退) — the unit sent an event back (``return`` / ``return_subtask`` in the
  event history during the month);
* **repeated returns** (推诿扯皮) — events the unit returned ``repeated_returns`` times or more,
  the last of them in the month;
* **rework** — the event failed its check or was rated dissatisfied and went back to handling
  in the month; counted against the unit holding the event's lead assignment;
* **satisfaction** — of the ratings given in the month to events the unit leads, the share
  satisfied or basically satisfied.

The score is 100 minus one deduction per item (``weights``), never below 0; each deduction is
a reason shown with the ranking. Ties share a rank. The red list is the best
``red_list_size`` with at least ``red_list_min_score``; the black list the worst
``black_list_size`` below ``black_list_max_score``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.events.choices import AssignmentKind, AssignmentState, Rating
from civicloop.events.models import Assignment, EventHistory, EventRating
from civicloop.org.models import Unit

from . import access, conf
from .choices import ListKind
from .models import month_bounds, month_start

RETURN_ACTIONS = ("return", "return_subtask")
WORK_KINDS = (AssignmentKind.LEAD, AssignmentKind.SUBTASK)
GOOD_RATINGS = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)


@dataclass(frozen=True)
class Reason:
    rule: str
    text: str
    points: float = 0.0

    def as_dict(self) -> dict:
        return {"rule": self.rule, "text": self.text, "points": self.points}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@dataclass
class UnitResult:
    unit: Unit
    assigned: int = 0
    due: int = 0
    overdue: int = 0
    done: int = 0
    done_on_time: int = 0
    returns: int = 0
    repeated_events: list[str] = field(default_factory=list)
    reworks: int = 0
    ratings: int = 0
    satisfied: int = 0
    score: float = 100.0
    deductions: list[Reason] = field(default_factory=list)
    rank: int = 0
    list: str = ""

    @property
    def active(self) -> bool:
        return any((self.assigned, self.due, self.done, self.returns, self.reworks, self.ratings))

    @property
    def overdue_rate(self) -> float | None:
        return self.overdue / self.due if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        return self.done_on_time / self.done if self.done else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None

    def score_it(self, weights: dict) -> None:
        deductions = []
        if self.due and self.overdue:
            points = weights["overdue_rate"] * self.overdue_rate
            text = _("Overdue rate %(rate)s (%(late)s of %(due)s due)") % {
                "rate": _percent(self.overdue_rate),
                "late": self.overdue,
                "due": self.due,
            }
            deductions.append(Reason("overdue_rate", text, points))
        if self.ratings and self.satisfied < self.ratings:
            points = weights["dissatisfied_rate"] * (1 - self.satisfaction_rate)
            text = _("Satisfaction %(rate)s (%(good)s of %(ratings)s ratings)") % {
                "rate": _percent(self.satisfaction_rate),
                "good": self.satisfied,
                "ratings": self.ratings,
            }
            deductions.append(Reason("satisfaction", text, points))
        if self.returns:
            text = _("%(count)s returns (回退)") % {"count": self.returns}
            deductions.append(Reason("returns", text, weights["return"] * self.returns))
        if self.repeated_events:
            text = _("Returned the same event repeatedly (推诿扯皮): %(events)s") % {
                "events": "、".join(self.repeated_events)
            }
            points = weights["repeated_return"] * len(self.repeated_events)
            deductions.append(Reason("repeated_returns", text, points))
        if self.reworks:
            text = _("%(count)s reworks (failed check or dissatisfied)") % {"count": self.reworks}
            deductions.append(Reason("reworks", text, weights["rework"] * self.reworks))
        self.deductions = [
            Reason(d.rule, d.text, round(d.points, 1)) for d in deductions if d.points > 0
        ]
        self.score = round(max(0.0, 100.0 - sum(d.points for d in self.deductions)), 1)

    def reasons(self) -> list[str]:
        """What the score is made of, in words: each deduction with its points, or what went
        well for a unit without any."""
        lines = [
            _("%(text)s: −%(points)s") % {"text": d.text, "points": d.points}
            for d in self.deductions
        ]
        if not lines:
            if self.done:
                lines.append(
                    _("On-time closing %(rate)s, no deduction")
                    % {"rate": _percent(self.on_time_rate)}
                )
            else:
                lines.append(_("No deduction"))
        return lines

    def as_dict(self) -> dict:
        return {
            "unit": self.unit.code,
            "rank": self.rank,
            "score": self.score,
            "list": self.list,
            "overdue_rate": self.overdue_rate,
            "on_time_rate": self.on_time_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "returns": self.returns,
            "repeated_events": self.repeated_events,
            "reworks": self.reworks,
            "reasons": [d.as_dict() for d in self.deductions],
        }


@dataclass
class Ranking:
    month: dt.date
    results: list[UnitResult]

    @property
    def red(self) -> list[UnitResult]:
        return [r for r in self.results if r.list == ListKind.RED]

    @property
    def black(self) -> list[UnitResult]:
        return [r for r in reversed(self.results) if r.list == ListKind.BLACK]

    def of(self, unit) -> UnitResult | None:
        unit_id = getattr(unit, "pk", unit)
        return next((r for r in self.results if r.unit.pk == unit_id), None)

    def visible_to(self, user) -> list[UnitResult]:
        scope = access.scope_of(user)
        return [r for r in self.results if scope.covers(r.unit.region.code)]


def _as_local(moment: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(moment, dt.time()))


def _lead_units(event_ids) -> dict[int, int]:
    """The unit holding each event's lead assignment (the latest not returned or cancelled)."""
    leads = (
        Assignment.objects.filter(event_id__in=set(event_ids), kind=AssignmentKind.LEAD)
        .exclude(state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED])
        .order_by("issued_at", "id")
        .values_list("event_id", "unit_id")
    )
    return dict(leads)


def compute_ranking(month: dt.date, *, now: dt.datetime | None = None) -> Ranking:
    """The county's ranking of ``month`` (any day of it) from the records, as of ``now``."""
    month = month_start(month)
    now = now or timezone.now()
    first, after = month_bounds(month)
    start, end = _as_local(first), _as_local(after)
    due_end = min(end, now)
    weights = conf.get("weights")
    results: dict[int, UnitResult] = {}
    units = {u.pk: u for u in Unit.objects.select_related("region")}

    def result(unit_id: int) -> UnitResult:
        if unit_id not in results:
            results[unit_id] = UnitResult(unit=units[unit_id])
        return results[unit_id]

    work = Assignment.objects.filter(kind__in=WORK_KINDS)
    for unit_id in work.filter(issued_at__gte=start, issued_at__lt=end).values_list(
        "unit_id", flat=True
    ):
        result(unit_id).assigned += 1
    due = (
        work.filter(due_at__gte=start, due_at__lt=due_end)
        .exclude(state__in=[AssignmentState.RETURNED, AssignmentState.CANCELLED])
        .values_list("unit_id", "due_at", "done_at")
    )
    for unit_id, due_at, done_at in due:
        r = result(unit_id)
        r.due += 1
        if done_at is None or done_at > due_at:
            r.overdue += 1
    for unit_id, due_at, done_at in work.filter(done_at__gte=start, done_at__lt=end).values_list(
        "unit_id", "due_at", "done_at"
    ):
        r = result(unit_id)
        r.done += 1
        if due_at is None or done_at <= due_at:
            r.done_on_time += 1

    code_to_unit = {u.code: u.pk for u in units.values()}
    returns = EventHistory.objects.filter(action__in=RETURN_ACTIONS, at__lt=end).values_list(
        "event_id", "event__number", "details", "at"
    )
    per_event: dict[tuple[int, int], list] = defaultdict(list)
    for event_id, number, details, at in returns:
        unit_id = code_to_unit.get((details or {}).get("unit"))
        if unit_id is None:
            continue
        per_event[(unit_id, event_id)].append((at, number))
        if at >= start:
            result(unit_id).returns += 1
    threshold = conf.get("repeated_returns")
    for (unit_id, _event_id), rows in sorted(per_event.items(), key=lambda item: item[1][0][1]):
        if len(rows) >= threshold and max(at for at, _n in rows) >= start:
            result(unit_id).repeated_events.append(rows[0][1])

    reworks = EventHistory.objects.filter(at__gte=start, at__lt=end, details__rework=True)
    rework_events = list(reworks.values_list("event_id", flat=True))
    ratings = list(
        EventRating.objects.filter(rated_at__gte=start, rated_at__lt=end).values_list(
            "event_id", "rating"
        )
    )
    leads = _lead_units(rework_events + [event_id for event_id, _r in ratings])
    for event_id, count in Counter(rework_events).items():
        if event_id in leads:
            result(leads[event_id]).reworks += count
    for event_id, rating in ratings:
        if event_id in leads:
            r = result(leads[event_id])
            r.ratings += 1
            r.satisfied += rating in GOOD_RATINGS

    ranked = [r for r in results.values() if r.active]
    for r in ranked:
        r.score_it(weights)
    ranked.sort(key=lambda r: (-r.score, r.unit.name, r.unit.pk))
    for index, r in enumerate(ranked):
        previous = ranked[index - 1] if index else None
        r.rank = previous.rank if previous and previous.score == r.score else index + 1
    red_size, red_min = conf.get("red_list_size"), conf.get("red_list_min_score")
    for r in ranked[:red_size]:
        if r.score >= red_min:
            r.list = ListKind.RED
    black_size, black_max = conf.get("black_list_size"), conf.get("black_list_max_score")
    for r in list(reversed(ranked))[:black_size]:
        if r.score < black_max and not r.list:
            r.list = ListKind.BLACK
    return Ranking(month=month, results=ranked)
