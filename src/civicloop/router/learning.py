"""The routing model itself (智能分拨模型): features, training, prediction and
cross-validation. Plain scikit-learn, no Django: the rest of the app decides where
the data comes from and where the fitted model is kept.

A *recipe* names the features and the classifier; :data:`BEST` is the one the
starter and county models use, :data:`BASELINE` the reference it must beat
(see docs/router.md for the measurements that chose it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace

import numpy as np
from django.utils.translation import gettext as _
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from . import text as textmod

SEED = 0


class TrainingError(ValueError):
    """The data cannot train a model (too few texts or labels)."""


@dataclass(frozen=True)
class Recipe:
    """Features and classifier of one model variant."""

    name: str
    word: bool = True  # TF-IDF over jieba words
    word_ngrams: tuple[int, int] = (1, 1)
    char: bool = True  # TF-IDF over character n-grams
    char_ngrams: tuple[int, int] = (1, 3)
    classifier: str = "logreg"  # "logreg" or "svm" (LinearSVC, calibrated)
    C: float = 10.0
    class_weight: str | None = "balanced"
    # Calibrated SVM: average the calibration folds' SVMs (each fitted on part of the
    # texts), or fit one SVM on all texts and calibrate it on out-of-fold scores.
    calibration_ensemble: bool = True
    # Weight of the organisers' taxonomy names as extra training texts (0: not used).
    taxonomy_weight: float = 0.0
    # The lead (subject, or first sentence) repeated this many more times: it says what
    # the message is about; the details add incidental words.
    lead_repeat: int = 0
    # The lead's character n-grams as a feature block of their own.
    lead_block: bool = False
    # Self-training on unlabelled messages: confidence threshold (None: off) and weight.
    self_training: float | None = None
    self_training_weight: float = 0.5

    def describe(self) -> dict:
        return asdict(self)


# The expected baseline: TF-IDF over jieba words and character n-grams, logistic
# regression with scikit-learn's defaults.
BASELINE = Recipe(
    "baseline: jieba words + char 1-3 grams, logistic regression (defaults)",
    C=1.0,
    class_weight=None,
)
BEST = Recipe(
    "jieba words + char 1-3 grams (subject weighted 3x) + subject char 1-3 grams, "
    "calibrated linear SVM (C=0.5, one SVM on all texts), taxonomy texts",
    classifier="svm",
    C=0.5,
    taxonomy_weight=1.0,
    lead_repeat=2,
    lead_block=True,
    calibration_ensemble=False,
)
# The recipe shipped before (docs/router.md): without the subject's weight and block, and
# with the calibration folds' SVMs averaged.
PREVIOUS = Recipe(
    "jieba words + char 1-3 grams, calibrated linear SVM (C=0.5), taxonomy texts",
    classifier="svm",
    C=0.5,
    taxonomy_weight=1.0,
)


@dataclass
class Corpus:
    """Texts with their labels and sample weights."""

    texts: list[str]
    labels: list[str]
    weights: list[float] = field(default_factory=list)

    def __post_init__(self):
        if not self.weights:
            self.weights = [1.0] * len(self.texts)
        if not (len(self.texts) == len(self.labels) == len(self.weights)):
            raise ValueError("texts, labels and weights differ in length")

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, index) -> Corpus:
        return Corpus(
            [self.texts[i] for i in index],
            [self.labels[i] for i in index],
            [self.weights[i] for i in index],
        )

    def __add__(self, other: Corpus) -> Corpus:
        return Corpus(
            self.texts + other.texts, self.labels + other.labels, self.weights + other.weights
        )

    def counts(self) -> Counter:
        return Counter(self.labels)


def _chars(texts):
    return [textmod.chars(t) for t in texts]


def build_pipeline(recipe: Recipe) -> Pipeline:
    parts = []
    if recipe.word:
        parts.append(
            (
                "words",
                TfidfVectorizer(
                    analyzer=textmod.words, ngram_range=(1, 1), sublinear_tf=True, min_df=1
                )
                if recipe.word_ngrams == (1, 1)
                else Pipeline(
                    [
                        ("join", FunctionTransformer(_joined_words)),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                analyzer="word",
                                token_pattern=r"\S+",
                                ngram_range=recipe.word_ngrams,
                                sublinear_tf=True,
                            ),
                        ),
                    ]
                ),
            )
        )
    if recipe.char:
        parts.append(
            (
                "chars",
                Pipeline(
                    [
                        ("strip", FunctionTransformer(_chars)),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                analyzer="char",
                                ngram_range=recipe.char_ngrams,
                                sublinear_tf=True,
                                min_df=2,
                                max_features=200_000,
                            ),
                        ),
                    ]
                ),
            )
        )
    if recipe.lead_block:
        parts.append(
            (
                "lead",
                Pipeline(
                    [
                        ("cut", FunctionTransformer(_leads)),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1
                            ),
                        ),
                    ]
                ),
            )
        )
    if not parts:
        raise ValueError("a recipe needs word or character features")
    if recipe.classifier == "svm":
        clf = CalibratedClassifierCV(
            LinearSVC(C=recipe.C, class_weight=recipe.class_weight, random_state=SEED),
            cv=3,
            ensemble=recipe.calibration_ensemble,
        )
    else:
        clf = LogisticRegression(
            C=recipe.C, class_weight=recipe.class_weight, max_iter=3000, random_state=SEED
        )
    steps = [("features", FeatureUnion(parts)), ("clf", clf)]
    if recipe.lead_repeat:
        steps.insert(
            0,
            ("lead", FunctionTransformer(_with_lead, kw_args={"times": recipe.lead_repeat})),
        )
    return Pipeline(steps)


def _leads(texts):
    return [textmod.chars(textmod.lead(t)) for t in texts]


def _with_lead(texts, times: int = 1):
    return [textmod.with_lead(t, times) for t in texts]


def _joined_words(texts):
    return [" ".join(textmod.words(t)) for t in texts]


def _check(corpus: Corpus) -> None:
    counts = corpus.counts()
    if len(counts) < 2:
        raise TrainingError(_("At least two different labels are needed."))
    if len(corpus) < 4:
        raise TrainingError(_("At least four texts are needed."))


def fit(
    recipe: Recipe,
    corpus: Corpus,
    *,
    weak: Corpus | None = None,
    unlabelled: list[str] | None = None,
) -> Pipeline:
    """Fit the recipe on ``corpus`` (+ ``weak`` texts of known labels, weighted, and
    self-training on ``unlabelled`` texts when the recipe asks for it)."""
    _check(corpus)
    data = corpus
    if weak is not None and recipe.taxonomy_weight > 0:
        known = set(corpus.labels)
        keep = [i for i, label in enumerate(weak.labels) if label in known]
        extra = weak.subset(keep)
        data = data + Corpus(extra.texts, extra.labels, [recipe.taxonomy_weight] * len(extra))
    pipeline = build_pipeline(recipe)
    _fit(pipeline, data, recipe)
    if recipe.self_training is not None and unlabelled:
        proba = pipeline.predict_proba(unlabelled)
        best = proba.argmax(axis=1)
        confident = np.flatnonzero(proba.max(axis=1) >= recipe.self_training)
        if len(confident):
            classes = pipeline.classes_
            pseudo = Corpus(
                [unlabelled[i] for i in confident],
                [str(classes[best[i]]) for i in confident],
                [recipe.self_training_weight] * len(confident),
            )
            pipeline = build_pipeline(recipe)
            _fit(pipeline, data + pseudo, recipe)
    return pipeline


def _fit(pipeline: Pipeline, data: Corpus, recipe: Recipe) -> None:
    if recipe.classifier == "svm":
        # Calibration needs as many texts of each label as it has folds; small county
        # histories (and their cross-validation folds) may have fewer.
        rarest = min(data.counts().values())
        if rarest < 2:
            pipeline.set_params(
                clf=LogisticRegression(
                    C=10.0, class_weight=recipe.class_weight, max_iter=3000, random_state=SEED
                )
            )
        elif rarest < 3:
            pipeline.set_params(clf__cv=rarest)
    if recipe.char and len(data) < 50:
        # A handful of texts share few character n-grams: keep those seen once.
        pipeline.set_params(features__chars__tfidf__min_df=1)
    pipeline.fit(data.texts, data.labels, clf__sample_weight=np.asarray(data.weights, dtype=float))


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    alternatives: list[tuple[str, float]]  # the next most likely labels, best first


def predict(pipeline: Pipeline, texts: list[str], *, top: int = 3) -> list[Prediction]:
    """Label, confidence (0–1) and the next ``top`` - 1 alternatives of each text."""
    if not texts:
        return []
    proba = pipeline.predict_proba(texts)
    classes = [str(c) for c in pipeline.classes_]
    out = []
    for row in proba:
        order = np.argsort(-row, kind="stable")[:top]
        ranked = [(classes[i], round(float(row[i]), 4)) for i in order]
        out.append(Prediction(label=ranked[0][0], confidence=ranked[0][1], alternatives=ranked[1:]))
    return out


# --- evaluation ---------------------------------------------------------------------


def folds_for(corpus: Corpus, wanted: int = 5) -> int:
    """As many stratified folds as wanted, but no more than the rarest label has texts."""
    rarest = min(corpus.counts().values())
    return max(0, min(wanted, rarest))


def cross_validate(
    recipe: Recipe,
    corpus: Corpus,
    *,
    folds: int = 5,
    weak: Corpus | None = None,
    unlabelled: list[str] | None = None,
    seed: int = SEED,
) -> dict:
    """Stratified k-fold cross-validation; extra texts (weak, unlabelled) only ever train.

    Returns accuracy, macro-F1, per-label precision/recall/F1/support and the
    confusion matrix (rows: true label, columns: predicted), as plain data."""
    _check(corpus)
    k = folds_for(corpus, folds)
    if k < 2:
        raise TrainingError(_("Every label needs at least two texts for cross-validation."))
    labels = sorted(corpus.counts())
    predicted = [""] * len(corpus)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    fold_scores = []
    for train, test in splitter.split(corpus.texts, corpus.labels):
        model = fit(recipe, corpus.subset(train), weak=weak, unlabelled=unlabelled)
        fold_pred = [p.label for p in predict(model, [corpus.texts[i] for i in test], top=1)]
        for i, label in zip(test, fold_pred, strict=True):
            predicted[i] = label
        truth = [corpus.labels[i] for i in test]
        fold_scores.append(
            f1_score(truth, fold_pred, labels=labels, average="macro", zero_division=0)
        )
    return metrics(corpus.labels, predicted, labels=labels, folds=k, fold_macro_f1=fold_scores)


def metrics(
    truth: list[str],
    predicted: list[str],
    *,
    labels: list[str],
    folds: int,
    fold_macro_f1: list[float] | None = None,
) -> dict:
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    return {
        "folds": folds,
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "macro_f1_fold_std": round(float(np.std(fold_macro_f1)), 4) if fold_macro_f1 else None,
        "per_label": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "labels": labels,
        "confusion": confusion_matrix(truth, predicted, labels=labels).tolist(),
    }


def with_name(recipe: Recipe, name: str, **changes) -> Recipe:
    return replace(recipe, name=name, **changes)
