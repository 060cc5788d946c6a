"""Render the appeal workflow of the points as Markdown (docs/scoring-workflow.md)."""

from __future__ import annotations

from civicloop.core.workflow_docs import render_document

from .workflow import ACTOR_LABELS, APPEAL_WORKFLOW

DOCUMENT = "docs/scoring-workflow.md"


def render() -> str:
    return render_document(
        "Points appeal workflow (积分申诉流程)",
        [
            "Each row is a transition the services execute (`src/civicloop/scoring/workflow.py`).",
            "Who may act is a *capacity* towards the appeal (`scoring/services.py`, who sees whom:",
            "`scoring/access.py`); the rules are in [scoring.md](scoring.md).",
            "Regenerate with `civicloop workflow_docs`.",
        ],
        [("Appeal of a point entry (积分申诉)", APPEAL_WORKFLOW)],
        ACTOR_LABELS,
    )
