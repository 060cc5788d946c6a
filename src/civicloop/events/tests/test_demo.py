"""`civicloop demo`: the Haiyan organisation, categories and events made by the real workflow."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from civicloop.events.choices import AssignmentKind, EventState, Span, Urgency
from civicloop.events.demo import DATA_DIR, ESSENTIAL, DemoEvents, load_categories
from civicloop.events.models import Event, EventHistory
from civicloop.matters.models import Category
from civicloop.org.demo import DEMO_PASSWORD, load_haiyan_organisation

SYSTEM_ACTIONS = {"subtasks_started", "subtasks_completed", "close_with_original", "escalate"}
# Rows about one sub-task carry the sub-task's state, not the event's.
SUBTASK_ACTIONS = {
    "accept_subtask",
    "return_subtask",
    "complete_subtask",
    "cancel_subtask",
    "reopen_subtask",
    "add_subtask",
}


@pytest.fixture
def demo_output(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", events=len(ESSENTIAL) + 4, seed=7, language="en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_categories_is_idempotent_and_links_departments(db):
    load_haiyan_organisation()
    first = load_categories()
    second = load_categories()

    with (DATA_DIR / "categories.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert first["created"] == len(rows) and second == {"created": 0, "updated": len(rows)}
    assert Category.objects.count() == len(rows)
    noise = Category.objects.get(code="noise")
    assert noise.parent.code == "pollution" and noise.department.code == "dept-sthj"
    assert Category.objects.get(code="disputes").department is None


def test_demo_with_a_few_events_reaches_every_state_through_the_real_services(demo_output):
    _out, err = demo_output

    assert err == ""  # no step was refused by a service
    assert set(Event.objects.values_list("state", flat=True)) == set(EventState.values)
    # Plus the matters that broken commitments reopened (flexible enforcement's demo).
    from civicloop.leniency.models import Commitment

    reopened = Commitment.objects.filter(reopened_event__isnull=False).count()
    # And the findings of the inspections' demo that opened an event.
    from civicloop.inspections.models import InspectionRecord

    from_findings = InspectionRecord.objects.filter(event__isnull=False).count()
    assert Event.objects.count() == len(ESSENTIAL) + 4 + reopened + from_findings
    assert_every_event_has_its_history_from_the_services()
    assert_side_paths_of_the_loop_were_taken()


def test_demo_spreads_events_prints_the_logins_and_adds_nothing_when_run_again(demo_output):
    out, _err = demo_output
    months = {e.reported_at.astimezone().month for e in Event.objects.all()}
    towns = {e.region.code[:9] for e in Event.objects.select_related("region")}
    assert len(months) >= 4 and len(towns) >= 3
    for username in ("wuyuan_dispatcher", "grid_worker", "centre", "leader", "admin"):
        assert username in out
    assert DEMO_PASSWORD in out and "http://127.0.0.1:8000/" in out

    before = Event.objects.count()
    again = io.StringIO()
    call_command("demo", events=10, language="en", stdout=again)

    assert Event.objects.count() == before
    assert "already holds" in again.getvalue()


def assert_every_event_has_its_history_from_the_services():
    for event in Event.objects.all():
        history = list(event.history.all())
        assert history[0].action == "collect" and history[0].to_state == EventState.COLLECTED
        moves = [h for h in history if h.action not in SUBTASK_ACTIONS]
        assert moves[-1].to_state == event.state, (event.number, moves[-1].action)
        times = [h.at for h in history]
        assert times == sorted(times) and times[0] == event.reported_at
        for row in history:
            if row.action not in SYSTEM_ACTIONS and not (
                row.action in ("collect", "rate") and row.actor is None
            ):
                assert row.actor is not None, (event.number, row.action)


def assert_side_paths_of_the_loop_were_taken():
    actions = set(EventHistory.objects.values_list("action", flat=True))
    assert {
        "return",
        "redispatch",
        "park",
        "resume",
        "void",
        "merge",
        "close_with_original",
        "escalate",
        "accept_subtask",
        "complete_subtask",
        "return_subtask",
        "add_subtask",
        "subtasks_completed",
    } <= actions
    # Rework after a failed check and after a dissatisfied rating.
    assert EventHistory.objects.filter(action="check", details__passed=False).exists()
    assert EventHistory.objects.filter(action="rate", to_state=EventState.HANDLING).exists()
    # Urgent events went to the emergency team; multi-span ones became coordination orders.
    urgent = Event.objects.filter(urgency=Urgency.URGENT).first()
    assert urgent.lead_assignment().unit.kind == "emergency_team"
    multi = Event.objects.filter(span=Span.MULTI, state=EventState.CLOSED).first()
    assert multi.assignments.filter(kind=AssignmentKind.SUBTASK).count() >= 2
    # Escalations both by the deadline sweep (no actor) and by a leader.
    escalations = EventHistory.objects.filter(action="escalate")
    assert (
        escalations.filter(actor__isnull=True).exists()
        and escalations.filter(actor__isnull=False).exists()
    )


def test_the_demo_plan_is_the_same_for_the_same_seed(db):
    load_haiyan_organisation()
    load_categories()

    now = timezone.now()

    def summary(seed):
        plans = DemoEvents(count=60, seed=seed, now=now).plan()
        return [(p.scenario, p.text.title, p.grid.code, p.source, p.times[0]) for p in plans]

    assert summary(11) == summary(11)
    assert summary(11) != summary(12)
