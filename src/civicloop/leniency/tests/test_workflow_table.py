"""The workflow tables of commitments and credit repairs: every state reachable, the right final
states, a page form and an API input for every manual transition, and the generated document
(docs/leniency-workflow.md) current."""

from __future__ import annotations

from pathlib import Path

from civicloop.leniency.api.views import COMMITMENT_INPUTS, REPAIR_INPUTS
from civicloop.leniency.choices import CommitmentState, RepairState
from civicloop.leniency.docs_workflow import render
from civicloop.leniency.forms import COMMITMENT_FORMS, REPAIR_FORMS
from civicloop.leniency.workflow import COMMITMENT_WORKFLOW, REPAIR_WORKFLOW

REPO = Path(__file__).resolve().parents[4]


def reachable(machine):
    reached, frontier = {machine.initial}, [machine.initial]
    while frontier:
        for t in machine.from_state(frontier.pop()):
            for target in t.targets:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
    return reached


def test_every_state_is_reachable_and_only_the_outcomes_are_final():
    assert reachable(COMMITMENT_WORKFLOW) == set(CommitmentState.values)
    assert reachable(REPAIR_WORKFLOW) == set(RepairState.values)
    assert set(COMMITMENT_WORKFLOW.terminal_states()) == {"kept", "broken", "declined"}
    assert set(REPAIR_WORKFLOW.terminal_states()) == {"repaired", "refused"}


def test_every_manual_transition_has_a_form_and_an_api_input():
    assert (
        {t.name for t in COMMITMENT_WORKFLOW if t.manual}
        == set(COMMITMENT_FORMS)
        == set(COMMITMENT_INPUTS)
    )
    assert {t.name for t in REPAIR_WORKFLOW if t.manual} == set(REPAIR_FORMS) == set(REPAIR_INPUTS)


def test_only_the_system_makes_a_follow_up_due():
    due = COMMITMENT_WORKFLOW["follow_up_due"]
    assert due.actors == frozenset({"system"}) and not due.manual


def test_the_workflow_document_is_generated_from_the_tables_and_current():
    committed = (REPO / "docs" / "leniency-workflow.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "run `civicloop leniency docs` and commit docs/leniency-workflow.md"
    )
    assert "[leniency.md](leniency.md)" in committed
