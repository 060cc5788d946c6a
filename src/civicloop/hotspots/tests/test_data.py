"""The shipped data: the labelled pairs, the real messages they name, the reference
table, and the measured quality the docs report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from civicloop.hotspots import evaluation, similarity

SHARED = Path(__file__).resolve().parents[5] / "shared" / "data" / "complaints"


def test_every_labelled_pair_names_two_real_messages_and_a_label():
    pairs = evaluation.load_pairs()
    messages = evaluation.load_messages()

    assert len(pairs) == 324 and len(messages) == 4326
    assert {p.label for p in pairs} == {0, 1}
    assert all(p.a in messages and p.b in messages and p.a != p.b for p in pairs)
    assert len({(p.a, p.b) for p in pairs}) == len(pairs)
    assert all(p.note for p in pairs)


def test_the_strata_are_consistent():
    pairs = evaluation.load_pairs()
    sampled = Counter(p.stratum for p in pairs)
    for p in pairs:
        assert p.stratum_sampled == sampled[p.stratum] and p.stratum_pairs >= p.stratum_sampled
    population = sum({p.stratum: p.stratum_pairs for p in pairs}.values())
    assert population == 957_425


def test_the_reference_table_holds_characters_and_pairs_of_2816_messages():
    ref = similarity.reference()

    assert ref.documents == 2816 and len(ref.df) > 50_000
    assert min(ref.df.values()) >= 2
    assert ref.idf("的") < ref.idf("占道") < ref.idf("从未见过的词")


@pytest.mark.skipif(
    not (SHARED / "messages_with_replies.csv").exists(), reason="the shared data folder is absent"
)
def test_the_reference_table_is_rebuilt_identically_from_its_source():
    rebuilt = similarity.build_reference(
        similarity.read_messages(SHARED / "messages_with_replies.csv")
    )

    assert rebuilt == similarity.reference()


def test_the_measured_quality_is_what_the_docs_say():
    result = evaluation.evaluate_duplicates(0.18, rounds=50)

    assert result.at_threshold.precision == pytest.approx(0.856, abs=0.002)
    assert result.at_threshold.recall == pytest.approx(0.947, abs=0.002)
    assert result.best.threshold == pytest.approx(0.18, abs=0.011)


def test_similar_texts_score_high_and_unrelated_ones_low():
    bbq = "小区北门烧烤店每天营业到凌晨，油烟直排，顾客喧哗"
    assert similarity.similarity(bbq, "小区北门那家烧烤店每晚经营到凌晨，油烟很大，很吵") > 0.4
    assert similarity.similarity(bbq, "路口井盖破损下陷，车辆经过颠簸") < 0.05
    assert similarity.similarity("", bbq) == 0.0
