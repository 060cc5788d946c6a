"""The assessment's workflow table is documented as the code runs it (docs/matters.md)."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

import civicloop
from civicloop.assessment.workflow import ASSESSMENT_WORKFLOW

DOCS = Path(civicloop.__file__).resolve().parents[2] / "docs" / "matters.md"


def test_the_documented_diagram_is_the_one_the_code_runs():
    text = DOCS.read_text(encoding="utf-8")
    with translation.override("en"):
        assert ASSESSMENT_WORKFLOW.mermaid() in text
