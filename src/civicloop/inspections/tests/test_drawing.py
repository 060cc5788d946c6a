"""The 双随机 draw: reproducible, stratified by risk grade, 回避, two officers, load spread."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest

from civicloop.inspections.drawing import (
    ALGORITHM_VERSION,
    MIN_OFFICERS_PER_VISIT,
    DrawError,
    InspectorRow,
    SubjectRow,
    draw,
    inputs_hash,
    stratum_size,
)


def subjects_of(counts: dict[str, int]) -> list[SubjectRow]:
    rows = []
    for grade, count in counts.items():
        for n in range(count):
            sid = f"{grade}{n:03d}"
            rows.append(SubjectRow(sid, f"USCC{sid}", f"企业{sid}", "餐饮", "330424001", grade))
    return rows


def inspectors_of(count: int, *, qualification="食品", conflicts=None) -> list[InspectorRow]:
    conflicts = conflicts or {}
    return [
        InspectorRow(
            f"I{n:02d}",
            "SCJ" if n % 2 else "ZHZF",
            frozenset({qualification}),
            frozenset(conflicts.get(f"I{n:02d}", ())),
            3,
        )
        for n in range(count)
    ]


RATIOS = {"A": Decimal("0.05"), "B": Decimal("0.1"), "C": Decimal("0.3"), "D": Decimal("1")}


def test_the_same_inputs_and_seed_give_the_same_draw_whatever_the_row_order():
    subjects = subjects_of({"A": 40, "B": 30, "C": 20, "D": 5})
    inspectors = inspectors_of(12)
    first = draw(subjects, inspectors, ratios=RATIOS, seed="2026-03")
    shuffled_subjects, shuffled_inspectors = subjects[:], inspectors[:]
    random.Random(1).shuffle(shuffled_subjects)
    random.Random(2).shuffle(shuffled_inspectors)
    again = draw(
        shuffled_subjects,
        shuffled_inspectors,
        ratios=dict(reversed(list(RATIOS.items()))),
        seed="2026-03",
    )
    assert again == first
    assert first.algorithm_version == ALGORITHM_VERSION
    assert first.seed == "2026-03"
    assert first.inputs_hash == inputs_hash(
        subjects, inspectors, RATIOS, inspectors_per_subject=MIN_OFFICERS_PER_VISIT
    )


def test_another_seed_draws_other_subjects():
    subjects = subjects_of({"A": 200})
    inspectors = inspectors_of(6)
    one = {p.subject_id for p in draw(subjects, inspectors, ratios={"A": 0.5}, seed=1).picks}
    two = {p.subject_id for p in draw(subjects, inspectors, ratios={"A": 0.5}, seed=2).picks}
    assert len(one) == len(two) == 100 and one != two


def test_the_inputs_hash_changes_with_any_row_but_not_with_the_ratio_spelling():
    subjects = subjects_of({"A": 3})
    inspectors = inspectors_of(3)
    base = inputs_hash(subjects, inspectors, {"A": 0.1})
    assert base == inputs_hash(subjects, inspectors, {"A": Decimal("0.10")})
    changed = [*subjects[:-1], SubjectRow("A002", "USCCA002", "改名", "餐饮", "330424001", "A")]
    assert inputs_hash(changed, inspectors, {"A": 0.1}) != base
    assert inputs_hash(subjects, inspectors, {"A": 0.2}) != base
    assert inputs_hash(subjects, inspectors, {"A": 0.1}, qualification="食品") != base


@pytest.mark.parametrize(
    ("ratio", "population", "expected"),
    [("0.1", 15, 2), ("0.1", 10, 1), ("0.1", 1, 1), ("0", 50, 0), ("1", 7, 7), ("0.3", 10, 3)],
)
def test_each_stratum_draws_its_ratio_rounded_up(ratio, population, expected):
    assert stratum_size(Decimal(ratio), population) == expected


def test_strata_are_risk_grades_drawn_by_their_own_ratio():
    subjects = subjects_of({"A": 40, "B": 30, "C": 20, "D": 5})
    result = draw(subjects, inspectors_of(12), ratios=RATIOS, seed=9)
    counts = Counter(p.stratum for p in result.picks)
    assert counts == {"A": 2, "B": 3, "C": 6, "D": 5}
    grade = {s.subject_id: s.risk_grade for s in subjects}
    assert all(grade[p.subject_id] == p.stratum for p in result.picks)
    assert len({p.subject_id for p in result.picks}) == len(result.picks)


def test_a_stratum_without_a_ratio_is_not_drawn_and_a_minimum_raises_a_small_stratum():
    subjects = subjects_of({"A": 40, "B": 30})
    result = draw(
        subjects, inspectors_of(4), ratios={"A": 0.01}, seed=3, minimum_per_stratum={"A": 5}
    )
    assert Counter(p.stratum for p in result.picks) == {"A": 5}


def test_every_drawn_subject_gets_two_inspectors_none_with_a_conflict():
    subjects = subjects_of({"D": 30})
    conflicts = {"I00": {"D000", "D001", "D002"}, "I01": {"D000"}}
    result = draw(subjects, inspectors_of(4, conflicts=conflicts), ratios={"D": 1}, seed="x")
    assert len(result.picks) == 30
    for pick in result.picks:
        assert len(pick.inspector_ids) == 2 == len(set(pick.inspector_ids))
        for inspector_id in pick.inspector_ids:
            assert pick.subject_id not in conflicts.get(inspector_id, ())
    by_subject = {p.subject_id: p.inspector_ids for p in result.picks}
    assert set(by_subject["D000"]) == {"I02", "I03"}


def test_the_load_is_spread_evenly_over_the_pool():
    result = draw(subjects_of({"C": 50}), inspectors_of(10), ratios={"C": 1}, seed=5)
    load = Counter(i for p in result.picks for i in p.inspector_ids)
    assert sum(load.values()) == 100 and max(load.values()) - min(load.values()) <= 1


def test_only_holders_of_the_qualification_are_drawn():
    inspectors = [
        *inspectors_of(3, qualification="消防"),
        *[
            InspectorRow(f"F{n}", "XF", frozenset({"食品", "消防"}), frozenset(), 2)
            for n in range(2)
        ],
    ]
    result = draw(subjects_of({"B": 8}), inspectors, ratios={"B": 1}, seed=1, qualification="食品")
    assert {i for p in result.picks for i in p.inspector_ids} == {"F0", "F1"}


def test_a_subject_whose_conflicts_leave_too_few_inspectors_is_named():
    conflicts = {"I00": {"A001"}}
    with pytest.raises(DrawError) as caught:
        draw(subjects_of({"A": 3}), inspectors_of(2, conflicts=conflicts), ratios={"A": 1}, seed=1)
    assert "A001" in str(caught.value) and "回避" in str(caught.value)


def test_fewer_than_two_inspectors_per_subject_is_refused():
    with pytest.raises(DrawError) as caught:
        draw(
            subjects_of({"A": 3}),
            inspectors_of(4),
            ratios={"A": 1},
            seed=1,
            inspectors_per_subject=1,
        )
    assert "行政处罚法" in str(caught.value)


@pytest.mark.parametrize("ratio", [Decimal("1.5"), -0.1])
def test_a_ratio_outside_zero_to_one_is_refused_naming_the_stratum(ratio):
    with pytest.raises(DrawError) as caught:
        draw(subjects_of({"A": 3}), inspectors_of(4), ratios={"B": ratio}, seed=1)
    assert "B" in str(caught.value)


def test_a_subject_listed_twice_is_refused():
    subjects = subjects_of({"A": 2})
    with pytest.raises(DrawError) as caught:
        draw([*subjects, subjects[0]], inspectors_of(4), ratios={"A": 1}, seed=1)
    assert "A000" in str(caught.value)


def test_rotation_puts_last_times_inspectors_after_everyone_else():
    subjects = subjects_of({"A": 1})
    inspectors = inspectors_of(4)
    first = draw(subjects, inspectors, ratios={"A": 1}, seed=1).picks[0].inspector_ids
    rotated = draw(subjects, inspectors, ratios={"A": 1}, seed=1, recent={"A000": first})
    assert set(rotated.picks[0].inspector_ids).isdisjoint(first)
    assert rotated.inputs_hash != draw(subjects, inspectors, ratios={"A": 1}, seed=1).inputs_hash


def test_rotation_gives_way_when_the_pool_is_too_small_without_last_times_inspectors():
    subjects = subjects_of({"A": 1})
    inspectors = inspectors_of(3)
    result = draw(subjects, inspectors, ratios={"A": 1}, seed=1, recent={"A000": ["I00", "I01"]})
    assert "I02" in result.picks[0].inspector_ids and len(result.picks[0].inspector_ids) == 2
