"""Duplicate detection on real messages: how the labelled sample was drawn, and how
other text similarities compare with the shipped one (docs/hotspots.md).

    .venv/bin/python bench/hotspots_duplicates.py [--check-sample] [--reference FILE]

``--check-sample`` rebuilds the candidate population and the stratified sample from
the messages and checks that it is exactly the pairs in
``src/civicloop/hotspots/data/duplicate_pairs_labelled.csv`` (same strata, same
sizes, same order). The sample was drawn *before* any pair was labelled; the labels
were then written by reading both messages of each pair, without the scores.

Without it, every similarity below is scored on the labelled pairs with the same
stratified weights as ``civicloop hotspots evaluate``; inverse document frequencies
come from the reference corpus (``messages_with_replies.csv``, disjoint from the
evaluation messages), never from the evaluation messages themselves.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import os
import random
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.settings")

import django  # noqa: E402

django.setup()

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from civicloop.hotspots import evaluation, similarity  # noqa: E402
from civicloop.router.text import _jieba, clean  # noqa: E402

DATA = REPO / "src" / "civicloop" / "hotspots" / "data"
SHARED = REPO.parent / "shared" / "data" / "complaints"
# The sampling design (fixed before labelling).
WINDOW_DAYS = 30
EDGES = [0, 0.08, 0.12, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.01]
SIZES = [24, 30, 30, 35, 35, 35, 35, 30, 25, 25, 20]
SAMPLE_SEED, ORDER_SEED = 20200, 7
DISTRICT = re.compile(r"[A-Z]\d{1,2}[区县市]")
TOKEN = re.compile(r"[\w\u4e00-\u9fff]")


def read_rows(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        return list(csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")))


def parse_time(raw: str) -> dt.datetime:
    raw = raw.strip().replace("-", "/")
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(raw, fmt)
        except ValueError:
            continue
    raise ValueError(raw)


def words(text: str) -> list[str]:
    return [w for w in _jieba().lcut(text) if w.strip() and TOKEN.search(w)]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def check_sample() -> None:
    rows = read_rows(DATA / "unlabelled_messages.csv.gz")
    ids = [r["留言编号"] for r in rows]
    texts = [clean(r["留言主题"]) + "。" + clean(r["留言详情"]) for r in rows]
    times = np.array([parse_time(r["留言时间"]).timestamp() for r in rows])
    chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(
        [squeeze(t) for t in texts]
    )
    tokens = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True).fit_transform(
        [words(t) for t in texts]
    )
    sc = (chars @ chars.T).toarray().astype(np.float32)
    sw = (tokens @ tokens.T).toarray().astype(np.float32)
    n = len(texts)
    iu = np.triu_indices(n, 1)
    within = np.abs(times[:, None] - times[None, :])[iu] / 86400 <= WINDOW_DAYS
    districts = [set(DISTRICT.findall(t)) for t in texts]
    conflict = np.array(
        [
            bool(districts[i] and districts[j] and not districts[i] & districts[j])
            for i, j in zip(*iu, strict=True)
        ]
    )
    keep = within & ~conflict
    first, second = iu[0][keep], iu[1][keep]
    score = np.maximum(sc[first, second], sw[first, second])
    rng = np.random.default_rng(SAMPLE_SEED)
    drawn = []
    for stratum, (low, high) in enumerate(zip(EDGES, EDGES[1:], strict=False)):
        members = np.nonzero((score >= low) & (score < high))[0]
        for k in rng.choice(members, size=SIZES[stratum], replace=False):
            drawn.append(
                (ids[first[k]], ids[second[k]], stratum, len(members), round(float(score[k]), 4))
            )
    order = list(range(len(drawn)))
    random.Random(ORDER_SEED).shuffle(order)
    drawn = [drawn[i] for i in order]
    committed = evaluation.load_pairs()
    assert len(drawn) == len(committed), (len(drawn), len(committed))
    for (a, b, stratum, size, sampling), pair in zip(drawn, committed, strict=True):
        assert (a, b, stratum, size) == (pair.a, pair.b, pair.stratum, pair.stratum_pairs), (
            pair.pair,
            a,
            b,
        )
        assert abs(sampling - pair.sampling_score) < 1e-3, (
            pair.pair,
            sampling,
            pair.sampling_score,
        )
    print(
        f"population {int(keep.sum())} pairs; the {len(drawn)} sampled pairs match the committed file."
    )


def compare(reference_file: Path) -> None:
    pairs = evaluation.load_pairs()
    messages = evaluation.load_messages()
    reference = [
        similarity.event_text(r["留言主题"], r["留言详情"]) for r in read_rows(reference_file)
    ]
    labels = np.array([p.label for p in pairs], dtype=float)
    weights = np.array([p.weight for p in pairs])
    a = [messages[p.a].text for p in pairs]
    b = [messages[p.b].text for p in pairs]

    def fitted(vectoriser):
        vectoriser.fit(reference)
        left, right = vectoriser.transform(a), vectoriser.transform(b)
        return np.asarray(left.multiply(right).sum(axis=1)).ravel()

    def letters(text):
        return similarity.normalise(text)

    def jaccard(text_a, text_b):
        x, y = (set(g for g in similarity.grams(t) if len(g) == 2) for t in (text_a, text_b))
        return len(x & y) / max(1, len(x | y))

    ref = similarity.reference()
    methods = {
        "shipped: characters 1–2, TF-IDF (reference table)": np.array(
            [similarity.cosine(ref.vector(x), ref.vector(y)) for x, y in zip(a, b, strict=True)]
        ),
        "characters 2, TF-IDF": fitted(
            TfidfVectorizer(
                analyzer="char", ngram_range=(2, 2), sublinear_tf=True, preprocessor=letters
            )
        ),
        "characters 1–3, TF-IDF": fitted(
            TfidfVectorizer(
                analyzer="char", ngram_range=(1, 3), sublinear_tf=True, preprocessor=letters
            )
        ),
        "characters 1–2, TF only (no IDF)": fitted(
            TfidfVectorizer(
                analyzer="char",
                ngram_range=(1, 2),
                sublinear_tf=True,
                use_idf=False,
                preprocessor=letters,
            )
        ),
        "jieba words, TF-IDF": fitted(TfidfVectorizer(analyzer=words, sublinear_tf=True)),
        "character pairs, Jaccard": np.array([jaccard(x, y) for x, y in zip(a, b, strict=True)]),
    }
    print(f"{'method':52s} {'threshold':>9s} {'precision':>9s} {'recall':>7s} {'F1':>6s}")
    for name, scores in methods.items():
        best = evaluation.best_threshold(scores, labels, weights)
        point = evaluation.point(scores, labels, weights, best)
        print(f"{name:52s} {best:9.2f} {point.precision:9.3f} {point.recall:7.3f} {point.f1:6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check-sample", action="store_true", help="rebuild the sample and compare"
    )
    parser.add_argument(
        "--reference",
        type=Path,
        default=SHARED / "messages_with_replies.csv",
        help="corpus for the inverse document frequencies",
    )
    options = parser.parse_args()
    if options.check_sample:
        check_sample()
    else:
        compare(options.reference)


if __name__ == "__main__":
    main()
