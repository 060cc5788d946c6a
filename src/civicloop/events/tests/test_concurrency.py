"""Two people acting on the same event at once: exactly one succeeds (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from civicloop.core.errors import InvalidTransition
from civicloop.events import services
from civicloop.testing.journeys import report, walk
from civicloop.testing.world import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (the .ci/run PostgreSQL pass)")


def run_together(calls, monkeypatch):
    """Run ``calls`` in threads that all reach the permission check before any commits,
    unless the row lock makes the later ones wait (which is what we test)."""
    barrier = threading.Barrier(len(calls))
    real = services.capacities

    def synchronised(user, event):
        try:
            barrier.wait(timeout=1.5)
        except threading.BrokenBarrierError:
            pass  # the other caller is blocked on the row lock: expected
        return real(user, event)

    monkeypatch.setattr(services, "capacities", synchronised)
    results = [None] * len(calls)

    def runner(i, call):
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_officers_accepting_at_once_only_one_succeeds(monkeypatch):
    world = build_world()
    from civicloop.testing.factories import PostFactory, UserFactory

    colleague = UserFactory(username="colleague")
    PostFactory(user=colleague, unit=world.wuyuan_squad, role="enforcement_officer")
    event = walk(world, report(world), "dispatched")
    results = run_together(
        [lambda: services.accept_event(event, by=world.wuyuan_officer),
         lambda: services.accept_event(event, by=colleague)],
        monkeypatch,
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], InvalidTransition), results
    assert event.history.filter(action="accept").count() == 1


def test_voiding_and_merging_at_once_leave_one_consistent_outcome(monkeypatch):
    world = build_world()
    original = report(world, description="原始反映")
    event = report(world)
    results = run_together(
        [lambda: services.void_event(event, by=world.wuyuan_dispatcher, reason="无效"),
         lambda: services.merge_event(event, into=original, by=world.centre, reason="重复")],
        monkeypatch,
    )
    event.refresh_from_db()
    successes = [r for r in results if not isinstance(r, Exception)]
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(successes) == 1 and isinstance(failures[0], InvalidTransition), results
    assert event.history.exclude(action="collect").count() == 1
    assert event.state in ("voided", "merged")
    assert (event.merged_into_id is not None) == (event.state == "merged")


def test_simultaneous_reports_get_distinct_numbers():
    world = build_world()
    results = [None, None, None, None]

    def make(i):
        try:
            results[i] = report(world, description=f"并发上报{i}").number
        except Exception as exc:  # noqa: BLE001
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=make, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 4
