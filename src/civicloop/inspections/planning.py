"""综合查一次: merge every department's tasks for one subject into joint visits (C11, deliverable 4).

Pure Python: no models, no database. Dates are calendar days (weekends and holidays included:
the task windows say which days are allowed).

The problem. Each task has a window [earliest, latest], a qualification and a number of
inspectors. A visit is one subject on one day; it may merge several of the subject's tasks when
the day lies in every merged task's window and, with ``window_days = N``, the merged tasks'
earliest dates are at most N days apart. Its team holds, for every merged task, at least
``max(inspectors_needed, 2)`` inspectors with the task's qualification (two officers:
行政处罚法 Art. 42), has no inspector with a conflict on the subject (回避), and no inspector
makes more than ``max_visits_per_day`` visits on one day.

Grouping is exact. Two tasks can share a visit iff their *truncated windows*
``[earliest, min(latest, earliest + N)]`` intersect (without N: their windows intersect), and a
set of tasks can share one iff they pairwise can (intervals on a line: Helly's theorem). So the
fewest visits for one subject is the fewest points stabbing its truncated windows, which the
classic greedy (sort by end, put a point at the first unstabbed end) finds; the tasks that open a
new point have pairwise disjoint truncated windows, so no plan can merge any two of them — that
witness proves the **lower bound** (the sum over subjects). Capacity and inspectors are ignored by
the bound, so it holds for every plan.

Staffing is the hard part: visits compete for inspectors' days. A greedy assigns the most
constrained groups first to the least busy day of their range with the smallest team that covers
every qualification (an inspector holding several needed qualifications counts for each). When a
group cannot be staffed on any day, it is split into single tasks. If the result misses the bound,
OR-Tools CP-SAT re-plans: the whole instance when it is small (the solver then proves optimality
or infeasibility), otherwise subject by subject against the other visits' loads, within
``time_limit_seconds``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from ortools.sat.python import cp_model

from .drawing import MIN_OFFICERS_PER_VISIT, InspectorRow, SubjectRow

# Whole-instance CP-SAT only below this many (inspector, visit slot, day) triples.
CP_WHOLE_LIMIT = 60_000
# A per-subject repair model above this size is skipped (the greedy's visits stay).
CP_SUBJECT_LIMIT = 40_000
# A repair that also re-plans the subjects competing for the same inspectors stays below this.
CP_NEIGHBOURHOOD_LIMIT = 120_000


@dataclass(frozen=True)
class TaskRow:
    task_id: str
    dept_code: str
    subject_id: str
    item_codes: tuple[str, ...]
    earliest: dt.date
    latest: dt.date
    inspectors_needed: int
    qualification: str


@dataclass(frozen=True)
class Visit:
    visit_id: str
    date: dt.date
    subject_id: str
    task_ids: tuple[str, ...]
    inspector_ids: tuple[str, ...]
    lead_dept: str


@dataclass(frozen=True)
class PlanResult:
    visits: tuple[Visit, ...]
    lower_bound: int
    tasks: int
    solver: str  # "greedy", "greedy+cp-sat" or "cp-sat"
    optimal: bool  # visits == lower_bound, or CP-SAT proved the whole instance optimal

    @property
    def reduction(self) -> float:
        """The fall in visits against one visit per task (0.25 = a quarter fewer)."""
        return 1 - len(self.visits) / self.tasks if self.tasks else 0.0


class PlanningError(ValueError):
    """The plan cannot meet a constraint; ``problems`` name each task and why."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def needed(task: TaskRow) -> int:
    """Inspectors holding the task's qualification on its visit (at least two: Art. 42)."""
    return max(task.inspectors_needed, MIN_OFFICERS_PER_VISIT)


def lead_dept(tasks: Sequence[TaskRow]) -> str:
    """The department with the most merged tasks; a tie goes to the lowest code."""
    counts = Counter(t.dept_code for t in tasks)
    return min(counts, key=lambda code: (-counts[code], code))


def _truncated_end(task: TaskRow, window_days: int | None) -> int:
    end = task.latest.toordinal()
    if window_days is not None:
        end = min(end, task.earliest.toordinal() + window_days)
    return end


def group_tasks(tasks: Sequence[TaskRow], window_days: int | None) -> list[list[TaskRow]]:
    """The fewest groups of one subject's tasks that can each share a day (see the module doc)."""
    ordered = sorted(tasks, key=lambda t: (_truncated_end(t, window_days), t.task_id))
    groups: list[list[TaskRow]] = []
    point = None
    for task in ordered:
        if point is None or task.earliest.toordinal() > point:
            point = _truncated_end(task, window_days)
            groups.append([task])
        else:
            groups[-1].append(task)
    return groups


def compatible(a: TaskRow, b: TaskRow, window_days: int | None) -> bool:
    start = max(a.earliest.toordinal(), b.earliest.toordinal())
    return start <= min(_truncated_end(a, window_days), _truncated_end(b, window_days))


# --- the instance --------------------------------------------------------------------------


class _Instance:
    def __init__(self, subjects, tasks, inspectors, window_days):
        self.subject_ids = {s.subject_id for s in subjects}
        self.tasks = sorted(tasks, key=lambda t: t.task_id)
        self.inspectors = {
            i.inspector_id: i for i in sorted(inspectors, key=lambda i: i.inspector_id)
        }
        self.window_days = window_days
        self.holders: dict[str, list[InspectorRow]] = defaultdict(list)
        for inspector in self.inspectors.values():
            if inspector.max_visits_per_day > 0:
                for qualification in inspector.qualifications:
                    self.holders[qualification].append(inspector)
        # Visits per day the holders of a qualification can make together.
        self.capacity: Counter = Counter()
        for qualification, holders in self.holders.items():
            self.capacity[qualification] = sum(i.max_visits_per_day for i in holders)
        self.by_subject: dict[str, list[TaskRow]] = defaultdict(list)
        self.by_qualification: dict[str, list[TaskRow]] = defaultdict(list)
        for task in self.tasks:
            self.by_subject[task.subject_id].append(task)
            self.by_qualification[task.qualification].append(task)

    def check(self) -> list[str]:
        problems: list[str] = []
        if self.window_days is not None and self.window_days < 0:
            problems.append(_("--window-days cannot be negative."))
        seen: set[str] = set()
        for task in self.tasks:
            name = {"task": task.task_id, "subject": task.subject_id}
            if task.task_id in seen:
                problems.append(_("Task %(task)s appears twice.") % name)
            seen.add(task.task_id)
            if task.subject_id not in self.subject_ids:
                problems.append(
                    _("Task %(task)s: subject %(subject)s is not in the subjects.") % name
                )
            if task.earliest > task.latest:
                problems.append(
                    _(
                        "Task %(task)s: its window is empty (earliest %(earliest)s is after latest %(latest)s)."
                    )
                    % {**name, "earliest": task.earliest, "latest": task.latest}
                )
            if task.inspectors_needed < 1:
                problems.append(_("Task %(task)s: inspectors_needed must be at least 1.") % name)
            holders = self.holders.get(task.qualification, [])
            if not holders:
                problems.append(
                    _(
                        "Task %(task)s: no inspector (with capacity) holds the qualification “%(qualification)s”."
                    )
                    % {**name, "qualification": task.qualification}
                )
                continue
            free = [i for i in holders if task.subject_id not in i.conflicts]
            if len(holders) < needed(task):
                problems.append(
                    _(
                        "Task %(task)s needs %(n)d inspectors holding “%(qualification)s” but "
                        "only %(holders)d (with capacity) hold it."
                    )
                    % {
                        **name,
                        "n": needed(task),
                        "qualification": task.qualification,
                        "holders": len(holders),
                    }
                )
            elif len(free) < needed(task):
                problems.append(
                    _(
                        "Task %(task)s needs %(n)d inspectors holding “%(qualification)s”; "
                        "%(holders)d hold it but %(conflicts)d of them must step aside for "
                        "subject %(subject)s (回避)."
                    )
                    % {
                        **name,
                        "n": needed(task),
                        "qualification": task.qualification,
                        "holders": len(holders),
                        "conflicts": len(holders) - len(free),
                    }
                )
        return problems

    def eligible(self, subject_id: str, qualifications: Iterable[str]) -> list[InspectorRow]:
        found: dict[str, InspectorRow] = {}
        for qualification in qualifications:
            for inspector in self.holders.get(qualification, ()):
                if subject_id not in inspector.conflicts:
                    found[inspector.inspector_id] = inspector
        return [found[k] for k in sorted(found)]


@dataclass
class _Draft:
    day: int
    subject_id: str
    tasks: list[TaskRow]
    team: list[str]


class _Loads:
    def __init__(self, instance: _Instance):
        self.qualifications = {k: i.qualifications for k, i in instance.inspectors.items()}
        self.day_of: Counter = Counter()  # (inspector, day) → visits
        self.total: Counter = Counter()  # inspector → visits
        self.visits_on: Counter = Counter()  # day → visits
        self.used: Counter = Counter()  # (qualification, day) → visits made by its holders

    def add(self, draft: _Draft, sign: int = 1) -> None:
        for inspector_id in draft.team:
            self.day_of[(inspector_id, draft.day)] += sign
            self.total[inspector_id] += sign
            for qualification in self.qualifications[inspector_id]:
                self.used[(qualification, draft.day)] += sign
        self.visits_on[draft.day] += sign


# --- greedy --------------------------------------------------------------------------------


def _team(loads: _Loads, eligible: list[InspectorRow], tasks, day) -> list[str] | None:
    """The smallest team the greedy finds among ``eligible`` (free on ``day``) that holds every
    merged task's qualification often enough; None when there is none."""
    remaining: dict[str, int] = {}
    for task in tasks:
        remaining[task.qualification] = max(remaining.get(task.qualification, 0), needed(task))
    depts = {t.dept_code for t in tasks}
    # (qualifications, tie-break key, id) — the tie-break does not change while the team forms.
    candidates = [
        (
            i.qualifications,
            (
                i.dept_code not in depts,
                loads.day_of[(i.inspector_id, day)],
                loads.total[i.inspector_id],
                i.inspector_id,
            ),
            i.inspector_id,
        )
        for i in eligible
        if loads.day_of[(i.inspector_id, day)] < i.max_visits_per_day
    ]
    team: list[str] = []
    wanted = {q for q, n in remaining.items() if n}
    while wanted:
        best, best_key = None, None
        for index, (qualifications, tie, _id) in enumerate(candidates):
            covers = len(qualifications & wanted)
            if covers and (best_key is None or (-covers, tie) < best_key):
                best, best_key = index, (-covers, tie)
        if best is None:
            return None
        qualifications, _tie, inspector_id = candidates.pop(best)
        team.append(inspector_id)
        for q in qualifications & wanted:
            remaining[q] -= 1
        wanted = {q for q, n in remaining.items() if n}
    return sorted(team)


def _place(instance, loads, subject_id, tasks) -> _Draft | None:
    low = max(t.earliest.toordinal() for t in tasks)
    high = min(t.latest.toordinal() for t in tasks)
    wanted = {t.qualification for t in tasks}
    eligible = instance.eligible(subject_id, wanted)

    def busy(day):
        # The day whose needed qualifications have the most capacity left goes first.
        share = max(loads.used[(q, day)] / instance.capacity[q] for q in wanted)
        return (share, loads.visits_on[day], day)

    for day in sorted(range(low, high + 1), key=busy):
        team = _team(loads, eligible, tasks, day)
        if team is not None:
            draft = _Draft(day, subject_id, list(tasks), team)
            loads.add(draft)
            return draft
    return None


def _greedy(instance: _Instance, groups: dict[str, list[list[TaskRow]]]):
    loads = _Loads(instance)
    drafts: dict[str, list[_Draft]] = defaultdict(list)
    failed: dict[str, list[TaskRow]] = defaultdict(list)
    queue = [(subject_id, group) for subject_id, gs in groups.items() for group in gs]

    def span(item):
        subject_id, group = item
        low = max(t.earliest.toordinal() for t in group)
        high = min(t.latest.toordinal() for t in group)
        return (high - low, -sum(needed(t) for t in group), subject_id, group[0].task_id)

    for subject_id, group in sorted(queue, key=span):
        draft = _place(instance, loads, subject_id, group)
        if draft is not None:
            drafts[subject_id].append(draft)
            continue
        for task in group if len(group) > 1 else ():
            single = _place(instance, loads, subject_id, [task])
            if single is None:
                failed[subject_id].append(task)
            else:
                drafts[subject_id].append(single)
        if len(group) == 1:
            failed[subject_id].append(group[0])
    return drafts, failed, loads


# --- CP-SAT --------------------------------------------------------------------------------


def _cp_size(instance: _Instance, subject_ids) -> int:
    size = 0
    for subject_id in subject_ids:
        tasks = instance.by_subject[subject_id]
        days = (
            max(t.latest for t in tasks).toordinal()
            - min(t.earliest for t in tasks).toordinal()
            + 1
        )
        people = len(instance.eligible(subject_id, {t.qualification for t in tasks}))
        size += len(tasks) * days * people
    return size


def _cp_solve(instance, subject_ids, residual, hint, time_limit):
    """Plan the subjects' tasks with CP-SAT. ``residual(inspector_id, day)`` is the capacity
    left by visits outside the model; ``hint`` the greedy drafts per subject. Returns
    (status name, drafts per subject or None)."""
    model = cp_model.CpModel()
    window_days = instance.window_days
    slots = []  # (subject_id, v, used, day var, z{day: var}, y{task_id: var}, a{inspector_id: var})
    cap_terms: dict[tuple[str, int], list] = defaultdict(list)
    team_vars = []
    used_vars = []
    for subject_id in subject_ids:
        tasks = instance.by_subject[subject_id]
        index = {t.task_id: k for k, t in enumerate(tasks)}
        people = instance.eligible(subject_id, {t.qualification for t in tasks})
        y: dict[tuple[str, int], object] = {}
        for k, task in enumerate(tasks):
            for v in range(k + 1):  # symmetry: task k uses a slot ≤ k
                y[(task.task_id, v)] = model.NewBoolVar("")
            model.AddExactlyOne(y[(task.task_id, v)] for v in range(k + 1))
        for k, a in enumerate(tasks):
            for b in tasks[k + 1 :]:
                if not compatible(a, b, window_days):
                    for v in range(k + 1):
                        model.AddBoolOr([y[(a.task_id, v)].Not(), y[(b.task_id, v)].Not()])
        for v in range(len(tasks)):
            members = [t for t in tasks if index[t.task_id] >= v]
            days = sorted(
                {
                    d
                    for t in members
                    for d in range(t.earliest.toordinal(), t.latest.toordinal() + 1)
                }
            )
            used = model.NewBoolVar("")
            used_vars.append(used)
            z = {d: model.NewBoolVar("") for d in days}
            model.Add(sum(z.values()) == 1).OnlyEnforceIf(used)
            model.Add(sum(z.values()) == 0).OnlyEnforceIf(used.Not())
            day = model.NewIntVar(days[0], days[-1], "")
            model.Add(day == sum(d * var for d, var in z.items()))
            yv = {t.task_id: y[(t.task_id, v)] for t in members}
            model.AddBoolOr(list(yv.values())).OnlyEnforceIf(used)
            a = {i.inspector_id: model.NewBoolVar("") for i in people}
            for t in members:
                model.AddImplication(yv[t.task_id], used)
                model.Add(day >= t.earliest.toordinal()).OnlyEnforceIf(yv[t.task_id])
                model.Add(day <= t.latest.toordinal()).OnlyEnforceIf(yv[t.task_id])
                holders = [a[i.inspector_id] for i in people if t.qualification in i.qualifications]
                model.Add(sum(holders) >= needed(t)).OnlyEnforceIf(yv[t.task_id])
            for i in people:
                model.AddImplication(a[i.inspector_id], used)
                team_vars.append(a[i.inspector_id])
                for d, zd in z.items():
                    w = model.NewBoolVar("")
                    model.AddBoolOr([a[i.inspector_id].Not(), zd.Not(), w])
                    cap_terms[(i.inspector_id, d)].append(w)
            slots.append((subject_id, v, used, day, z, yv, a))
    for (inspector_id, d), terms in cap_terms.items():
        model.Add(sum(terms) <= max(0, residual(inspector_id, d)))
    model.Minimize((len(team_vars) + 1) * sum(used_vars) + sum(team_vars))

    if hint:
        for subject_id, v, used, _day, z, yv, a in slots:
            # Slot v of the hint is the draft whose smallest task index is the v-th smallest.
            tasks = instance.by_subject[subject_id]
            index = {t.task_id: k for k, t in enumerate(tasks)}
            ordered = sorted(
                hint.get(subject_id, []), key=lambda dr: min(index[t.task_id] for t in dr.tasks)
            )
            draft = ordered[v] if v < len(ordered) else None
            model.AddHint(used, draft is not None)
            for d, var in z.items():
                model.AddHint(var, draft is not None and draft.day == d)
            for task_id, var in yv.items():
                model.AddHint(
                    var, draft is not None and any(t.task_id == task_id for t in draft.tasks)
                )
            for inspector_id, var in a.items():
                model.AddHint(var, draft is not None and inspector_id in draft.team)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    status = solver.Solve(model)
    name = solver.StatusName(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return name, None
    by_id = {t.task_id: t for t in instance.tasks}
    result: dict[str, list[_Draft]] = defaultdict(list)
    for subject_id, _v, used, day, _z, yv, a in slots:
        if solver.Value(used):
            result[subject_id].append(
                _Draft(
                    solver.Value(day),
                    subject_id,
                    [by_id[k] for k, var in yv.items() if solver.Value(var)],
                    sorted(k for k, var in a.items() if solver.Value(var)),
                )
            )
    return name, result


# --- the planner ---------------------------------------------------------------------------


def plan_visits(
    subjects: Iterable[SubjectRow],
    tasks: Iterable[TaskRow],
    inspectors: Iterable[InspectorRow],
    *,
    window_days: int | None = None,
    time_limit_seconds: float = 60.0,
) -> PlanResult:
    started = time.monotonic()
    instance = _Instance(list(subjects), list(tasks), list(inspectors), window_days)
    problems = instance.check()
    if problems:
        raise PlanningError(problems)
    groups = {s: group_tasks(ts, window_days) for s, ts in instance.by_subject.items()}
    lower_bound = sum(len(g) for g in groups.values())
    drafts, failed, loads = _greedy(instance, groups)
    solver_name, optimal = "greedy", False

    def count(d):
        return sum(len(v) for v in d.values())

    if not failed and count(drafts) == lower_bound:
        optimal = True
    elif _cp_size(instance, instance.by_subject) <= CP_WHOLE_LIMIT:
        left = time_limit_seconds - (time.monotonic() - started)
        status, solved = _cp_solve(
            instance,
            sorted(instance.by_subject),
            lambda i, d: instance.inspectors[i].max_visits_per_day,
            drafts,
            left,
        )
        if status == "INFEASIBLE":
            raise PlanningError(
                _capacity_problems(failed, proven=True, instance=instance)
                or [_("No plan meets every constraint.")]
            )
        if solved is not None and (failed or count(solved) <= count(drafts)):
            drafts, failed, solver_name = solved, {}, "cp-sat"
            optimal = status == "OPTIMAL" or count(solved) == lower_bound
    else:
        solver_name = "greedy+cp-sat"
        _repair(instance, groups, drafts, failed, loads, started + time_limit_seconds)
        optimal = not failed and count(drafts) == lower_bound
    if failed:
        raise PlanningError(_capacity_problems(failed, proven=False, instance=instance))
    visits = _visits(drafts)
    return PlanResult(visits, lower_bound, len(instance.tasks), solver_name, optimal)


def _repair(instance, groups, drafts, failed, loads, deadline) -> None:
    """CP-SAT on one subject at a time against the other visits' loads: first the subjects the
    greedy could not place (alone, then with the subjects competing for the same inspectors
    in the same days), then those with more visits than their bound. Changes ``drafts``,
    ``failed`` and ``loads`` in place; stops at ``deadline``."""

    def residual(inspector_id, day):
        return (
            instance.inspectors[inspector_id].max_visits_per_day - loads.day_of[(inspector_id, day)]
        )

    def attempt(subject_ids, must_place: bool) -> bool:
        left = deadline - time.monotonic()
        if left <= 0.5:
            return False
        released = [d for s in subject_ids for d in drafts.get(s, [])]
        for draft in released:
            loads.add(draft, -1)
        _status, solved = _cp_solve(
            instance,
            subject_ids,
            residual,
            {s: drafts.get(s, []) for s in subject_ids},
            min(left, 5.0),
        )
        better = solved is not None and (
            must_place or sum(len(solved[s]) for s in subject_ids) < len(released)
        )
        if better:
            for s in subject_ids:
                drafts[s] = solved[s]
                failed.pop(s, None)
        for s in subject_ids:
            for draft in drafts.get(s, []):
                loads.add(draft)
        if not better:
            return False
        return True

    for subject_id in sorted(failed):
        if _cp_size(instance, [subject_id]) <= CP_SUBJECT_LIMIT and attempt([subject_id], True):
            continue
        neighbours = _competitors(instance, drafts, failed[subject_id], subject_id)
        chosen = [subject_id]
        for other in neighbours:
            if _cp_size(instance, [*chosen, other]) > CP_NEIGHBOURHOOD_LIMIT:
                break
            chosen.append(other)
        if len(chosen) > 1:
            attempt(chosen, True)
    for subject_id in sorted(instance.by_subject):
        if subject_id not in failed and len(drafts[subject_id]) > len(groups[subject_id]):
            if _cp_size(instance, [subject_id]) <= CP_SUBJECT_LIMIT:
                attempt([subject_id], False)


def _competitors(instance, drafts, tasks, subject_id) -> list[str]:
    """Subjects whose visits use holders of the tasks' qualifications on days of their windows,
    the most such visits first."""
    wanted = {t.qualification for t in tasks}
    low = min(t.earliest.toordinal() for t in tasks)
    high = max(t.latest.toordinal() for t in tasks)
    counts: Counter = Counter()
    for other, others in drafts.items():
        if other == subject_id:
            continue
        for draft in others:
            if low <= draft.day <= high and any(
                instance.inspectors[i].qualifications & wanted for i in draft.team
            ):
                counts[other] += 1
    return sorted(counts, key=lambda s: (-counts[s], s))


def _overload(instance: _Instance, task: TaskRow) -> tuple[int, int] | None:
    """(visits needed, visits possible) when the holders of the task's qualification cannot
    staff the tasks that must be visited inside its window — a proof that no plan exists:
    every subject's tasks with that qualification and a window inside this one need at least
    as many visits as their pairwise incompatible tasks (each with its own number of holders),
    and the holders make at most ``days × their daily capacity`` visits. None otherwise."""
    low, high = task.earliest, task.latest
    inside: dict[str, list[TaskRow]] = defaultdict(list)
    for t in instance.by_qualification[task.qualification]:
        if low <= t.earliest and t.latest <= high:
            inside[t.subject_id].append(t)
    demand = sum(
        needed(group[0])
        for tasks in inside.values()
        for group in group_tasks(tasks, instance.window_days)
    )
    supply = ((high - low).days + 1) * instance.capacity[task.qualification]
    return (demand, supply) if demand > supply else None


def _capacity_problems(
    failed: dict[str, list[TaskRow]], *, proven: bool, instance: _Instance
) -> list[str]:
    problems = []
    for subject_id in sorted(failed):
        for task in sorted(failed[subject_id], key=lambda t: t.task_id):
            params = {
                "task": task.task_id,
                "subject": subject_id,
                "qualification": task.qualification,
                "earliest": task.earliest,
                "latest": task.latest,
                "n": needed(task),
            }
            overload = _overload(instance, task)
            if overload is not None:
                message = _(
                    "Task %(task)s (subject %(subject)s): from %(earliest)s to %(latest)s the "
                    "tasks needing “%(qualification)s” need at least %(demand)d inspector-visits "
                    "but its holders can make at most %(supply)d; no plan exists. Widen the "
                    "windows or add inspectors."
                )
                params.update(demand=overload[0], supply=overload[1])
            elif proven:
                message = _(
                    "Task %(task)s (subject %(subject)s): on every day from %(earliest)s to "
                    "%(latest)s the inspectors holding “%(qualification)s” without a conflict are "
                    "fully booked by the other visits, and the solver proved that no plan meets "
                    "every constraint. %(n)d of them are needed."
                )
            else:
                message = _(
                    "Task %(task)s (subject %(subject)s): on every day from %(earliest)s to "
                    "%(latest)s the inspectors holding “%(qualification)s” without a conflict are "
                    "fully booked by the other visits; %(n)d of them are needed. Widen the window "
                    "or add inspectors."
                )
            problems.append(message % params)
    return problems


def _visits(drafts: dict[str, list[_Draft]]) -> tuple[Visit, ...]:
    ordered = sorted(
        (d for ds in drafts.values() for d in ds),
        key=lambda d: (d.day, d.subject_id, min(t.task_id for t in d.tasks)),
    )
    width = max(5, len(str(len(ordered))))
    return tuple(
        Visit(
            visit_id=f"V{n:0{width}d}",
            date=dt.date.fromordinal(d.day),
            subject_id=d.subject_id,
            task_ids=tuple(sorted(t.task_id for t in d.tasks)),
            inspector_ids=tuple(sorted(d.team)),
            lead_dept=lead_dept(d.tasks),
        )
        for n, d in enumerate(ordered, start=1)
    )
