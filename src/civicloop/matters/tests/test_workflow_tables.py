"""The workflow tables are explicit, consistent and documented as the code runs them."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

import civicloop
from civicloop.matters.workflow import REQUEST_WORKFLOW

DOCS = Path(civicloop.__file__).resolve().parents[2] / "docs" / "matters.md"


def test_a_request_ends_approved_rejected_or_withdrawn_and_only_rejection_needs_a_reason():
    assert set(REQUEST_WORKFLOW.terminal_states()) == {"approved", "rejected", "withdrawn"}
    assert {t.name for t in REQUEST_WORKFLOW if t.reason_required} == {"reject"}
    assert REQUEST_WORKFLOW["approve"].actors == REQUEST_WORKFLOW["reject"].actors == {"county"}
    assert REQUEST_WORKFLOW["withdraw"].actors == {"town"}


def test_the_documented_diagrams_are_the_ones_the_code_runs():
    text = DOCS.read_text(encoding="utf-8")
    with translation.override("en"):
        assert REQUEST_WORKFLOW.mermaid() in text
