"""Measuring both detectors (``civicloop hotspots evaluate``; docs/hotspots.md).

**Duplicates, on real messages.** ``data/duplicate_pairs_labelled.csv`` holds 324
pairs of the 4 326 real messages in ``data/unlabelled_messages.csv.gz``, drawn
at random within strata of a sampling score and labelled by reading both texts
against the rule in docs/hotspots.md (“the same problem at the same place”).
The population is every pair posted within 30 days of each other whose district
names (A3区, A7县…) do not contradict each other. Because the strata were
sampled at different rates, every labelled pair stands for ``stratum_pairs /
stratum_sampled`` pairs of the population (a stratified, Horvitz–Thompson
estimate), so precision and recall are estimates for the whole population, not
for the sample. Confidence intervals come from a stratified bootstrap.

**Spikes, on simulated counts** (``simulation.py``): recall per injected spike
size and false warnings per 1 000 place-days.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import similarity, simulation
from .spikes import SpikeParameters

DATA_DIR = Path(__file__).resolve().parent / "data"
MESSAGES_FILE = DATA_DIR / "unlabelled_messages.csv.gz"
PAIRS_FILE = DATA_DIR / "duplicate_pairs_labelled.csv"
THRESHOLDS = (0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.22, 0.25, 0.30, 0.35, 0.40, 0.50, 0.60)
# The two clusters that dominate the message board in 2019 (hundreds of messages each);
# results are also given without pairs inside them, so they do not carry the numbers alone.
BIG_CLUSTERS = {
    "伊景园滨河苑 (bundled parking)": ("伊景园", "滨河苑"),
    "丽发新城 (mixing plant)": ("丽发",),
}


@dataclass(frozen=True)
class Message:
    id: str
    title: str
    body: str
    posted_at: dt.datetime | None

    @property
    def text(self) -> str:
        return similarity.event_text(self.title, self.body)


@dataclass(frozen=True)
class LabelledPair:
    pair: int
    a: str
    b: str
    sampling_score: float
    stratum: int
    stratum_pairs: int
    stratum_sampled: int
    label: int
    note: str

    @property
    def weight(self) -> float:
        return self.stratum_pairs / self.stratum_sampled


def _parse_time(raw: str) -> dt.datetime | None:
    raw = (raw or "").strip().replace("-", "/")
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def load_messages(path: Path = MESSAGES_FILE) -> dict[str, Message]:
    with gzip.open(path, "rb") as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
        return {
            row["留言编号"]: Message(
                row["留言编号"], row["留言主题"], row["留言详情"], _parse_time(row["留言时间"])
            )
            for row in csv.DictReader(text)
        }


def load_pairs(path: Path = PAIRS_FILE) -> list[LabelledPair]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            LabelledPair(
                pair=int(r["pair"]),
                a=r["message_a"],
                b=r["message_b"],
                sampling_score=float(r["sampling_score"]),
                stratum=int(r["stratum"]),
                stratum_pairs=int(r["stratum_pairs"]),
                stratum_sampled=int(r["stratum_sampled"]),
                label=int(r["label"]),
                note=r["note"],
            )
            for r in csv.DictReader(fh)
        ]


# --- weighted precision and recall --------------------------------------------------------


@dataclass(frozen=True)
class Point:
    threshold: float
    precision: float
    recall: float
    f1: float
    suggested: float  # estimated pairs of the population at or above the threshold
    positives: float  # estimated duplicate pairs in the population


def point(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray, threshold: float) -> Point:
    above = scores >= threshold
    tp = float((weights * labels * above).sum())
    fp = float((weights * (1 - labels) * above).sum())
    positives = float((weights * labels).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Point(threshold, precision, recall, f1, tp + fp, positives)


def best_threshold(scores, labels, weights, grid=None) -> float:
    grid = np.round(np.arange(0.05, 0.80, 0.01), 2) if grid is None else grid
    return float(max(grid, key=lambda t: (point(scores, labels, weights, t).f1, -t)))


def bootstrap(
    scores, labels, strata, weights, threshold, *, rounds: int = 2000, seed: int = 2020
) -> dict:
    """95 % intervals of precision, recall and F1 by resampling pairs within each stratum."""
    rng = np.random.default_rng(seed)
    groups = [np.nonzero(strata == s)[0] for s in np.unique(strata)]
    results = {"precision": [], "recall": [], "f1": []}
    for _ in range(rounds):
        picked = np.concatenate([rng.choice(g, size=len(g), replace=True) for g in groups])
        p = point(scores[picked], labels[picked], weights[picked], threshold)
        results["precision"].append(p.precision)
        results["recall"].append(p.recall)
        results["f1"].append(p.f1)
    return {
        k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for k, v in results.items()
    }


def two_fold(scores, labels, strata, weights, *, seed: int = 2020) -> dict:
    """An honest estimate of choosing the threshold on labelled data: choose it on one
    half (split within strata), measure on the other, both ways round, and average."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(scores), dtype=int)
    for s in np.unique(strata):
        members = np.nonzero(strata == s)[0]
        rng.shuffle(members)
        fold[members[: len(members) // 2]] = 1
    runs = []
    for train in (0, 1):
        tr, te = fold == train, fold != train
        # Each half stands for the whole population: its weights are doubled.
        t = best_threshold(scores[tr], labels[tr], weights[tr] * 2)
        runs.append((t, point(scores[te], labels[te], weights[te] * 2, t)))
    return {
        "thresholds": [t for t, _ in runs],
        "precision": float(np.mean([p.precision for _, p in runs])),
        "recall": float(np.mean([p.recall for _, p in runs])),
        "f1": float(np.mean([p.f1 for _, p in runs])),
    }


def _in_cluster(messages: dict[str, Message], pair: LabelledPair) -> str | None:
    for name, words in BIG_CLUSTERS.items():
        if all(any(w in messages[m].text for w in words) for m in (pair.a, pair.b)):
            return name
    return None


@dataclass
class DuplicateEvaluation:
    threshold: float
    pairs: int
    duplicates: int
    positives: float
    population: int
    at_threshold: Point
    interval: dict
    table: list[Point]
    best: Point
    two_fold: dict
    without_big_clusters: Point
    big_cluster_pairs: dict[str, int]
    per_stratum: list[dict] = field(default_factory=list)


def evaluate_duplicates(
    threshold: float,
    *,
    pairs_file: Path = PAIRS_FILE,
    messages_file: Path = MESSAGES_FILE,
    rounds: int = 2000,
) -> DuplicateEvaluation:
    messages = load_messages(messages_file)
    pairs = load_pairs(pairs_file)
    ref = similarity.reference()
    vectors = {}
    for pair in pairs:
        for m in (pair.a, pair.b):
            if m not in vectors:
                vectors[m] = ref.vector(messages[m].text)
    scores = np.array([similarity.cosine(vectors[p.a], vectors[p.b]) for p in pairs])
    labels = np.array([p.label for p in pairs], dtype=float)
    weights = np.array([p.weight for p in pairs])
    strata = np.array([p.stratum for p in pairs])
    clusters = [_in_cluster(messages, p) for p in pairs]
    outside = np.array([c is None for c in clusters])
    population = sum({p.stratum: p.stratum_pairs for p in pairs}.values())
    per_stratum = []
    for s in sorted(set(strata.tolist())):
        members = [p for p in pairs if p.stratum == s]
        per_stratum.append(
            {
                "stratum": s,
                "low": None,
                "pairs": members[0].stratum_pairs,
                "sampled": len(members),
                "duplicates": sum(p.label for p in members),
            }
        )
    best = best_threshold(scores, labels, weights)
    return DuplicateEvaluation(
        threshold=threshold,
        pairs=len(pairs),
        duplicates=int(labels.sum()),
        positives=float((weights * labels).sum()),
        population=population,
        at_threshold=point(scores, labels, weights, threshold),
        interval=bootstrap(scores, labels, strata, weights, threshold, rounds=rounds),
        table=[point(scores, labels, weights, t) for t in THRESHOLDS],
        best=point(scores, labels, weights, best),
        two_fold=two_fold(scores, labels, strata, weights),
        without_big_clusters=point(scores[outside], labels[outside], weights[outside], threshold),
        big_cluster_pairs={name: sum(1 for c in clusters if c == name) for name in BIG_CLUSTERS},
        per_stratum=per_stratum,
    )


# --- spikes ----------------------------------------------------------------------------------


@dataclass
class SpikeEvaluation:
    main: simulation.SimulationResult
    variants: list[tuple[str, simulation.SimulationResult]]


def evaluate_spikes(
    params: SpikeParameters, *, seed: int = 2026, variants: bool = True, places: int | None = None
) -> SpikeEvaluation:
    scenario = simulation.Scenario(seed=seed)
    if places is not None:
        from dataclasses import replace

        # Fewer places, and as many spikes per size as there are places (one per series at most).
        scenario = replace(
            scenario,
            places=places,
            spikes_per_size=min(scenario.spikes_per_size, places * scenario.subjects // 6),
        )
    main = simulation.simulate(scenario, params)
    others = []
    if variants:
        from dataclasses import replace

        for label, changed in (
            ("7-day window", replace(params, window_days=7)),
            ("Poisson only", replace(params, overdispersion=False)),
            ("alpha 0.01", replace(params, alpha=0.01)),
            ("alpha 0.0001", replace(params, alpha=0.0001)),
            ("min. count 4", replace(params, min_count=4)),
        ):
            others.append((label, simulation.simulate(scenario, changed)))
    return SpikeEvaluation(main=main, variants=others)
