"""Extension points: how an app low in the layering (docs/architecture.md) lets apps above it
add to its pages, workflows and reports without importing them.

The lower app declares a :class:`Registry` in a module named for what it extends
(``events/panels.py``, ``cases/hooks.py``, ``parties/links.py``); an app above registers into it
from its ``AppConfig.ready()``. The lower app reads what was registered — in registration order,
which is the order of INSTALLED_APPS — and works unchanged when nothing was. So the imports go one
way only (checked by ``lint-imports``), and removing an app removes its contributions with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Named entries registered by other apps. Registering a name again replaces the entry (an
    app's ``ready()`` may run again in tests), keeping its place in the order."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}

    def register(self, name: str, entry: T) -> T:
        self._entries[name] = entry
        return entry

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def get(self, name: str) -> T | None:
        return self._entries.get(name)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry of {self.what}: {', '.join(self._entries) or 'empty'}>"
