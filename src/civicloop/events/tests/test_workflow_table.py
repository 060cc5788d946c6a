from pathlib import Path

import pytest
from django.db import models

from civicloop.core.errors import InvalidTransition, NotPermitted
from civicloop.core.workflow import StateMachine, Transition
from civicloop.events.choices import EventState
from civicloop.events.docs_workflow import render
from civicloop.events.workflow import EVENT_WORKFLOW

REPO = Path(__file__).resolve().parents[4]


def test_every_state_is_reachable_from_collected():
    reached, frontier = {EVENT_WORKFLOW.initial}, [EVENT_WORKFLOW.initial]
    while frontier:
        state = frontier.pop()
        for t in EVENT_WORKFLOW.from_state(state):
            for target in t.targets:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
    assert reached == set(EventState.values)


def test_only_finished_states_are_terminal():
    assert set(EVENT_WORKFLOW.terminal_states()) == {
        "closed",
        "voided",
    }  # merged closes with its original


def test_check_reports_state_before_permission():
    with pytest.raises(InvalidTransition):
        EVENT_WORKFLOW.check("accept", state="closed", capacities=set())
    with pytest.raises(NotPermitted):
        EVENT_WORKFLOW.check("accept", state="dispatched", capacities={"reporter"})


def test_a_table_naming_an_unknown_state_is_rejected():
    class Light(models.TextChoices):
        RED = "red"
        GREEN = "green"

    with pytest.raises(ValueError):
        StateMachine(
            states=Light,
            initial="red",
            transitions=[Transition("go", "go", ("red",), ("blue",), frozenset({"x"}))],
        )


def test_diagram_has_an_edge_for_every_transition():
    diagram = EVENT_WORKFLOW.mermaid()
    for t in EVENT_WORKFLOW:
        for source in t.sources:
            for target in t.targets:
                assert f"{source} --> {target}" in diagram


def test_docs_are_generated_from_the_table_and_current():
    committed = (REPO / "docs" / "event-workflow.md").read_text(encoding="utf-8")
    assert committed == render(), "run `civicloop workflow_docs` and commit docs/event-workflow.md"
