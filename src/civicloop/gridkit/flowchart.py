"""The disposal flowchart of a matter class (网格执法事项处置流程图), drawn from the code.

Nothing here describes the loop in its own words. The chart is read, at generation,
from what the system executes:

* the steps, their order, the side paths (return, re-dispatch, rework, park, void,
  merge, escalation, the automatic moves) and who may take each step: the transition
  table ``events.workflow.EVENT_WORKFLOW`` (and ``ASSIGNMENT_WORKFLOW`` for the
  sub-tasks of a coordination order), narrowed for multi-span events by
  ``events.permissions.event_actions`` exactly as the pages offer the buttons;
* which concrete unit each actor capacity is, for this grid and matter class:
  ``events.routing.route`` on the event the class describes, dated today, for each
  grading (general → the squad or the county department per empowerment, or the village
  station; urgent → the emergency team with the town assisting; multi-span → the county
  centre's coordination order with its sub-task units) — see :mod:`.routes`;
* the deadlines: ``events.deadlines.rule_for`` (the ``DeadlineRule`` rows) for the
  clock that runs in each state (``STATE_CLOCKS``; a test walks an event through the
  services and checks that they set exactly these deadlines).

The **main path** is the longest route without repeats from the initial state to
``closed`` through manual transitions, following each one's primary outcome; every
other move of the table is a side path. :func:`build_flow` stores all of this as data
in the toolkit version; :func:`present` turns it into what the page, the print and
the API show.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from civicloop.core.formatting import plain_number
from civicloop.events import deadlines, permissions, workflow
from civicloop.events.choices import AssignmentState, DeadlineStage, DeadlineUnit, EventState
from civicloop.events.models import Event
from civicloop.matters.models import Category, Matter

from .choices import HandlerRule, ItemKind, Scenario
from .directory import grid_units, unit_data
from .routes import SCENARIOS, class_key, class_routes

S = EventState

# The deadline clock that runs while an event is in a state: the stage of its
# DeadlineRule, and whether the rule depends on the grading (urgency and span).
STATE_CLOCKS: dict[str, tuple[str, bool]] = {
    S.COLLECTED: (DeadlineStage.JUDGE, False),
    S.JUDGED: (DeadlineStage.JUDGE, False),
    S.DISPATCHED: (DeadlineStage.ACCEPT, True),
    S.ACCEPTED: (DeadlineStage.HANDLE, True),
    S.HANDLING: (DeadlineStage.HANDLE, True),
    S.FEEDBACK_SUBMITTED: (DeadlineStage.CHECK, False),
}

# Capacities whose concrete unit depends on nothing but the grid (the rest come from routing).
PLACE_ACTORS = {
    "command_room": ["command_room"],
    "county_centre": ["county_centre"],
    "collector": ["grid_team", "village_station"],
    "leader": ["leadership"],
}


# --- reading the tables ----------------------------------------------------------------


def event_table():
    """The event transition table the services use (looked up now, not at import)."""
    return workflow.EVENT_WORKFLOW


def subtask_table():
    return workflow.ASSIGNMENT_WORKFLOW


def table_rows(machine) -> list[dict]:
    return [
        {
            "name": t.name,
            "sources": list(t.sources),
            "targets": list(t.targets),
            "actors": sorted(t.actors),
            "reason_required": t.reason_required,
            "manual": t.manual,
        }
        for t in machine
    ]


def main_path(machine, *, end: str = S.CLOSED) -> list[dict]:
    """The longest simple path from the initial state to ``end`` through manual transitions'
    primary outcomes (ties: the table's order)."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for t in machine:
        if t.manual and t.target:
            for source in t.sources:
                if source != t.target:
                    edges.setdefault(source, []).append((t.name, t.target))
    best: list[tuple[str, str, str]] = []

    def walk(state: str, seen: list[str], path: list[tuple[str, str, str]]) -> None:
        nonlocal best
        if state == end:
            if len(path) > len(best):
                best = list(path)
            return
        for name, target in edges.get(state, []):
            if target not in seen:
                walk(target, [*seen, target], [*path, (name, state, target)])

    walk(machine.initial, [machine.initial], [])
    return [{"transition": name, "from": source, "to": target} for name, source, target in best]


def side_paths(machine, main: list[dict]) -> list[dict]:
    """Every move of the table that is not a step of the main path, with its direction
    relative to the main path: back (return, rework, a failed check…), forward, stay
    (a move that keeps the state, e.g. escalation), exit (to a state off the path:
    parked, voided, merged) or enter (from one)."""
    order = [machine.initial] + [step["to"] for step in main]
    on_main = {(s["transition"], s["from"], s["to"]) for s in main}
    rows = []
    for t in machine:
        if not t.targets:
            rows.append(
                {
                    "transition": t.name,
                    "from": list(t.sources),
                    "to": None,
                    "manual": t.manual,
                    "direction": "stay",
                }
            )
            continue
        for source in t.sources:
            for target in t.targets:
                if (t.name, source, target) in on_main:
                    continue
                if source not in order:
                    direction = "enter" if target in order else "exit"
                elif target not in order:
                    direction = "exit"
                elif target == source:
                    direction = "stay"
                else:
                    direction = "back" if order.index(target) < order.index(source) else "forward"
                rows.append(
                    {
                        "transition": t.name,
                        "from": [source],
                        "to": target,
                        "manual": t.manual,
                        "direction": direction,
                    }
                )
    return rows


def scenario_actors(machine) -> dict[str, dict[str, dict[str, list[str]]]]:
    """Who may take each transition from each source state, per grading: the table's actors,
    narrowed as ``permissions.event_actions`` narrows the buttons (e.g. a multi-span event is
    dispatched only by the county centre and never re-dispatched as a whole)."""
    result: dict[str, dict[str, dict[str, list[str]]]] = {}
    for t in machine:
        per_source: dict[str, dict[str, list[str]]] = {}
        for source in t.sources:
            per_scenario = {}
            for scenario, (urgency, span) in SCENARIOS.items():
                if not t.manual:
                    per_scenario[scenario] = sorted(t.actors)
                    continue
                event = Event(state=source, urgency=urgency, span=span)
                per_scenario[scenario] = sorted(
                    actor
                    for actor in t.actors
                    if t.name
                    in {a.name for a in permissions.event_actions(None, event, frozenset({actor}))}
                )
            per_source[source] = per_scenario
        result[t.name] = per_source
    return result


def clocks() -> dict[str, dict]:
    """The deadline rule of the clock that runs in each state, per grading."""
    result = {}
    for state, (stage, graded) in STATE_CLOCKS.items():
        rules = {}
        for scenario, (urgency, span) in SCENARIOS.items():
            rule = deadlines.rule_for(
                stage, urgency=urgency if graded else "", span=span if graded else ""
            )
            rules[scenario] = (
                {"amount": plain_number(rule.amount), "unit": rule.unit} if rule else None
            )
        result[state] = {"stage": stage, "rules": rules}
    return result


def build_flow() -> dict:
    """The class-independent part of every flowchart: the tables, the main path, the side
    paths, who may act per grading, and the deadlines."""
    machine = event_table()
    main = main_path(machine)
    return {
        "initial": machine.initial,
        "states": list(machine.states.values),
        "transitions": table_rows(machine),
        "main": main,
        "side": side_paths(machine, main),
        "actors": scenario_actors(machine),
        "clocks": clocks(),
        "subtask": {"initial": subtask_table().initial, "transitions": table_rows(subtask_table())},
        "max_dissatisfied_reworks": settings.CIVICLOOP_MAX_DISSATISFIED_REWORKS,
    }


def build_classes(grid, items: list[dict], *, on: dt.date) -> list[dict]:
    """One flowchart per matter class of the card, then one for events without a category."""

    charts = []
    for item in items:
        if item["kind"] == ItemKind.MATTER:
            routes = class_routes(
                grid, matter=Matter.objects.select_related("category").get(code=item["code"]), on=on
            )
        else:
            routes = class_routes(grid, category=Category.objects.get(code=item["code"]), on=on)
        charts.append(
            {
                "key": item["key"],
                "kind": item["kind"],
                "code": item["code"],
                "name": item["name"],
                "routes": routes,
            }
        )
    charts.append(
        {
            "key": class_key(ItemKind.NONE),
            "kind": ItemKind.NONE,
            "code": "",
            "name": "",
            "routes": class_routes(grid, on=on),
        }
    )
    return charts


# --- presenting ---------------------------------------------------------------------------


def _state_label(value: str) -> str:
    try:
        return str(S(value).label)
    except ValueError:
        return value


def _transition(machine, name: str):
    try:
        return machine[name]
    except KeyError:
        return None


def _label(machine, name: str) -> str:
    t = _transition(machine, name)
    return str(t.label) if t else name


def _unit_names(units) -> list[str]:
    return [u["name"] for u in units if u]


def resolve_actor(actor: str, scenario: str, units: dict, routes: dict) -> list[str]:
    """The names behind an actor capacity for this grid, class and grading."""
    if actor in PLACE_ACTORS:
        names = _unit_names([units.get(key) for key in PLACE_ACTORS[actor]])
        return names or [str(workflow.ACTOR_LABELS.get(actor, actor))]
    route = routes.get(scenario) or {}
    if actor == "handler":
        if route.get("lead"):
            return _unit_names([route["lead"]])
        if route.get("subtasks"):
            return [
                _("%(units)s (each through its coordination sub-task)")
                % {"units": "、".join(_unit_names(route["subtasks"]))}
            ]
        return [_("the unit the command room chooses")]
    if actor == "assignee":
        return _unit_names(route.get("subtasks", [])) or [_("the units of the coordination order")]
    return [str(workflow.ACTOR_LABELS.get(actor, actor))]


def _scenario_groups(per_scenario: dict[str, list[str]]) -> list[dict]:
    """Group gradings that give the same answer: [{"scenarios": "一般、紧急", "names": [...]}]."""
    groups: list[dict] = []
    for scenario in SCENARIOS:
        names = per_scenario.get(scenario)
        if names is None:
            continue
        for group in groups:
            if group["names"] == names:
                group["scenario_keys"].append(scenario)
                break
        else:
            groups.append({"scenario_keys": [scenario], "names": names})
    for group in groups:
        group["all"] = len(group["scenario_keys"]) == len(SCENARIOS)
        group["scenarios"] = "、".join(str(Scenario(s).label) for s in group["scenario_keys"])
    return groups


def _who(flow: dict, name: str, source: str, units: dict, routes: dict) -> list[dict]:
    per_source = flow["actors"].get(name, {}).get(source, {})
    per_scenario = {}
    for scenario in SCENARIOS:
        names: list[str] = []
        for actor in per_source.get(scenario, []):
            for n in resolve_actor(actor, scenario, units, routes):
                if n not in names:
                    names.append(n)
        per_scenario[scenario] = names or [_("not offered for this grading")]
    return _scenario_groups(per_scenario)


def _deadline_text(rule: dict | None) -> str:
    if not rule:
        return _("no deadline rule")
    try:
        unit = str(DeadlineUnit(rule["unit"]).label)
    except ValueError:
        unit = rule["unit"]
    return f"{rule['amount']} {unit}"


def _clock(flow: dict, state: str) -> dict | None:
    clock = flow["clocks"].get(state)
    if not clock:
        return None
    try:
        stage = str(DeadlineStage(clock["stage"]).label)
    except ValueError:
        stage = clock["stage"]
    groups = _scenario_groups({s: [_deadline_text(r)] for s, r in clock["rules"].items()})
    return {"stage": stage, "groups": groups}


def _goes_to(routes: dict) -> list[dict]:
    """Where dispatch sends the event, per grading."""
    per_scenario = {}
    for scenario in SCENARIOS:
        route = routes.get(scenario) or {}
        if route.get("subtasks"):
            names = [
                _("coordination order by the county centre to %(units)s")
                % {"units": "、".join(_unit_names(route["subtasks"]))}
            ]
        elif route.get("lead"):
            names = _unit_names([route["lead"]])
            if route.get("assist"):
                names.append(
                    _("assisted by %(units)s") % {"units": "、".join(_unit_names(route["assist"]))}
                )
        else:
            names = [_("the unit the command room chooses")]
        per_scenario[scenario] = names
    return _scenario_groups(per_scenario)


def _side_row(machine, flow: dict, row: dict, units: dict, routes: dict) -> dict:
    t = _transition(machine, row["transition"])
    sources = row["from"]
    return {
        "transition": row["transition"],
        "label": _label(machine, row["transition"]),
        "description": str(t.description) if t and t.description else "",
        "from": sources,
        "from_labels": "、".join(_state_label(s) for s in sources),
        "to": row["to"],
        "to_label": _state_label(row["to"]) if row["to"] else "",
        "direction": row["direction"],
        "manual": row["manual"],
        "reason_required": bool(t and t.reason_required),
        "who": _who(flow, row["transition"], sources[0], units, routes),
    }


def present(content: dict, key: str) -> dict | None:
    """The chart of the class ``key`` in a toolkit version's content, ready for a page."""
    chart = next((c for c in content["flowcharts"] if c["key"] == key), None)
    if chart is None:
        return None
    flow, units, routes = content["flow"], content["units"], chart["routes"]
    machine = event_table()
    side = [_side_row(machine, flow, row, units, routes) for row in flow["side"]]
    on_main = {step["transition"] for step in flow["main"]}
    for row in side:  # the main step already explains these
        if row["transition"] in on_main:
            row["description"] = ""
    steps = []
    for index, step in enumerate(flow["main"]):
        t = _transition(machine, step["transition"])
        source = step["from"]
        steps.append(
            {
                "state": source,
                "state_label": _state_label(source),
                "clock": _clock(flow, source),
                "transition": step["transition"],
                "label": _label(machine, step["transition"]),
                "description": str(t.description) if t and t.description else "",
                "reason_required": bool(t and t.reason_required),
                "to": step["to"],
                "to_label": _state_label(step["to"]),
                "who": _who(flow, step["transition"], source, units, routes),
                "goes_to": _goes_to(routes) if step["transition"] == "dispatch" else None,
                "side": [r for r in side if r["from"] == [source]],
                "number": index + 1,
            }
        )
    main_states = {s["from"] for s in flow["main"]} | {s["to"] for s in flow["main"]}
    end = flow["main"][-1]["to"] if flow["main"] else None
    subtask_rows = []
    for row in flow["subtask"]["transitions"]:
        t = _transition(subtask_table(), row["name"])
        subtask_rows.append(
            {
                "transition": row["name"],
                "label": str(t.label) if t else row["name"],
                "from_labels": "、".join(_assignment_state_label(s) for s in row["sources"]),
                "to_labels": "、".join(_assignment_state_label(s) for s in row["targets"]),
                "who": "、".join(
                    n
                    for a in row["actors"]
                    for n in resolve_actor(a, Scenario.MULTI, units, routes)
                ),
                "manual": row["manual"],
                "reason_required": row["reason_required"],
            }
        )
    return {
        "key": chart["key"],
        "kind": chart["kind"],
        "code": chart["code"],
        "name": chart["name"],
        "rule": routes.get("rule"),
        "held_by_town": routes.get("held_by_town"),
        "rule_label": str(HandlerRule(routes["rule"]).label)
        if routes.get("rule") in HandlerRule.values
        else "",
        "steps": steps,
        "end": end,
        "end_label": _state_label(end) if end else "",
        "anytime": [r for r in side if len(r["from"]) > 1],
        "elsewhere": [r for r in side if len(r["from"]) == 1 and r["from"][0] not in main_states],
        "subtasks": subtask_rows,
        "max_dissatisfied_reworks": flow.get("max_dissatisfied_reworks"),
        "transitions": sorted(
            {s["transition"] for s in flow["main"]} | {r["transition"] for r in flow["side"]}
        ),
    }


def _assignment_state_label(value: str) -> str:
    try:
        return str(AssignmentState(value).label)
    except ValueError:
        return value


def live_chart(grid, key: str) -> dict | None:
    """A class not in a version (not on the card): drawn now from today's rules, unsaved."""
    from django.utils import timezone

    kind, _sep, code = key.partition(":")
    if kind == ItemKind.MATTER:
        found = Matter.objects.active().filter(code=code).first()
    elif kind == ItemKind.CATEGORY:
        found = Category.objects.filter(code=code, is_active=True).first()
    else:
        return None
    if found is None:
        return None
    item = {
        "kind": kind,
        "code": found.code,
        "name": found.name,
        "key": class_key(kind, found.code),
    }
    content = {
        "flow": build_flow(),
        "units": {k: unit_data(u) for k, u in grid_units(grid).items()},
        "flowcharts": build_classes(grid, [item], on=timezone.localdate()),
    }
    return present(content, item["key"])
