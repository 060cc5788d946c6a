import datetime as dt
from decimal import Decimal

import pytest

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.scoring import ledger, services
from civicloop.scoring.choices import AppealState, Grade, GradeMethod, PointItem
from civicloop.scoring.models import Appeal, PointEntry
from civicloop.scoring.standings import ScorePeriod, grade_for, standings
from civicloop.testing.events import local

pytestmark = pytest.mark.django_db


def by_name(rows):
    return {row.person.username: row for row in rows}


def test_a_quarter_total_is_the_base_of_the_role_plus_the_points_earned(world, rules, visit):
    for day in (3, 4, 5):
        visit(local(dt.date(2026, 2, day)))
    ledger.recompute()
    rows = by_name(standings(ScorePeriod.parse("2026Q1")))
    assert (rows["grid_worker"].base, rows["grid_worker"].earned) == (100, 3)
    assert rows["grid_worker"].total == 103
    assert rows["grid_worker"].county_rank == 1
    assert rows["red_butler"].total == 100
    assert rows["red_butler"].county_rank == 2  # tied with every other 100
    assert rows["grid_worker"].town == world.wuyuan
    # A month shows the points earned only; a year carries four quarters' base.
    assert by_name(standings(ScorePeriod.parse("2026-02")))["grid_worker"].total == 3
    assert by_name(standings(ScorePeriod.parse("2026")))["grid_worker"].total == 403


def test_the_rating_follows_the_thresholds_of_the_version_in_force(world, rules, visit):
    for day in range(1, 11):
        visit(local(dt.date(2026, 2, day)))
    ledger.recompute()
    rows = by_name(standings(ScorePeriod.parse("2026Q1")))
    assert rows["grid_worker"].grade == Grade.GOOD  # 110
    assert rows["red_butler"].grade == Grade.AVERAGE  # 100


def test_ratings_by_shares_give_the_top_share_good():
    version = type(
        "V",
        (),
        {
            "grade_cutoffs": {"good": 0.2, "fairly_good": 0.3, "average": 0.4},
            "grade_method": GradeMethod.SHARES,
        },
    )()
    grades = [grade_for(version, Decimal(0), rank, 10) for rank in range(1, 11)]
    assert grades == [Grade.GOOD] * 2 + [Grade.FAIRLY_GOOD] * 3 + [Grade.AVERAGE] * 4 + [Grade.POOR]


def test_town_ranks_count_only_the_town(world, rules, visit):
    visit(local(dt.date(2026, 2, 3)), by=world.ganpu_grid_worker, region=world.ganpu_grid)
    visit(local(dt.date(2026, 2, 3)))
    visit(local(dt.date(2026, 2, 4)))
    ledger.recompute()
    rows = by_name(standings(ScorePeriod.parse("2026Q1")))
    assert (rows["grid_worker"].county_rank, rows["grid_worker"].town_rank) == (1, 1)
    assert (rows["ganpu_grid_worker"].county_rank, rows["ganpu_grid_worker"].town_rank) == (2, 1)


def test_a_town_sees_its_own_staff_and_the_county_sees_all(world, rules):
    town = {
        row.person.username
        for row in standings(ScorePeriod(2026, 1), viewer=world.wuyuan_dispatcher)
    }
    county = {row.person.username for row in standings(ScorePeriod(2026, 1), viewer=world.centre)}
    assert "grid_worker" in town and "ganpu_grid_worker" not in town
    assert {"grid_worker", "ganpu_grid_worker"} <= county


def test_a_grid_worker_sees_only_their_own_points(world, rules, visit):
    visit(local(dt.date(2026, 2, 3)))
    visit(local(dt.date(2026, 2, 3)), by=world.red_butler)
    ledger.recompute()
    assert {e.person for e in PointEntry.objects.visible_to(world.grid_worker)} == {
        world.grid_worker
    }
    assert {row.person for row in standings(ScorePeriod(2026, 1), viewer=world.grid_worker)} == {
        world.grid_worker
    }
    assert PointEntry.objects.visible_to(world.ganpu_dispatcher).count() == 0
    assert PointEntry.objects.visible_to(world.wuyuan_dispatcher).count() == 2


@pytest.fixture
def entry(world, rules, visit):
    visit(local(dt.date(2026, 2, 3)))
    ledger.recompute()
    return PointEntry.objects.get(person=world.grid_worker)


def test_an_upheld_appeal_changes_the_point_with_an_audit_entry(world, entry):
    appeal = services.file_appeal(entry, by=world.grid_worker, reason="当日走访两处，只记一次")
    services.decide_appeal(
        appeal, by=world.wuyuan_dispatcher, upheld=True, decision="核实属实", points="2"
    )
    appeal.refresh_from_db()
    assert appeal.state == AppealState.UPHELD
    assert appeal.adjustment.points == 1 and appeal.adjustment.item == PointItem.APPEAL_ADJUSTMENT
    assert appeal.adjustment.source == appeal
    rows = by_name(standings(ScorePeriod.parse("2026Q1")))
    assert rows["grid_worker"].earned == 2
    last = appeal.history.last()
    assert (last.action, last.from_state, last.to_state) == ("uphold", "filed", "upheld")
    assert last.actor == world.wuyuan_dispatcher
    assert last.details["points_before"] == "1.00" and last.details["points_after"] == "2.00"
    assert last.row_mac  # tamper-evident (core/history.py)
    # Recomputing keeps the adjustment: it is the appeal's, not the ledger's.
    ledger.recompute()
    assert by_name(standings(ScorePeriod.parse("2026Q1")))["grid_worker"].earned == 2


def test_a_rejected_appeal_leaves_the_points(world, entry):
    appeal = services.file_appeal(entry, by=world.grid_worker, reason="请复核")
    services.decide_appeal(appeal, by=world.centre, upheld=False, decision="记录无误")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.REJECTED and appeal.adjustment is None
    assert [h.action for h in appeal.history.all()] == ["file", "reject"]
    assert PointEntry.objects.filter(person=world.grid_worker).count() == 1


def test_only_the_person_appeals_and_only_their_supervisors_decide(world, entry):
    with pytest.raises(NotPermitted):
        services.file_appeal(entry, by=world.red_butler, reason="代为申诉")
    appeal = services.file_appeal(entry, by=world.grid_worker, reason="请复核")
    for outsider in (world.ganpu_dispatcher, world.grid_worker, world.red_butler):
        with pytest.raises(NotPermitted):
            services.decide_appeal(appeal, by=outsider, upheld=False, decision="无权")
    with pytest.raises(InvalidInput):
        services.file_appeal(entry, by=world.grid_worker, reason="再次申诉")
    assert Appeal.objects.get().state == AppealState.FILED


def test_a_rule_version_refuses_unknown_items_and_a_second_version_on_one_day(world, rules):
    with pytest.raises(InvalidInput) as refused:
        services.add_rule_version(
            by=world.centre, effective_from=dt.date(2026, 7, 1), base_scores={}, points={"bribe": 9}
        )
    assert refused.value.field == "points"
    with pytest.raises(InvalidInput) as refused:
        services.add_rule_version(
            by=world.centre, effective_from=dt.date(2026, 1, 1), base_scores={}, points={}
        )
    assert refused.value.field == "effective_from"


def test_an_outcome_is_recorded_with_who_and_when(world, rules):
    outcome = services.record_outcome(
        by=world.wuyuan_dispatcher,
        person=world.grid_worker,
        kind="rating",
        year=2026,
        quarter=1,
        grade=Grade.GOOD,
    )
    assert (outcome.recorded_by, outcome.grade) == (world.wuyuan_dispatcher, Grade.GOOD)
    with pytest.raises(NotPermitted):
        services.record_outcome(
            by=world.ganpu_dispatcher, person=world.grid_worker, kind="promotion", year=2026
        )
