"""The reconsideration and litigation figures against a hand-counted world: which date puts a
challenge in a period (filed_on for the count and the rate's numerator, the decision's local
day for its denominator, decided_on for the corrections), which place puts it in a town, and the
rates' bases.

==== ======= =========================== ====================================================
case town    decided                     challenges (kind, filed → outcome on)
==== ======= =========================== ====================================================
P5   wuyuan  2025-12-31 23:30 penalty    C4 recon 2025-12-31 → varied 2026-01-15
                                         C1 recon 2026-01-05 → revoked 2026-03-31
P1   wuyuan  2026-01-10 penalty          C2 suit 2026-02-01 → upheld 2026-04-01;
                                         C6 appeal 2026-04-05 pending
P2   wuyuan  2026-02-15 penalty          C5 suit 2026-02-20 → withdrawn 2026-03-10
P3   ganpu   2026-03-01 reduced penalty  C3 recon 2026-03-31 pending
P4   wuyuan  2026-03-20 no penalty       —
P6-8 wuyuan  2026-02 penalty             —
==== ======= =========================== ====================================================
"""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.cases.choices import Outcome
from civicloop.core.figures import Period, figures
from civicloop.discretion import proceedings as services
from civicloop.discretion.models import ChallengeKind as K
from civicloop.discretion.models import ChallengeOutcome as O

from .proceedings_helpers import decided

Q1, Q2 = Period.quarter(2026, 1), Period.quarter(2026, 2)


def value(name: str, period: Period = Q1, region=None):
    return figures.get(f"discretion.{name}").value(period, region)


def challenge(cw, case, kind, filed, outcome=O.PENDING, decided_on=None):
    return services.record_challenge(
        case, by=cw.legal_reviewer, kind=kind, body="海盐县人民政府", filed_on=filed,
        outcome=outcome, decided_on=decided_on,
    )  # fmt: skip


@pytest.fixture
def world(case_world):
    cw = case_world
    d = dt.date
    p5 = decided(cw, "P5", decided=dt.datetime(2025, 12, 31, 23, 30))
    p1 = decided(cw, "P1", decided=dt.datetime(2026, 1, 10, 10))
    p2 = decided(cw, "P2", decided=dt.datetime(2026, 2, 15, 10))
    p3 = decided(cw, "P3", decided=dt.datetime(2026, 3, 1, 10), unit=cw.ganpu_squad,
                 outcome=Outcome.REDUCED_PENALTY)  # fmt: skip
    decided(cw, "P4", decided=dt.datetime(2026, 3, 20, 10), outcome=Outcome.NO_PENALTY)
    for n in (6, 7, 8):
        decided(cw, f"P{n}", decided=dt.datetime(2026, 2, n, 10))
    challenge(cw, p5, K.RECONSIDERATION, d(2025, 12, 31), O.VARIED, d(2026, 1, 15))  # C4
    challenge(cw, p5, K.RECONSIDERATION, d(2026, 1, 5), O.REVOKED, d(2026, 3, 31))  # C1
    challenge(cw, p1, K.LITIGATION, d(2026, 2, 1), O.UPHELD, d(2026, 4, 1))  # C2
    challenge(cw, p1, K.APPEAL, d(2026, 4, 5))  # C6
    challenge(cw, p2, K.LITIGATION, d(2026, 2, 20), O.WITHDRAWN, d(2026, 3, 10))  # C5
    challenge(cw, p3, K.RECONSIDERATION, d(2026, 3, 31))  # C3
    return cw


def test_challenges_are_counted_by_the_day_they_were_filed(world):
    # C1, C2, C5, C3 — not C4 (filed 2025-12-31) nor C6 (April).
    assert value("reconsiderations_and_suits") == 4
    assert value("reconsiderations_and_suits", Q2) == 1
    assert value("reconsiderations_and_suits", Period.year(2025)) == 1
    assert value("reconsiderations_and_suits", Period.month(2026, 3)) == 1  # C3 on the 31st
    assert value("reconsiderations_and_suits", Period.month(2026, 4)) == 1  # C6 only


def test_challenges_are_placed_where_their_case_is(world):
    assert value("reconsiderations_and_suits", region=world.wuyuan) == 3
    assert value("reconsiderations_and_suits", region=world.ganpu) == 1
    assert value("reconsiderations_and_suits", region=world.county) == 4


def test_the_rate_divides_challenges_filed_by_penalty_decisions(world):
    # Penalty decisions in Q1: P1, P2, P3 (reduced), P6, P7, P8 = 6; P4 (no penalty) and P5
    # (31 December local) are not. 4 challenges ÷ 6 = 66.67 %.
    assert value("challenge_rate") == 66.67
    assert value("challenge_rate", region=world.wuyuan) == 60.0  # 3 ÷ 5
    assert value("challenge_rate", region=world.ganpu) == 100.0  # 1 ÷ 1
    # No penalty decided in Q2: no rate, though C6 was filed.
    assert value("challenge_rate", Q2) is None
    # 2025: C4 ÷ P5 (decided at 23:30 on the 31st, local).
    assert value("challenge_rate", Period.year(2025)) == 100.0


def test_decisions_lost_are_counted_by_the_day_they_were_decided(world):
    # C4 varied on 15 January and C1 revoked on 31 March; C5 withdrawn is not lost; C2's
    # judgment is in April and upheld.
    assert value("challenges_lost") == 2
    assert value("challenges_lost", Period.month(2026, 3)) == 1
    assert value("challenges_lost", Q2) == 0


def test_the_correction_rate_is_of_the_challenges_concluded(world):
    # Concluded in Q1: C4 (varied), C1 (revoked), C5 (withdrawn) → 2 of 3.
    assert value("correction_rate") == 0.6667
    # Q2: C2 upheld → 0 of 1; C6 pending is not concluded.
    assert value("correction_rate", Q2) == 0.0
    assert value("correction_rate", Period.year(2025)) is None


def test_the_cockpit_finds_the_key_its_report_table_expects(world):
    import json
    from pathlib import Path

    import civicloop.cockpit

    table = json.loads(
        (Path(civicloop.cockpit.__file__).parent / "data" / "haiyan_report.json").read_text()
    )
    keys = {row["key"] for row in table["figures"]}
    assert "discretion.reconsiderations_and_suits" in keys
    assert figures.find("discretion.reconsiderations_and_suits") is not None


def test_the_drill_down_lists_the_challenges_counted(world, client):
    client.force_login(world.leader)
    url = figures.get("discretion.challenges_lost").records_url(Q1)
    page = client.get(url).content.decode()
    assert page.count("data-challenge=") == 2
    url = figures.get("discretion.reconsiderations_and_suits").records_url(Q1, world.ganpu)
    assert client.get(url).content.decode().count("data-challenge=") == 1


def test_the_cockpit_rollups_bucket_challenges_by_the_day_they_were_filed(world):
    # The rollups group a date field by its own day (a date is no date and time to truncate).
    measure = figures.get("discretion.reconsiderations_and_suits").measure
    buckets = list(measure.buckets(Q1))
    assert sum(b.numerator for b in buckets) == value("reconsiderations_and_suits") == 4
    assert sorted(b.day for b in buckets) == [
        dt.date(2026, 1, 5), dt.date(2026, 2, 1), dt.date(2026, 2, 20), dt.date(2026, 3, 31),
    ]  # fmt: skip
