"""What a model's label means for routing: the event category and the responsible
county department.

Two kinds of labels exist. A county model (trained on judged events) predicts
event category codes; the category says its department. The starter model
predicts the organisers' first-level classes (城乡建设, 环境保护…); what they mean
here is data, not code: ``data/label_departments.csv`` gives each class its
department (code and name) and, where one fits, one of our category codes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from civicloop.matters.models import Category
from civicloop.org.models import Unit

from .datasets import DATA_DIR

MAPPING_FILE = DATA_DIR / "label_departments.csv"


@dataclass(frozen=True)
class LabelRoute:
    """The mapping row of one organisers' class."""

    label: str
    department_code: str
    department_name: str
    category_code: str


@cache
def label_routes(path: Path = MAPPING_FILE) -> dict[str, LabelRoute]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["label"].strip(): LabelRoute(
                label=row["label"].strip(),
                department_code=(row.get("department_code") or "").strip(),
                department_name=(row.get("department_name") or "").strip(),
                category_code=(row.get("category_code") or "").strip(),
            )
            for row in csv.DictReader(handle)
            if (row.get("label") or "").strip()
        }


def category_label(label: str) -> str:
    """The label a starter class gets in a county model: its category code when the
    mapping names one, else the class itself (it still names a department)."""
    route = label_routes().get(label)
    return route.category_code if route and route.category_code else label


@dataclass(frozen=True)
class Resolution:
    """A label turned into where the event goes."""

    label: str
    name: str  # what people read: the category's name, or the class itself
    category: Category | None
    department: Unit | None
    department_code: str
    department_name: str


class Resolver:
    """Resolves labels against the database once per batch (a few queries in all)."""

    def __init__(self):
        self.categories = {c.code: c for c in Category.objects.select_related("department")}
        codes = {r.department_code for r in label_routes().values() if r.department_code}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=codes)}

    def __call__(self, label: str) -> Resolution:
        category = self.categories.get(label)
        if category is not None:
            department = category.department
            return Resolution(
                label=label,
                name=category.name,
                category=category,
                department=department,
                department_code=department.code if department else "",
                department_name=department.name if department else "",
            )
        route = label_routes().get(label)
        if route is None:
            return Resolution(
                label=label,
                name=label,
                category=None,
                department=None,
                department_code="",
                department_name="",
            )
        category = self.categories.get(route.category_code) if route.category_code else None
        if category is not None and not category.is_active:
            category = None
        department = self.units.get(route.department_code)
        if department is None and category is not None and not route.department_code:
            department = category.department
        return Resolution(
            label=label,
            name=label,
            category=category,
            department=department,
            department_code=department.code if department else route.department_code,
            department_name=department.name if department else route.department_name,
        )
