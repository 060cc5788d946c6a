"""Render the workflow tables of flexible enforcement as Markdown (docs/leniency-workflow.md)."""

from __future__ import annotations

from civicloop.core.workflow_docs import render_document

from .workflow import ACTOR_LABELS, COMMITMENT_WORKFLOW, REPAIR_WORKFLOW

DOCUMENT = "docs/leniency-workflow.md"


def render() -> str:
    return render_document(
        "Flexible enforcement workflows (柔性执法流程)",
        [
            "Each row is a transition the services execute (`src/civicloop/leniency/workflow.py`).",
            "Who may act is a *capacity* towards the particular record (`leniency/permissions.py`); the",
            "rules of each transition are in `leniency/services/` and [leniency.md](leniency.md).",
            "Regenerate with `civicloop leniency docs`.",
        ],
        [
            ("Notice and commitment (轻微违法告知承诺)", COMMITMENT_WORKFLOW),
            ("Credit repair (信用修复)", REPAIR_WORKFLOW),
        ],
        ACTOR_LABELS,
    )
