"""One work queue per person (我的待办): every app says what waits for whom.

``core`` imports no app, so the queue page (``core.views.work_queue``) only iterates
:data:`work_providers`. Each app registers a provider from its ``AppConfig.ready()``::

    register_work_provider(
        "events", label=_("events"), items_for="civicloop.events.workitems.items_for", order=10
    )

``items_for(user)`` returns the :class:`WorkItem` s waiting for ``user`` — only what the workflow
lets them act on, looked up through the app's own scoped querysets (``visible_to``), so nobody
sees another town's work. The page ranks the items of every provider by deadline (none last),
urgent before general at the same deadline, and counts them per kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.functional import Promise

from .registry import Registry, resolve

# What one provider shows at most on the page; the count says how many there are in all.
ITEMS_PER_PROVIDER = 200


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for a person: a title, where to act, by when, in what state.

    ``deadline`` is an aware datetime or a date (a date is due at the start of that local day);
    ``urgency`` is a label shown as a tag ("紧急"), empty for ordinary work."""

    kind: str
    title: str
    url: str
    deadline: dt.datetime | dt.date | None = None
    state: str | Promise = ""
    urgency: str | Promise = ""
    detail: str | Promise = ""

    @property
    def due_at(self) -> dt.datetime | None:
        """The deadline as an aware datetime (dates: the start of the local day)."""
        deadline = self.deadline
        if deadline is None or isinstance(deadline, dt.datetime):
            return deadline
        return timezone.make_aware(dt.datetime.combine(deadline, dt.time.min))

    def is_overdue(self, at: dt.datetime | None = None) -> bool:
        due = self.due_at
        return due is not None and due < (at or timezone.now())


@dataclass(frozen=True)
class WorkProvider:
    """An app's contribution to the work queue: ``items_for(user)`` → iterable of WorkItem."""

    name: str
    label: str | Promise
    items_for: Callable[[object], Iterable[WorkItem]] | str
    order: int = 0


work_providers: Registry[WorkProvider] = Registry("work-queue provider")


def register_work_provider(
    name: str,
    *,
    label: str | Promise,
    items_for: Callable[[object], Iterable[WorkItem]] | str,
    order: int = 0,
) -> WorkProvider:
    """Add a kind of work to everyone's queue; ``name`` is the ``kind`` of its items."""
    return work_providers.add(
        WorkProvider(name=name, label=label, items_for=items_for, order=order)
    )


@dataclass
class KindCount:
    name: str
    label: str | Promise
    count: int
    overdue: int


@dataclass
class WorkQueue:
    """A person's queue: the items ranked by deadline, and a count per kind."""

    items: list[WorkItem] = field(default_factory=list)
    counts: list[KindCount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.items)

    def of_kind(self, kind: str) -> list[WorkItem]:
        return [item for item in self.items if item.kind == kind]


def _rank(item: WorkItem) -> tuple:
    due = item.due_at
    return (due is None, due or dt.datetime.max.replace(tzinfo=dt.UTC), not item.urgency)


def work_queue(user, *, at: dt.datetime | None = None, exclude: Iterable[str] = ()) -> WorkQueue:
    """Everything waiting for ``user`` from every registered provider (but those named in
    ``exclude``), ranked by deadline."""
    at = at or timezone.now()
    items: list[WorkItem] = []
    counts: list[KindCount] = []
    if not getattr(user, "is_authenticated", False):
        return WorkQueue()
    for provider in work_providers:
        if provider.name in exclude:
            continue
        found = list(resolve(provider.items_for)(user))[:ITEMS_PER_PROVIDER]
        if not found:
            continue
        counts.append(
            KindCount(
                name=provider.name,
                label=provider.label,
                count=len(found),
                overdue=sum(1 for item in found if item.is_overdue(at)),
            )
        )
        items.extend(found)
    items.sort(key=_rank)
    return WorkQueue(items=items, counts=counts)
