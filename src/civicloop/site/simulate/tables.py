"""Rows under construction: per model, columns by attribute name, in insertion order."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models


class Tables:
    """The rows one county's generators produce, keyed by model in dependency order, with
    the next free primary key of each table (allocated by the loader)."""

    def __init__(self, next_ids: dict[type[models.Model], int]):
        self.next_ids = next_ids
        self.columns: dict[type[models.Model], dict[str, list]] = {}

    def ids(self, model: type[models.Model], count: int) -> range:
        """Reserve ``count`` primary keys of ``model``."""
        start = self.next_ids[model]
        self.next_ids[model] = start + count
        return range(start, start + count)

    def add(self, model: type[models.Model], **columns: Sequence) -> None:
        lengths = {len(values) for values in columns.values()}
        if len(lengths) != 1:
            raise ValueError(f"{model.__name__}: columns of different lengths {lengths}")
        table = self.columns.setdefault(model, {})
        if table and set(table) != set(columns):
            raise ValueError(f"{model.__name__}: different columns in one run")
        for name, values in columns.items():
            table.setdefault(name, []).extend(values)

    def count(self, model: type[models.Model]) -> int:
        table = self.columns.get(model)
        return len(next(iter(table.values()))) if table else 0
