"""Render the case workflow tables as Markdown (docs/case-workflow.md)."""

from __future__ import annotations

from civicloop.core.workflow_docs import render_document

from .workflow import ACTOR_LABELS, APPROVAL_WORKFLOW, CASE_WORKFLOW


def render() -> str:
    return render_document(
        "Penalty case workflow (行政处罚案件流程)",
        [
            "Each row is a transition the services execute (`src/civicloop/cases/workflow.py`).",
            "Who may act is a *capacity* towards the particular case (`cases/permissions.py`); the",
            "legal preconditions of each transition are in `cases/services/` and [cases.md](cases.md).",
        ],
        [
            ("Case stages", CASE_WORKFLOW),
            ("Approval requests (withdrawal, extension)", APPROVAL_WORKFLOW),
        ],
        ACTOR_LABELS,
    )
