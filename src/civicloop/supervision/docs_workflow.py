"""Render the supervision workflow tables as Markdown (docs/supervision-workflow.md)."""

from __future__ import annotations

from civicloop.core.workflow_docs import render_document

from .workflow import ACTION_ITEM_WORKFLOW, ACTOR_LABELS, SUMMONS_WORKFLOW


def render() -> str:
    return render_document(
        "Leadership supervision workflows (领导督导流程)",
        [
            "Each row is a transition the services execute (`src/civicloop/supervision/workflow.py`).",
            "Who may act is a *capacity* towards the record (`supervision/services.py`); the rules",
            "are in [supervision.md](supervision.md). Regenerate with `civicloop workflow_docs`.",
        ],
        [
            ("Action items of meetings (会议议定事项)", ACTION_ITEM_WORKFLOW),
            ("Summons (约谈)", SUMMONS_WORKFLOW),
        ],
        ACTOR_LABELS,
    )
