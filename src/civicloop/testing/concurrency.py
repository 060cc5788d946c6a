"""Run service calls at the same moment from several threads, each with its own database
connection, to test what row locks guarantee (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def run_together(
    calls: list[Callable[[], object]], *, monkeypatch=None, meet_in: tuple | None = None
) -> list:
    """Each call's result, or the exception it raised.

    ``meet_in=(owner, "name")`` (with ``monkeypatch``): the threads wait for each other when
    they call ``owner.name`` — inside their transactions, after any row lock — unless a lock
    keeps one waiting, which is what the caller tests. Without it they start together."""
    barrier = threading.Barrier(len(calls))

    def meet(timeout: float) -> None:
        try:
            barrier.wait(timeout=timeout)
        except threading.BrokenBarrierError:
            pass  # another caller waits on a row lock: expected

    if meet_in is not None:
        owner, name = meet_in
        real = getattr(owner, name)

        def synchronised(*args, **kwargs):
            meet(1.5)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, synchronised)
    results: list[object] = [None] * len(calls)

    def runner(index: int, call) -> None:
        try:
            if meet_in is None:
                meet(10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the caller inspects it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
