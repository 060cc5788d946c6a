"""Render the inspection plan's workflow table as Markdown (docs/inspections-workflow.md)."""

from __future__ import annotations

from civicloop.core.workflow_docs import render_document

from .workflow import ACTOR_LABELS, PLAN_WORKFLOW

DOCUMENT = "docs/inspections-workflow.md"


def render() -> str:
    return render_document(
        "Inspection plan workflow (抽查计划流程)",
        [
            "Each row is a transition the services execute (`src/civicloop/inspections/workflow.py`).",
            "Who may act is a *capacity* towards the plan (`inspections/permissions.py`); the rules",
            "are in `inspections/services.py` and [inspections.md](inspections.md).",
        ],
        [("Inspection plan (抽查计划)", PLAN_WORKFLOW)],
        ACTOR_LABELS,
    )
