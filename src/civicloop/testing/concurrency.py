"""Run service calls at the same moment from several threads, each with its own database
connection, to test what row locks guarantee (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, connections


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


class Pause:
    """A point where a background thread stops, inside whatever transaction it is in, until
    the test lets it go on: ``reached`` is set when it stops, ``go_on`` releases it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.go_on = threading.Event()
        self.timeout = 60.0

    def release(self) -> None:
        self.go_on.set()


def pause_after(monkeypatch, owner, name: str, *, calls: int = 1) -> Pause:
    """Patch ``owner.name`` so that a thread other than the test's own, after its
    ``calls``-th call of it has returned, stops at a :class:`Pause` (once).

    E.g. ``pause_after(monkeypatch, services, "create_event")`` holds an import inside its
    transaction after its first row, while the test acts from its own thread and connection."""
    pause = Pause()
    real = getattr(owner, name)
    test_thread = threading.current_thread()
    counted = {"n": 0}

    def paused(*args, **kwargs):
        result = real(*args, **kwargs)
        if threading.current_thread() is not test_thread:
            counted["n"] += 1
            if counted["n"] == calls:
                pause.reached.set()
                pause.go_on.wait(timeout=pause.timeout)
        return result

    monkeypatch.setattr(owner, name, paused)
    return pause


class Background:
    """One call run in its own thread (with its own database connection)."""

    def __init__(self, call: Callable[[], object]) -> None:
        self.result: object = None
        self.error: BaseException | None = None

        def runner() -> None:
            try:
                self.result = call()
            except BaseException as exc:  # noqa: BLE001 - handed to the test by join()
                self.error = exc
            finally:
                connections.close_all()

        self.thread = threading.Thread(target=runner)
        self.thread.start()

    def join(self, timeout: float = 60) -> object:
        """The call's result; its exception is raised here."""
        self.thread.join(timeout=timeout)
        if self.thread.is_alive():
            raise TimeoutError("the background call did not finish")
        if self.error is not None:
            raise self.error
        return self.result


def in_background(call: Callable[[], object]) -> Background:
    return Background(call)


@contextmanager
def lock_timeout(seconds: float) -> Iterator[None]:
    """PostgreSQL: statements of this thread's connection give up waiting for a lock after
    ``seconds`` (``LockNotAvailable``) instead of waiting as long as the holder likes."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = %s", [f"{int(seconds * 1000)}ms"])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
