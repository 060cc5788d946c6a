import datetime as dt
from decimal import Decimal

import pytest

from civicloop.events import services as events
from civicloop.events.choices import EventState, Rating
from civicloop.scoring import ledger, services
from civicloop.scoring.choices import PointItem
from civicloop.scoring.models import PatrolVisit, PointEntry
from civicloop.scoring.standings import ScorePeriod, earned_totals
from civicloop.testing.events import local, report_at
from civicloop.testing.journeys import walk

pytestmark = pytest.mark.django_db


def entries(person, item=None):
    rows = PointEntry.objects.filter(person=person)
    return rows.filter(item=item) if item else rows


def test_a_patrol_visit_earns_points_linked_to_the_visit(world, rules, visit):
    made = visit(local(dt.date(2026, 2, 3)))
    result = ledger.recompute()
    entry = entries(world.grid_worker).get()
    assert result.created == 1
    assert (entry.item, entry.points, entry.source) == (PointItem.PATROL_VISIT, Decimal(1), made)
    assert entry.rule_version == rules
    assert entry.town == world.wuyuan


def test_recomputing_twice_changes_nothing(world, rules, visit):
    visit(local(dt.date(2026, 2, 3)))
    visit(local(dt.date(2026, 2, 4)))
    ledger.recompute()
    keys = sorted(PointEntry.objects.values_list("pk", "key"))
    again = ledger.recompute()
    assert (again.created, again.changed, again.removed, again.unchanged) == (0, 0, 0, 2)
    assert sorted(PointEntry.objects.values_list("pk", "key")) == keys


def test_a_new_rule_version_changes_only_points_earned_from_its_effective_date(world, rules, visit):
    before = visit(local(dt.date(2026, 3, 31), 23, 50))
    after = visit(local(dt.date(2026, 4, 1), 0, 10))
    ledger.recompute()
    assert {e.source: e.points for e in entries(world.grid_worker)} == {before: 1, after: 1}
    second = services.add_rule_version(
        by=world.centre,
        effective_from=dt.date(2026, 4, 1),
        base_scores={"professional_grid_worker": 90},
        points={"patrol_visit": 5},
    )
    result = ledger.recompute()
    assert (result.changed, result.unchanged) == (1, 1)
    by_source = {e.source: e for e in entries(world.grid_worker)}
    assert (by_source[before].points, by_source[before].rule_version) == (1, rules)
    assert (by_source[after].points, by_source[after].rule_version) == (5, second)


def test_quarter_totals_split_at_local_midnight_of_the_quarter_boundary(world, rules, visit):
    visit(local(dt.date(2026, 3, 31), 23, 59))
    visit(local(dt.date(2026, 4, 1), 0, 0))
    visit(local(dt.date(2026, 4, 1), 0, 1))
    ledger.recompute()
    q1 = earned_totals(ScorePeriod.parse("2026Q1").span)
    q2 = earned_totals(ScorePeriod.parse("2026Q2").span)
    march = earned_totals(ScorePeriod.parse("2026-03").span)
    assert q1[world.grid_worker.pk] == 1
    assert q2[world.grid_worker.pk] == 2
    assert march[world.grid_worker.pk] == 1


def test_records_before_the_first_version_earn_nothing(world, rules, visit):
    visit(local(dt.date(2025, 12, 31), 23, 59))
    ledger.recompute()
    assert not entries(world.grid_worker).exists()


def test_an_activity_earns_the_points_of_its_kind(world, rules):
    services.log_activity(
        by=world.red_butler,
        kind="dispute_mediation",
        region=world.wuyuan_grid,
        topic="邻里噪音纠纷调解",
        held_at=local(dt.date(2026, 5, 6)),
        participant_count=3,
    )
    services.log_activity(
        by=world.red_butler,
        kind="law_talk",
        region=world.wuyuan_village,
        topic="反诈普法讲座",
        held_at=local(dt.date(2026, 5, 7)),
        participant_count=40,
    )
    ledger.recompute()
    assert sorted(e.points for e in entries(world.red_butler, PointItem.ACTIVITY)) == [2, 4]


def test_a_clue_earns_points_once_confirmed_and_loses_them_when_voided(world, rules):
    event = report_at(world, local(dt.date(2026, 6, 1)))
    ledger.recompute()
    assert not entries(world.grid_worker, PointItem.CLUE_CONFIRMED).exists()
    walk(world, event, EventState.JUDGED)
    ledger.recompute()
    entry = entries(world.grid_worker, PointItem.CLUE_CONFIRMED).get()
    assert entry.source == event and entry.points == 3
    events.void_event(event, by=world.wuyuan_dispatcher, reason="重复上报")
    result = ledger.recompute()
    assert result.removed == 1
    assert not entries(world.grid_worker, PointItem.CLUE_CONFIRMED).exists()


def test_the_handler_earns_on_time_work_and_the_rating(world, rules):
    event = walk(world, report_at(world, local(dt.date(2026, 6, 1))), EventState.CHECKED)
    events.rate_event(event, rating=Rating.SATISFIED, tracking_code=event.tracking_code)
    ledger.recompute()
    items = {e.item: e for e in entries(world.wuyuan_officer)}
    assert set(items) == {PointItem.TASK_ON_TIME, PointItem.RATING_SATISFIED}
    assert items[PointItem.TASK_ON_TIME].source == event.assignments.get(kind="lead")
    assert items[PointItem.RATING_SATISFIED].source == event.ratings.get()


def test_a_failed_check_costs_the_handler_a_rework(world, rules):
    event = walk(world, report_at(world, local(dt.date(2026, 6, 1))), EventState.FEEDBACK_SUBMITTED)
    events.check_event(event, by=world.wuyuan_dispatcher, passed=False, notes="现场仍有摊贩")
    ledger.recompute()
    rework = entries(world.wuyuan_officer, PointItem.REWORK).get()
    assert rework.points == -3
    assert rework.source == event.checks.get()


def test_overdue_work_costs_points(world, rules):
    event = walk(world, report_at(world, local(dt.date(2026, 6, 1))), EventState.HANDLING)
    lead = event.assignments.get(kind="lead")
    lead.due_at = local(dt.date(2026, 6, 1), 12)
    lead.save(update_fields=["due_at"])
    walk(world, event, EventState.FEEDBACK_SUBMITTED)
    ledger.recompute()
    assert entries(world.wuyuan_officer, PointItem.TASK_OVERDUE).get().points == -2


def test_a_resent_visit_with_the_same_client_key_is_not_a_second_visit(world, rules, visit):
    first = visit(local(dt.date(2026, 2, 3)), client_key="phone-abc-1")
    again = visit(local(dt.date(2026, 2, 3)), client_key="phone-abc-1")
    assert first.pk == again.pk
    assert PatrolVisit.objects.count() == 1
