"""The Haiyan report's figures (``data/haiyan_report.json``), each tied to the registered
figure that computes it. A figure no app registers yet is shown as "not computed yet" with the
work that will fill it: when that app registers the key, the entry fills itself — no edit here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from civicloop.core.figures import Figure, figures

DATA = Path(__file__).parent / "data" / "haiyan_report.json"


@dataclass(frozen=True)
class ReportFigure:
    text: str
    reported: str
    compare: str  # "value": the figure itself; "last_year": its change against last year
    key: str
    filled_by: str
    part: str = ""  # "" the value; a breakdown key; "*" the sum of the breakdown

    def pick(self, value):
        """The number the report quotes, from the figure's value."""
        if not isinstance(value, dict):
            return value
        if self.part == "*":
            numbers = [v for v in value.values() if isinstance(v, int | float)]
            return sum(numbers) if numbers else None
        return value.get(self.part)

    @property
    def figure(self) -> Figure | None:
        return figures.find(self.key)


def _load() -> tuple[ReportFigure, ...]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(ReportFigure(**item) for item in data["figures"])


REPORT_FIGURES = _load()
