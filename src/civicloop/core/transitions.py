"""The steps every workflow service function repeats, written once.

A service function that changes a workflow object (an event, a case, a warning, a
commitment …) does the same four things: lock the row, check the transition in the
workflow table against the actor's capacities, move the state, and append one history
row. ``ModelWorkflow`` binds a model to its history table, its transition table
(``core.workflow.StateMachine``) and its capacities function, and does those steps;
each app's ``services.py`` declares one per workflow model and writes only what is
particular to it (deadlines, notifications, documents).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Generic, TypeVar

from django.db import models

from .history import HistoryEntry
from .workflow import StateMachine, Transition

M = TypeVar("M", bound=models.Model)


def lock(instance: M, *, related: Sequence[str] = ()) -> M:
    """``instance`` read again with its row locked until the transaction ends.

    Only the object's own row is locked (``of=("self",)``): the rows joined by
    ``related`` are read for convenience, and locking them would serialise unrelated
    work (every case of a unit …). Call inside ``transaction.atomic``.
    """
    model = type(instance)
    return (
        model._default_manager.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=instance.pk)
    )


@cache
def _owner_field(history: type[HistoryEntry], model: type[models.Model]) -> str:
    """The history table's foreign key to the model (``event``, ``case`` …)."""
    names = [
        f.name
        for f in history._meta.concrete_fields
        if f.is_relation and issubclass(model, f.related_model)
    ]
    if len(names) != 1:
        raise TypeError(f"{history.__name__} needs exactly one foreign key to {model.__name__}")
    return names[0]


def record(
    history: type[HistoryEntry],
    obj: models.Model,
    action: str,
    *,
    by,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    details: dict | None = None,
    at: dt.datetime | None = None,
) -> HistoryEntry:
    """Append one row to ``history`` (a ``HistoryEntry`` table) about ``obj``.

    The one write path of every history table: tables of objects without a workflow
    (matters, grants, leniency items) use it directly, workflows through
    ``ModelWorkflow.record``. ``at`` defaults to now.
    """
    fields: dict[str, Any] = {} if at is None else {"at": at}
    return history.objects.create(
        **{_owner_field(history, type(obj)): obj},
        actor=by,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        details=details or {},
        **fields,
    )


@dataclass(frozen=True)
class ModelWorkflow(Generic[M]):
    """A transition table bound to the model it moves and the history table it writes.

    ``capacities(by, obj)`` returns the actor's capacities on ``obj`` (``core.workflow``
    checks them against the transition's actors); ``related`` is what ``lock`` reads
    along with the row.
    """

    model: type[M]
    history: type[HistoryEntry]
    machine: StateMachine
    capacities: Callable[[Any, M], Iterable[str]]
    related: tuple[str, ...] = ()

    @cached_property
    def _touched_fields(self) -> list[str]:
        """``auto_now`` fields (``updated_at``): ``save(update_fields=…)`` only sets those named."""
        return [f.name for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]

    def lock(self, obj: M) -> M:
        return lock(obj, related=self.related)

    def check(
        self, obj: M, name: str, by, *, caps: Iterable[str] | None = None, reason: str | None = ""
    ) -> tuple[Transition, str]:
        """The transition ``name`` if the object's state and ``by``'s capacities (or the
        given ``caps``, e.g. ``{"system"}``) allow it, and the cleaned reason; raises
        ``InvalidTransition``/``NotPermitted``/``InvalidInput`` otherwise."""
        caps = frozenset(caps) if caps is not None else frozenset(self.capacities(by, obj))
        transition = self.machine.check(name, state=obj.state, capacities=caps)
        return transition, transition.clean_reason(reason)

    def record(
        self,
        obj: M,
        action: str,
        *,
        by,
        from_state: str = "",
        to_state: str | None = None,
        reason: str = "",
        details: dict | None = None,
        at: dt.datetime | None = None,
    ) -> HistoryEntry:
        """Append one history row; ``to_state`` defaults to the object's current state."""
        return record(
            self.history,
            obj,
            action,
            by=by,
            from_state=from_state,
            to_state=obj.state if to_state is None else to_state,
            reason=reason,
            details=details,
            at=at,
        )

    def move(
        self,
        obj: M,
        action: str,
        to_state: str,
        *,
        by,
        reason: str = "",
        details: dict | None = None,
        fields: Sequence[str] = (),
        at: dt.datetime | None = None,
    ) -> HistoryEntry:
        """Set the new state, save it with ``fields`` (already set on ``obj``), append history."""
        from_state = obj.state
        obj.state = to_state
        obj.save(update_fields=["state", *self._touched_fields, *fields])
        return self.record(
            obj,
            action,
            by=by,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            details=details,
            at=at,
        )
