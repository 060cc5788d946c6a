"""Two people acting on the same event at once: exactly one succeeds (PostgreSQL)."""

import pytest

from civicloop.core.errors import InvalidTransition
from civicloop.events import services
from civicloop.testing.concurrency import run_together
from civicloop.testing.journeys import report, walk
from civicloop.testing.world import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_officers_accepting_at_once_only_one_succeeds(monkeypatch):
    world = build_world()
    from civicloop.testing.factories import PostFactory, UserFactory

    colleague = UserFactory(username="colleague")
    PostFactory(user=colleague, unit=world.wuyuan_squad, role="enforcement_officer")
    event = walk(world, report(world), "dispatched")
    results = run_together(
        [
            lambda: services.accept_event(event, by=world.wuyuan_officer),
            lambda: services.accept_event(event, by=colleague),
        ],
        monkeypatch=monkeypatch,
        meet_in=(services, "capacities"),
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], InvalidTransition), results
    assert event.history.filter(action="accept").count() == 1


def test_voiding_and_merging_at_once_leave_one_consistent_outcome(monkeypatch):
    world = build_world()
    original = report(world, description="原始反映")
    event = report(world)
    results = run_together(
        [
            lambda: services.void_event(event, by=world.wuyuan_dispatcher, reason="无效"),
            lambda: services.merge_event(event, into=original, by=world.centre, reason="重复"),
        ],
        monkeypatch=monkeypatch,
        meet_in=(services, "capacities"),
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
    results = run_together(
        [(lambda i=i: report(world, description=f"并发上报{i}").number) for i in range(4)]
    )
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 4
