"""Routing model quality: the cross-validation behind docs/router.md.

    .venv/bin/python bench/router_quality.py [--seeds 3] [--nested] [--unlabelled FILE]

Every variant is scored with stratified 5-fold cross-validation on the shipped
labelled messages (the same folds for all; with ``--seeds N`` repeated with N
shuffles and averaged, because 347 texts make single runs noisy). Extra texts
(taxonomy names, pseudo-labelled unlabelled messages) only ever join the training
folds. ``--nested`` also estimates the whole selection procedure honestly: the
variant is chosen on inner folds of each outer training fold, then scored on the
outer test fold it never saw.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.settings")

import django  # noqa: E402

django.setup()

from sklearn.metrics import accuracy_score, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from civicloop.router import datasets  # noqa: E402
from civicloop.router import learning as L  # noqa: E402


def variants(with_unlabelled: bool) -> dict[str, L.Recipe]:
    lr = L.with_name(L.BASELINE, "lr", C=10, class_weight="balanced")
    svm = L.with_name(lr, "svm", classifier="svm", C=0.5)
    out = {
        "jieba words only, LR (defaults)": L.with_name(L.BASELINE, "w", char=False),
        "char 1-3 grams only, LR (defaults)": L.with_name(L.BASELINE, "c", word=False),
        "BASELINE words + chars, LR (defaults)": L.BASELINE,
        "words + chars, LR C=10 balanced": lr,
        "words + word bigrams + chars, LR C=10 balanced": L.with_name(lr, "x", word_ngrams=(1, 2)),
        "words + char 2-4 grams, LR C=10 balanced": L.with_name(lr, "x", char_ngrams=(2, 4)),
        "words + chars, LR C=10 balanced + taxonomy": L.with_name(lr, "x", taxonomy_weight=1.0),
        "words + chars, calibrated SVM C=0.5": svm,
        "words + chars, calibrated SVM C=2": L.with_name(svm, "x", C=2.0),
        "words + chars, calibrated SVM C=0.5 + taxonomy (w 0.5)": L.with_name(
            svm, "x", taxonomy_weight=0.5
        ),
        "PREVIOUS words + chars, calibrated SVM C=0.5 + taxonomy (w 1)": L.PREVIOUS,
        "one calibrated SVM (ensemble=False) + subject 1x more": L.with_name(
            L.BEST, "x", lead_block=False, lead_repeat=1
        ),
        "one calibrated SVM + subject 2x more": L.with_name(L.BEST, "x", lead_block=False),
        "BEST one calibrated SVM + subject 2x more + subject char block": L.BEST,
        "BEST with C=1": L.with_name(L.BEST, "x", C=1.0),
        "BEST with taxonomy w2": L.with_name(L.BEST, "x", taxonomy_weight=2.0),
        "words + chars, calibrated SVM C=0.5 + taxonomy (w 2)": L.with_name(
            svm, "x", taxonomy_weight=2.0
        ),
    }
    if with_unlabelled:
        out["BEST + self-training (p>=0.9, w 0.3)"] = L.with_name(
            L.BEST, "x", self_training=0.9, self_training_weight=0.3
        )
        out["BEST + self-training (p>=0.7, w 0.5)"] = L.with_name(
            L.BEST, "x", self_training=0.7, self_training_weight=0.5
        )
    return out


def nested(corpus, weak, candidates: dict[str, L.Recipe], seed: int = 0) -> dict:
    outer = StratifiedKFold(5, shuffle=True, random_state=seed)
    y = np.array(corpus.labels)
    predicted = np.empty(len(y), dtype=object)
    chosen = []
    for train, test in outer.split(corpus.texts, y):
        inner = corpus.subset(train)
        scores = {
            name: L.cross_validate(r, inner, weak=weak, seed=seed + 1)["macro_f1"]
            for name, r in candidates.items()
        }
        best = max(scores, key=scores.get)
        chosen.append(best)
        model = L.fit(candidates[best], inner, weak=weak)
        predicted[test] = [
            p.label for p in L.predict(model, [corpus.texts[i] for i in test], top=1)
        ]
    return {
        "accuracy": accuracy_score(y, predicted),
        "macro_f1": f1_score(y, predicted, average="macro"),
        "chosen": chosen,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--nested", action="store_true")
    parser.add_argument("--only", nargs="*", help="names (substrings) of the variants to run")
    parser.add_argument(
        "--unlabelled",
        type=Path,
        help="unlabelled messages CSV for self-training variants "
        "(e.g. ../shared/data/complaints/unlabelled_messages.csv)",
    )
    args = parser.parse_args()
    corpus, weak = datasets.starter_corpus(), datasets.taxonomy_corpus()
    unlabelled = datasets.read_messages(args.unlabelled).texts() if args.unlabelled else None
    print(
        f"{len(corpus)} labelled texts, {len(weak)} taxonomy texts"
        + (f", {len(unlabelled)} unlabelled" if unlabelled else "")
    )
    print("| variant | accuracy | macro-F1 | macro-F1 per shuffle | s |")
    print("|---|---:|---:|---|---:|")
    for name, recipe in variants(bool(unlabelled)).items():
        if args.only and not any(o in name for o in args.only):
            continue
        started = time.monotonic()
        runs = [
            L.cross_validate(recipe, corpus, weak=weak, unlabelled=unlabelled, seed=s)
            for s in range(args.seeds)
        ]
        acc = np.mean([r["accuracy"] for r in runs])
        f1 = np.mean([r["macro_f1"] for r in runs])
        shuffles = " ".join(f"{r['macro_f1']:.3f}" for r in runs)
        print(
            f"| {name} | {acc:.3f} | {f1:.3f} | {shuffles} | {time.monotonic() - started:.0f} |",
            flush=True,
        )
    if args.nested:
        lr = L.with_name(L.BASELINE, "lr", C=10, class_weight="balanced")
        candidates = {
            "LR C=10": lr,
            "LR C=10 + taxonomy": L.with_name(lr, "x", taxonomy_weight=1.0),
            "SVM C=0.5": L.with_name(L.BEST, "x", taxonomy_weight=0.0),
            "SVM C=0.5 + taxonomy w1": L.BEST,
            "SVM C=1 + taxonomy w1": L.with_name(L.BEST, "x", C=1.0),
            "SVM C=0.5 + taxonomy w2": L.with_name(L.BEST, "x", taxonomy_weight=2.0),
        }
        result = nested(corpus, weak, candidates)
        print(
            f"\nnested 5x5 CV over {len(candidates)} candidates: accuracy {result['accuracy']:.3f}, "
            f"macro-F1 {result['macro_f1']:.3f}; chosen per outer fold: {result['chosen']}"
        )


if __name__ == "__main__":
    main()
