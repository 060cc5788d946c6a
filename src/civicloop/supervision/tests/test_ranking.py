import datetime as dt

import pytest

from civicloop.events import services
from civicloop.events.choices import EventState
from civicloop.supervision import access
from civicloop.supervision.choices import ListKind
from civicloop.supervision.ranking import compute_ranking
from civicloop.testing.cases import at
from civicloop.testing.journeys import report, walk

from . import records

MARCH = dt.date(2026, 3, 1)
pytestmark = pytest.mark.django_db


def test_the_ranking_scores_each_unit_from_its_records_with_the_reasons(march, sv):
    ranking = compute_ranking(MARCH)
    squad = ranking.of(sv.wuyuan_squad)
    assert (squad.due, squad.overdue, squad.done, squad.done_on_time) == (2, 1, 1, 1)
    assert squad.returns == 2
    assert squad.repeated_events == [march["returned"].number]
    assert (squad.ratings, squad.satisfied) == (1, 1)
    # 100 − 40 × 50% overdue − 3 × 2 returns − 10 × 1 event returned repeatedly
    assert squad.score == 64.0
    reasons = "\n".join(squad.reasons())
    assert "50%" in reasons and march["returned"].number in reasons
    good = ranking.of(sv.ganpu_squad)
    assert good.score == 100.0 and good.rank == 1
    assert "100%" in good.reasons()[0]


def test_the_red_and_black_lists_follow_the_configured_thresholds(march, sv, settings):
    ranking = compute_ranking(MARCH)
    assert [r.unit for r in ranking.red] == [sv.ganpu_squad]
    assert [r.unit for r in ranking.black] == [sv.wuyuan_squad]
    settings.CIVICLOOP_SUPERVISION = {"black_list_max_score": 60, "red_list_min_score": 101}
    ranking = compute_ranking(MARCH)
    assert ranking.red == [] and ranking.black == []
    assert ranking.of(sv.wuyuan_squad).list == ""


def test_a_month_counts_only_its_own_records(march, sv):
    april = compute_ranking(dt.date(2026, 4, 1))
    # Nothing was assigned, due, done, returned or rated in April.
    assert april.of(sv.ganpu_squad) is None
    feb = compute_ranking(dt.date(2026, 2, 1))
    assert feb.results == []


def test_rework_counts_against_the_lead_unit(sv):
    with at(dt.datetime(2026, 3, 31, 23, 0)):
        event = walk(sv, report(sv), EventState.FEEDBACK_SUBMITTED)
        services.check_event(event, by=sv.wuyuan_dispatcher, passed=False, notes="未整改到位")
    assert compute_ranking(MARCH).of(sv.wuyuan_squad).reworks == 1
    # April counts the reopened work as due, not the rework of March.
    assert compute_ranking(dt.date(2026, 4, 1)).of(sv.wuyuan_squad).reworks == 0


def test_a_town_leader_sees_the_units_of_their_town_and_the_county_all(march, sv):
    ranking = compute_ranking(MARCH)
    town = {r.unit for r in ranking.visible_to(sv.wuyuan_leader)}
    county = {r.unit for r in ranking.visible_to(sv.leader)}
    assert sv.wuyuan_squad in town and sv.ganpu_squad not in town
    assert {sv.wuyuan_squad, sv.ganpu_squad} <= county
    assert ranking.visible_to(sv.grid_worker) == []
    assert access.scope_of(sv.wuyuan_leader).covers(sv.wuyuan_squad.region.code)


def test_ties_share_a_rank(sv):
    records.done_on_time(sv, MARCH)
    records.done_on_time(sv, MARCH, town="wuyuan")
    ranking = compute_ranking(MARCH)
    assert [r.rank for r in ranking.results] == [1, 1]
    assert all(r.list == ListKind.RED for r in ranking.results)
