"""Render the event workflow tables as Markdown (docs/event-workflow.md)."""

from __future__ import annotations

from civicloop.core.workflow_docs import render_document

from .workflow import ACTOR_LABELS, ASSIGNMENT_WORKFLOW, EVENT_WORKFLOW


def render() -> str:
    return render_document(
        "Event workflow (处置流程)",
        [
            "Each row is a transition the services execute (`src/civicloop/events/workflow.py`).",
            "Who may act is a *capacity* towards the particular event, computed from the person's",
            "posts and the event's place and assignments (`events/permissions.py`).",
        ],
        [
            ("Event lifecycle", EVENT_WORKFLOW),
            ("Coordination sub-task lifecycle (协同处置子任务)", ASSIGNMENT_WORKFLOW),
        ],
        ACTOR_LABELS,
    )
