"""``update_or_create`` for many rows of one model, reading the existing rows once.

Loading an organisation or a division list calls ``update_or_create`` hundreds of
times; each call costs a locking select (and a savepoint) before its insert. On a
fresh database none of the rows exists, on a second run all do: reading them once
up front leaves one query per row (the insert or the update).
"""

from __future__ import annotations

from typing import Any

from django.db import models


class KnownRows:
    """The rows of ``queryset`` by ``key_field`` (unique), created or updated one by one."""

    def __init__(self, queryset: models.QuerySet, key_field: str):
        self.model = queryset.model
        self.key_field = key_field
        self.rows: dict[Any, models.Model] = {getattr(row, key_field): row for row in queryset}

    def __getitem__(self, key) -> models.Model:
        return self.rows[key]

    def update_or_create(self, key, defaults: dict[str, Any]) -> models.Model:
        """Like ``QuerySet.update_or_create(**{key_field: key}, defaults=defaults)``."""
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = self.model.objects.create(**{self.key_field: key}, **defaults)
        else:
            for name, value in defaults.items():
                setattr(row, name, value)
            row.save(update_fields=list(defaults))
        return row
