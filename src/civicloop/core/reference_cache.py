"""Reference data held still for a batch of writes (the demo, a bulk import).

A batch such as ``civicloop demo`` calls the services thousands of times, and each
call looks up the same reference rows again: the working calendar's overrides, the
deadline rules, a village's town, a town's command room. In a live system those rows
may change between two requests, so the services read them every time. A batch that
does not change them may say so with :func:`holding_reference_data`; inside it,
:func:`remembered` answers a repeated lookup from memory.

Outside such a block nothing is remembered (every call computes), so web requests,
the worker and the tests behave exactly as before. The memory lives in a context
variable: it belongs to the block that opened it and ends with it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memory: ContextVar[dict | None] = ContextVar("civicloop_reference_cache", default=None)


@contextmanager
def holding_reference_data() -> Iterator[None]:
    """Remember reference lookups until the block ends (nested blocks share the outer memory).

    Only for code that changes none of the reference data it reads through
    :func:`remembered` (calendar days, deadline rules, regions, units' kinds and regions).
    """
    if _memory.get() is not None:
        yield
        return
    token = _memory.set({})
    try:
        yield
    finally:
        _memory.reset(token)


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, remembered under ``key`` while a :func:`holding_reference_data` block runs."""
    memory = _memory.get()
    if memory is None:
        return compute()
    try:
        return memory[key]
    except KeyError:
        value = memory[key] = compute()
        return value


def holding_reference_data_now() -> bool:
    """Whether a :func:`holding_reference_data` block is running (to read a table whole once)."""
    return _memory.get() is not None
