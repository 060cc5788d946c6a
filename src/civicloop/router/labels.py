"""What a model's label means for routing: the county's event category and the
responsible department.

Two kinds of labels exist. A county model (trained on judged events) predicts event
category codes; the category names its department. The starter model predicts the
organisers' first-level classes (城乡建设, 环境保护…), which are not our categories;
what they mean here is data, not code: ``data/category_map.csv`` is a table of rules,
read top to bottom, the first that fits wins:

* ``label``: a class, or ``*`` for any class;
* ``keywords``: words (``|``-separated, regular expressions) looked for near the
  start of the text (subject and first sentences) — empty for the class's default row;
* ``category_code``: one of the county's event categories (``matters.Category``);
* ``department_code`` / ``department_name``: the responsible department (empty: the
  category's own department).

Every class has a default row, so a starter suggestion is always a county category
and a department (``其他`` with the class's department when no category fits).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from civicloop.matters.models import Category
from civicloop.org.models import Unit

from .datasets import DATA_DIR

MAPPING_FILE = DATA_DIR / "category_map.csv"
# A rule of any class.
ANY = "*"
# Keywords are looked for in this many leading characters: the subject and the first
# sentences say what a message is about; deeper in long messages words are incidental.
KEYWORD_SPAN = 80
# The category a class's default row names when none of ours fits: it stays a county
# category, and the class keeps its own department.
FALLBACK_CATEGORY = "other"


@dataclass(frozen=True)
class Rule:
    """One row of the mapping table."""

    label: str
    keywords: re.Pattern | None
    category_code: str
    department_code: str
    department_name: str

    def match(self, label: str, text: str) -> str | None:
        """The keyword found (``""`` for a default row) when the rule fits, else None."""
        if self.label not in (label, ANY):
            return None
        if self.keywords is None:
            return ""
        found = self.keywords.search(text[:KEYWORD_SPAN])
        return found.group(0) if found else None


class MappingError(ValueError):
    """The mapping table is not usable (a bad regular expression, a missing column)."""


@cache
def rules(path: Path = MAPPING_FILE) -> tuple[Rule, ...]:
    out = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            label = (row.get("label") or "").strip()
            if not label:
                continue
            words = (row.get("keywords") or "").strip()
            try:
                pattern = re.compile(words) if words else None
            except re.error as exc:
                raise MappingError(f"{path}, line {line}: {exc}") from exc
            out.append(
                Rule(
                    label=label,
                    keywords=pattern,
                    category_code=(row.get("category_code") or "").strip(),
                    department_code=(row.get("department_code") or "").strip(),
                    department_name=(row.get("department_name") or "").strip(),
                )
            )
    return tuple(out)


def default_rules(path: Path = MAPPING_FILE) -> dict[str, Rule]:
    """Each class's default row (no keywords)."""
    return {r.label: r for r in rules(path) if r.keywords is None and r.label != ANY}


def matching_rules(label: str, text: str, path: Path = MAPPING_FILE) -> list[tuple[Rule, str]]:
    """The rules that fit ``label`` and ``text``, in table order, with the keyword found."""
    out = []
    for rule in rules(path):
        found = rule.match(label, text)
        if found is not None:
            out.append((rule, found))
    return out


def category_label(label: str, text: str = "") -> str:
    """The label a starter message gets in a county model: the category the mapping
    gives it, unless that is only the fallback (``其他``) — then it keeps its class,
    which still names its department."""
    fits = matching_rules(label, text)
    if not fits or not fits[0][0].category_code:
        return label
    code = fits[0][0].category_code
    return label if code == FALLBACK_CATEGORY else code


@dataclass(frozen=True)
class Resolution:
    """A label (and the text it was given for) turned into where the event goes."""

    label: str
    name: str  # what people read: the category's name, or the label itself
    category: Category | None
    department: Unit | None
    department_code: str
    department_name: str
    keyword: str = ""  # the word of the text that chose the category, if any

    @property
    def key(self) -> str:
        """Choices with the same key are the same choice: a category and a department."""
        category = self.category.code if self.category else f"label:{self.label}"
        return f"{category}|{self.department_code}"


class Resolver:
    """Resolves labels against the database once per batch (a few queries in all)."""

    def __init__(self, path: Path = MAPPING_FILE):
        self.path = path
        self.categories = {
            c.code: c for c in Category.objects.filter(is_active=True).select_related("department")
        }
        codes = {r.department_code for r in rules(path) if r.department_code}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=codes)}

    def _of_category(self, label: str, category: Category) -> Resolution:
        department = category.department
        return Resolution(
            label=label,
            name=category.name,
            category=category,
            department=department,
            department_code=department.code if department else "",
            department_name=department.name if department else "",
        )

    def _of_rule(self, label: str, rule: Rule, keyword: str) -> Resolution | None:
        category = self.categories.get(rule.category_code)
        if category is None and rule.category_code and rule.keywords is not None:
            return None  # the county does not use (or switched off) this category
        department = self.units.get(rule.department_code)
        if department is None and not rule.department_code and category is not None:
            department = category.department
        return Resolution(
            label=label,
            name=category.name if category else label,
            category=category,
            department=department,
            department_code=department.code if department else rule.department_code,
            department_name=department.name if department else rule.department_name,
            keyword=keyword,
        )

    def all(self, label: str, text: str = "") -> list[Resolution]:
        """Every route for ``label`` and ``text``, best first, one per category: a
        category code gives its category; a class gives the categories of the rules that
        fit, ending with its default."""
        category = self.categories.get(label)
        if category is not None:
            return [self._of_category(label, category)]
        out: dict[str, Resolution] = {}
        for rule, keyword in matching_rules(label, text, self.path):
            resolution = self._of_rule(label, rule, keyword)
            if resolution is not None and resolution.key not in out:
                out[resolution.key] = resolution
        if not out:
            return [
                Resolution(
                    label=label,
                    name=label,
                    category=None,
                    department=None,
                    department_code="",
                    department_name="",
                )
            ]
        return list(out.values())

    def __call__(self, label: str, text: str = "") -> Resolution:
        return self.all(label, text)[0]
