"""The case figures (cases/kpis.py) against hand-counted cases: which date puts a case in a period
(local days, Asia/Shanghai), which place puts it in a town, last year's month for comparison, the
pre-aggregated buckets agreeing with the records, and the drill-down listing the cases counted.

Cases are written as rows with the dates that matter, not walked through the services (the
service journeys are in test_lifecycle / test_legal_review); every number below is counted by hand
from the table in :func:`june`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from types import SimpleNamespace

import pytest
from django.utils import translation

from civicloop.cases.choices import CaseSource, CaseState, Opinion, Outcome, Procedure, ReviewState
from civicloop.cases.models import Case, LegalReview, ReviewSeat
from civicloop.core.figures import Period, figures
from civicloop.testing.cases import local

JUNE = Period.month(2026, 6)
SIMPLE, ORDINARY = Procedure.SIMPLE, Procedure.ORDINARY


def value(name: str, period: Period = JUNE, region=None):
    return figures.get(f"cases.{name}").value(period, region)


def make(cw, number, *, unit=None, region=None, procedure=ORDINARY, filed, closed=None, decided=None,
         outcome="", empowered=False, state=None):  # fmt: skip
    return Case.objects.create(
        number=number,
        title=number,
        handling_unit=unit or cw.wuyuan_squad,
        region=region,
        procedure=procedure,
        source=CaseSource.DIRECT,
        facts="—",
        violation_date=dt.date(2025, 1, 1),
        filed_by=cw.wuyuan_officer,
        filed_at=local(filed),
        decided_at=local(decided) if decided else None,
        closed_at=local(closed) if closed else None,
        outcome=outcome,
        is_empowered=empowered,
        state=state or (CaseState.CLOSED if closed else CaseState.DECIDED),
    )


def review(cw, case, *, concluded, qualified):
    approved = LegalReview.objects.create(
        case=case,
        state=ReviewState.APPROVED,
        requested_by=cw.wuyuan_officer,
        concluded_at=local(concluded),
    )
    ReviewSeat.objects.create(
        review=approved,
        reviewer=cw.legal_reviewer,
        unit=cw.dept_zhzf,
        role="reviewer",
        opinion=Opinion.APPROVE,
        qualified=qualified,
    )


@pytest.fixture
def june(case_world):
    """武原 (wuyuan) and 澉浦 (ganpu) cases around June 2026:

    ====  ======  =========  ===========  =================  ==================  ===========
    case  place   procedure  filed        decided            closed              days
    ====  ======  =========  ===========  =================  ==================  ===========
    A     wuyuan  ordinary   05-22 00:30  05-30 (penalty)    06-01 00:30         10
    B     ganpu   ordinary   06-10 23:30  06-20 no penalty*  06-30 23:30         20
    C     wuyuan  simple     06-15 09:00  06-15 (penalty)*   06-15 18:36         0.4
    E     ganpu†  ordinary   06-01 08:00  06-05 no penalty   06-11 08:00         10
    D1    wuyuan  ordinary   05-01        —                  05-31 23:50         (May)
    D2    wuyuan  ordinary   05-01        —                  07-01 00:10         (July)
    F     wuyuan  ordinary   06-20        withdrawn          —
    I     wuyuan  ordinary   06-01        06-30 23:59 no penalty*  (open)
    J     wuyuan  ordinary   06-01        07-01 00:01 no penalty*  (open)
    G     wuyuan  ordinary   2025-03-17   —                  2025-06-15          90
    ====  ======  =========  ===========  =================  ==================  ===========

    \\* empowered (a town squad's delegated case). † a county department's case placed in a
    village of 澉浦 (so it is 澉浦's). B's review was approved by a qualified reviewer, I's by a
    reviewer without the qualification."""
    cw = case_world
    cases = SimpleNamespace(
        A=make(cw, "A", filed=dt.datetime(2026, 5, 22, 0, 30), decided=dt.datetime(2026, 5, 30, 9),
               outcome=Outcome.PENALTY, closed=dt.datetime(2026, 6, 1, 0, 30)),
        B=make(cw, "B", unit=cw.ganpu_squad, filed=dt.datetime(2026, 6, 10, 23, 30),
               decided=dt.datetime(2026, 6, 20, 10), outcome=Outcome.NO_PENALTY, empowered=True,
               closed=dt.datetime(2026, 6, 30, 23, 30)),
        C=make(cw, "C", procedure=SIMPLE, filed=dt.datetime(2026, 6, 15, 9),
               decided=dt.datetime(2026, 6, 15, 9), outcome=Outcome.PENALTY, empowered=True,
               closed=dt.datetime(2026, 6, 15, 18, 36)),
        E=make(cw, "E", unit=cw.dept_zhzf, region=cw.ganpu_village,
               filed=dt.datetime(2026, 6, 1, 8), decided=dt.datetime(2026, 6, 5, 8),
               outcome=Outcome.NO_PENALTY, closed=dt.datetime(2026, 6, 11, 8)),
        D1=make(cw, "D1", filed=dt.datetime(2026, 5, 1, 9),
                closed=dt.datetime(2026, 5, 31, 23, 50)),
        D2=make(cw, "D2", filed=dt.datetime(2026, 5, 1, 9), closed=dt.datetime(2026, 7, 1, 0, 10)),
        F=make(cw, "F", filed=dt.datetime(2026, 6, 20, 9), state=CaseState.WITHDRAWN),
        I=make(cw, "I", filed=dt.datetime(2026, 6, 1, 9), decided=dt.datetime(2026, 6, 30, 23, 59),
               outcome=Outcome.NO_PENALTY, empowered=True),
        J=make(cw, "J", filed=dt.datetime(2026, 6, 1, 9), decided=dt.datetime(2026, 7, 1, 0, 1),
               outcome=Outcome.NO_PENALTY, empowered=True),
        G=make(cw, "G", filed=dt.datetime(2025, 3, 17, 12), closed=dt.datetime(2025, 6, 15, 12)),
    )  # fmt: skip
    review(cw, cases.B, concluded=dt.datetime(2026, 6, 18, 10), qualified=True)
    review(cw, cases.I, concluded=dt.datetime(2026, 6, 29, 10), qualified=False)
    return cw


def test_days_to_close_count_the_cases_closed_on_a_local_day_of_the_period(june):
    # A (10), B (20), C (0.4), E (10); D1 closed at 23:50 on 31 May and D2 at 00:10 on 1 July
    # local time — the same UTC day as June's edges — are outside.
    assert value("avg_closing_days_overall") == 10.1
    assert value("avg_closing_days") == {"simple": 0.4, "fast_track": None, "ordinary": 13.3}
    assert value("closed_cases") == {"simple": 1, "fast_track": 0, "ordinary": 3}
    assert value("closed_cases", Period.month(2026, 7)) == {"simple": 0, "fast_track": 0,
                                                             "ordinary": 1}  # fmt: skip


def test_a_town_counts_the_cases_in_its_own_area_not_a_neighbours(june):
    cw = june
    # 武原: A and C. 澉浦: B and E — E is a county department's case placed in 澉浦's village.
    assert value("avg_closing_days_overall", region=cw.wuyuan) == 5.2
    assert value("avg_closing_days_overall", region=cw.ganpu) == 15.0
    assert value("closed_cases", region=cw.ganpu) == {"simple": 0, "fast_track": 0, "ordinary": 2}
    assert value("no_penalty_decisions", region=cw.wuyuan) == 1  # I
    assert value("no_penalty_decisions", region=cw.ganpu) == 2  # B, E
    assert value("no_penalty_decisions", region=cw.ganpu_village) == 1  # E only
    assert value("no_penalty_decisions", region=cw.county) == 3


def test_decisions_count_by_the_local_decision_day(june):
    # No penalty: B, E and I (23:59 on 30 June); J (00:01 on 1 July) is July's.
    assert value("no_penalty_decisions") == 3
    assert value("no_penalty_decisions", Period.month(2026, 7)) == 1
    # Empowered cases decided: B, C (simple procedure too) and I.
    assert value("empowered_cases_decided") == 3
    # Of B and I (C's on-the-spot decision is not reviewed), B's reviewer was qualified.
    assert value("qualified_review_share") == 0.5
    assert value("qualified_review_share", region=june.ganpu) == 1.0
    assert value("qualified_review_share", region=june.wuyuan) == 0.0
    assert value("qualified_review_share", Period.month(2026, 8)) is None


def test_filed_cases_count_withdrawn_cases_too(june):
    # B, C, E, F (withdrawn), I, J; A, D1 and D2 were filed in May.
    assert value("filed_cases") == {"simple": 1, "fast_track": 0, "ordinary": 5}


def test_last_years_month_is_the_comparison(june):
    assert JUNE.last_year() == Period.month(2025, 6)
    assert value("avg_closing_days_overall", JUNE.last_year()) == 90.0  # G
    assert value("avg_closing_days", JUNE.last_year())["ordinary"] == 90.0


def test_the_buckets_of_each_measured_figure_add_up_to_its_value(june):
    measured = [f for f in figures.of("cases") if f.measure is not None]
    assert {f.name for f in measured} >= {"avg_closing_days", "qualified_review_share"}
    for period in (JUNE, Period.month(2026, 7), Period.year(2026)):
        for figure in measured:
            totals = defaultdict(lambda: [0, 0])
            for bucket in figure.measure.buckets(period):
                totals[bucket.part][0] += bucket.numerator
                totals[bucket.part][1] += bucket.denominator
            summed = figure.measure.finish({k: tuple(v) for k, v in totals.items()})
            assert summed == figure.value(period), figure.key


def test_the_buckets_put_each_case_in_its_town(june):
    buckets = list(figures.get("cases.no_penalty_decisions").measure.buckets(JUNE))
    by_town = defaultdict(int)
    for bucket in buckets:
        by_town[bucket.town] += bucket.numerator
    assert dict(by_town) == {"330424001": 1, "330424105": 2}


def listed(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    return {number for number in "A B C E D1 D2 F I J G".split() if f'data-case="{number}"' in page}


def test_each_figure_drills_down_to_the_cases_it_counts(june, client):
    client.force_login(june.users["centre"])
    closed = figures.get("cases.avg_closing_days_overall")
    assert listed(client, closed.records_url(JUNE)) == {"A", "B", "C", "E"}
    assert listed(client, closed.records_url(JUNE, june.ganpu)) == {"B", "E"}
    no_penalty = figures.get("cases.no_penalty_decisions")
    assert listed(client, no_penalty.records_url(JUNE)) == {"B", "E", "I"}
    share = figures.get("cases.qualified_review_share")
    assert listed(client, share.records_url(JUNE)) == {"B", "I"}
    empowered = figures.get("cases.empowered_cases_decided")
    assert listed(client, empowered.records_url(JUNE, june.wuyuan)) == {"C", "I"}
    filed = figures.get("cases.filed_cases")
    assert listed(client, filed.records_url(JUNE)) == {"B", "C", "E", "F", "I", "J"}


def test_every_case_figure_has_a_label_a_definition_a_direction_and_a_drill_down(db):
    for figure in figures.of("cases"):
        # The English source: Chinese says the same in fewer characters.
        with translation.override("en"):
            assert len(str(figure.definition)) > 80, figure.key
        assert figure.label, figure.key
        assert figure.records is not None and figure.regional, figure.key
        assert figure.better in ("up", "down", None), figure.key


def test_the_api_lists_the_same_cases_with_the_same_filters(june, client):
    client.force_login(june.users["centre"])

    def numbers(**params):
        response = client.get("/api/cases/", params)
        assert response.status_code == 200
        return {row["number"] for row in response.json()["results"]}

    assert numbers(closed_after="2026-06-01", closed_before="2026-06-30") == {"A", "B", "C", "E"}
    assert numbers(decided_after="2026-07-01", outcome=Outcome.NO_PENALTY) == {"J"}
    assert numbers(procedure=[SIMPLE], region=june.wuyuan.code) == {"C"}
    assert numbers(region=june.ganpu_village.code) == {"E"}
    assert numbers(region="330424999000") == set()  # no such place: nothing, not everything
