"""The case workflow table: every stage is reachable, only closed and withdrawn are final,
every manual transition has a page form and an API endpoint, and the docs are current."""

from __future__ import annotations

from pathlib import Path

from civicloop.cases.api.requests import ACTION_SERIALIZERS
from civicloop.cases.choices import CaseState
from civicloop.cases.docs_workflow import render
from civicloop.cases.forms import ACTION_FORMS
from civicloop.cases.workflow import CASE_WORKFLOW

REPO = Path(__file__).resolve().parents[4]


def test_every_stage_is_reachable_from_filed():
    reached, frontier = {CASE_WORKFLOW.initial}, [CASE_WORKFLOW.initial]
    while frontier:
        for t in CASE_WORKFLOW.from_state(frontier.pop()):
            for target in t.targets:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
    assert reached == set(CaseState.values)


def test_only_closed_and_withdrawn_are_final():
    assert set(CASE_WORKFLOW.terminal_states()) == {"closed", "withdrawn"}


def test_every_manual_transition_has_a_form_and_an_api_serializer_entry():
    manual = {t.name for t in CASE_WORKFLOW if t.manual}
    assert manual == set(ACTION_FORMS) == set(ACTION_SERIALIZERS)


def test_docs_are_generated_from_the_table_and_current():
    committed = (REPO / "docs" / "case-workflow.md").read_text(encoding="utf-8")
    assert committed == render(), "run `civicloop workflow_docs` and commit docs/case-workflow.md"
