"""Everything the routing app does: train a model, suggest where an event goes,
classify a CSV file, evaluate, and measure how often dispatchers accept.

Which model suggests: the newest *active* model trained here (from the county's
judged events or a CSV file); when there is none, the starter model fitted from
the shipped labelled messages on first use.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sklearn
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.text import message_text
from civicloop.events.choices import EventState
from civicloop.events.models import Event, EventHistory
from civicloop.matters.models import Category
from civicloop.org.models import Unit

from . import datasets, learning, store
from .choices import ModelSource
from .labels import Resolver, category_label
from .learning import Corpus, TrainingError
from .models import RouterModel, RoutingSuggestion

logger = logging.getLogger(__name__)

# How many labels the model ranks for a suggestion besides the best one.
ALTERNATIVES = 3
# How many choices (categories) a suggestion offers at most, the best included.
CHOICES = 4
# A county model learns from judged events alone once there are this many;
# below it the starter messages are added (see docs/router.md).
HISTORY_ALONE = getattr(settings, "CIVICLOOP_ROUTER_HISTORY_ALONE", 1000)
# Judged events count double against the starter messages when combined.
HISTORY_WEIGHT = 2.0
# Labels with fewer texts than this are left out of training (the calibrated
# classifier needs three per label; the docs say so).
MIN_PER_LABEL = 3


# --- which model ------------------------------------------------------------------


def ensure_starter(*, with_metrics: bool = True) -> RouterModel:
    """The starter model's row, created on first use.

    The first time on a machine its pipeline is fitted from the shipped CSV and
    cross-validated (about 10 s in all, see docs/router.md); both are cached under
    ``VAR_DIR/router/models/``, so a new database (or process) only reads them."""
    version = store.starter_version()
    model = RouterModel.objects.filter(version=version).first()
    if model is not None:
        return model
    info = store.read_info(version)
    if info is None or (with_metrics and not info.get("metrics")):
        corpus, weak = store.starter_training_set()
        started = time.monotonic()
        store.remember(version, learning.fit(learning.BEST, corpus, weak=weak))
        seconds = time.monotonic() - started
        metrics = learning.cross_validate(learning.BEST, corpus, weak=weak) if with_metrics else {}
        info = {
            "training_seconds": round(seconds, 2),
            "metrics": metrics,
            "label_counts": dict(sorted(corpus.counts().items())),
            "n_samples": len(corpus),
            "sklearn_version": sklearn.__version__,
        }
        store.write_info(version, info)
    try:
        with transaction.atomic():
            model, _created = RouterModel.objects.get_or_create(
                version=version,
                defaults=dict(
                    source=ModelSource.STARTER,
                    source_detail=datasets.STARTER_FILE.name,
                    trained_at=timezone.now(),
                    labels=sorted(info["label_counts"]),
                    label_counts=info["label_counts"],
                    n_samples=info["n_samples"],
                    metrics=info["metrics"],
                    recipe=learning.BEST.describe(),
                    training_seconds=info["training_seconds"],
                    sklearn_version=info["sklearn_version"],
                    data_sha256=datasets.file_digest(datasets.STARTER_FILE, datasets.TAXONOMY_FILE),
                ),
            )
    except IntegrityError:  # another process created it at the same moment
        model = RouterModel.objects.get(version=version)
    return model


def active_model() -> RouterModel:
    """The newest active trained model, else the starter."""
    trained = RouterModel.objects.active().exclude(source=ModelSource.STARTER).newest()
    return trained or ensure_starter()


def model_named(name: str | None) -> RouterModel:
    """``None``/"active": the active model; "starter": the starter; else a version."""
    if not name or name == "active":
        return active_model()
    if name == "starter":
        return ensure_starter()
    model = RouterModel.objects.filter(version=name).first()
    if model is None:
        raise LookupError(_("There is no routing model “%(version)s”.") % {"version": name})
    return model


# --- suggestions --------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One choice of a suggestion as people read it: a county category (when the
    mapping finds one) and its department, with the probability and the keyword that
    chose it."""

    label: str
    name: str
    confidence: float
    category: object | None  # matters.Category
    department: object | None  # org.Unit
    department_code: str
    department_name: str
    keyword: str = ""

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


def predict_texts(model: RouterModel, texts: list[str]) -> list[learning.Prediction]:
    return learning.predict(store.pipeline_for(model), texts, top=ALTERNATIVES + 1)


def event_text(event: Event) -> str:
    return message_text(event.title, event.description)


def suggest(
    event: Event, *, user=None, model: RouterModel | None = None
) -> RoutingSuggestion | None:
    """The routing suggestion for ``event`` (recorded): the one the active model
    already made for it, else a new one.

    Never raises: the suggestion must not stand in the way of judging. A model
    that fails is logged and gives ``None``."""
    try:
        model = model or active_model()
        existing = (
            RoutingSuggestion.objects.filter(event=event, model=model)
            .select_related("model", "category", "department")
            .order_by("-created_at", "-id")
            .first()
        )
        if existing is not None:
            return existing
        text = event_text(event)
        prediction = predict_texts(model, [text])[0]
        first, *alternatives = ranked_choices(prediction, text, Resolver())
        top = first["resolution"]
        return RoutingSuggestion.objects.create(
            event=event,
            model=model,
            label=top.label,
            category=top.category,
            department=top.department,
            department_code=top.department_code,
            department_name=top.department_name,
            confidence=first["confidence"],
            keyword=top.keyword,
            alternatives=[_choice_data(choice) for choice in alternatives],
            shown_to=user if getattr(user, "is_authenticated", False) else None,
        )
    except Exception:
        logger.exception("no routing suggestion for event %s", getattr(event, "pk", None))
        return None


def ranked_choices(
    prediction: learning.Prediction, text: str, resolve: Resolver, *, limit: int = CHOICES
) -> list[dict]:
    """The model's labels turned into the county's categories, best first.

    Each label (best first) gives the category the mapping finds first for it in
    ``text``; labels that end in the same category and department add up their
    probabilities (that is the probability of sending it there). The other categories a
    label's rules give (its default when a keyword decided, the other keywords found)
    follow without a probability of their own (confidence 0). At most ``limit``."""
    ranked: dict[str, dict] = {}
    labels = [(prediction.label, prediction.confidence), *prediction.alternatives]
    for label, confidence in labels:
        first, *rest = resolve.all(label, text)
        entry = ranked.setdefault(first.key, {"resolution": first, "confidence": 0.0})
        entry["confidence"] += confidence
        for resolution in rest:
            ranked.setdefault(resolution.key, {"resolution": resolution, "confidence": 0.0})
    out = sorted(ranked.values(), key=lambda entry: -entry["confidence"])
    for entry in out:
        entry["confidence"] = round(min(1.0, entry["confidence"]), 4)
    return out[:limit]


def _choice_data(entry: dict) -> dict:
    resolution = entry["resolution"]
    return {
        "label": resolution.label,
        "name": resolution.name,
        "confidence": entry["confidence"],
        "category": resolution.category.code if resolution.category else None,
        "department": resolution.department_code,
        "department_name": resolution.department_name,
        "keyword": resolution.keyword,
    }


def choices_of(suggestion: RoutingSuggestion) -> list[Choice]:
    """The suggestion and its alternatives, resolved to categories and departments."""

    codes = [a.get("category") for a in suggestion.alternatives if a.get("category")]
    departments = [a.get("department") for a in suggestion.alternatives if a.get("department")]
    categories = {c.code: c for c in Category.objects.filter(code__in=codes, is_active=True)}
    units = {u.code: u for u in Unit.objects.filter(code__in=departments)}
    department = suggestion.department
    first = Choice(
        label=suggestion.label,
        name=suggestion.category.name if suggestion.category else suggestion.label,
        confidence=suggestion.confidence,
        category=suggestion.category,
        department=department,
        department_code=department.code if department else suggestion.department_code,
        department_name=department.name if department else suggestion.department_name,
        keyword=suggestion.keyword,
    )
    rest = [
        Choice(
            label=a["label"],
            name=a.get("name") or a["label"],
            confidence=a["confidence"],
            category=categories.get(a.get("category") or ""),
            department=units.get(a.get("department") or ""),
            department_code=a.get("department") or "",
            department_name=a.get("department_name") or "",
            keyword=a.get("keyword") or "",
        )
        for a in suggestion.alternatives
    ]
    return [first, *rest]


# --- training -----------------------------------------------------------------------


def judged_events():
    """Events the dispatchers judged, with the category they chose (``Event.category``
    after judgement); void and merged events are left out."""
    judged = EventHistory.objects.filter(event=OuterRef("pk"), action="judge")
    return Event.objects.filter(Exists(judged), category__isnull=False).exclude(
        state__in=[EventState.VOIDED, EventState.MERGED]
    )


def history_corpus() -> Corpus:
    """The judged events' texts and final categories. The same text judged the same way
    more than once (a repeated report, a patrol finding written from the same template)
    is one text weighted by how often: the classifier sees the same, training and
    cross-validation are cheaper, and no copy of a text is ever scored by a fold that
    trained on another copy."""
    rows = judged_events().order_by("pk").values_list("title", "description", "category__code")
    counts: dict[tuple[str, str], int] = {}
    for title, description, code in rows:
        key = (message_text(title, description), code)
        counts[key] = counts.get(key, 0) + 1
    return Corpus(
        [text for text, _label in counts],
        [label for _text, label in counts],
        [float(n) for n in counts.values()],
    )


def _drop_rare(corpus: Corpus) -> tuple[Corpus, list[str]]:
    counts = corpus.counts()
    rare = sorted(label for label, n in counts.items() if n < MIN_PER_LABEL)
    keep = [i for i, label in enumerate(corpus.labels) if label not in rare]
    return corpus.subset(keep), rare


@dataclass
class TrainingReport:
    model: RouterModel
    dropped_labels: list[str]
    history: int = 0
    starter: int = 0
    # Nothing new to learn: the active model was trained on exactly this data.
    unchanged: bool = False


def train(
    corpus: Corpus,
    *,
    source: str,
    detail: str,
    weak: Corpus | None = None,
    by=None,
    folds: int = 5,
    recipe: learning.Recipe = learning.BEST,
    history: int = 0,
    starter: int = 0,
) -> TrainingReport:
    """Fit, cross-validate and record a model; it becomes the newest active one.

    When the active model was trained on exactly this data (and recipe), nothing is
    trained and it is returned with ``unchanged``."""
    corpus, dropped = _drop_rare(corpus)
    if len(corpus.counts()) < 2:
        raise TrainingError(
            _("Too few texts: at least two labels with %(n)d texts each are needed.")
            % {"n": MIN_PER_LABEL}
        )
    model = RouterModel(
        source=source,
        source_detail=detail[:300],
        trained_at=timezone.now(),
        trained_by=by,
        labels=sorted(corpus.counts()),
        label_counts=dict(sorted(corpus.counts().items())),
        n_samples=len(corpus),
        recipe=recipe.describe(),
        sklearn_version=sklearn.__version__,
    )
    model.set_training_data(
        corpus.texts,
        corpus.labels,
        corpus.weights,
        weak=(weak.texts, weak.labels) if weak is not None else None,
    )
    # The fingerprint names the data, the recipe and the folds: the same training set
    # gives the same fit and the same measurements, so they are taken from the cache
    # (a demo built again, a retraining with nothing new) instead of computed again.
    fingerprint = hashlib.sha256(
        f"{model.data_sha256}{json.dumps(recipe.describe(), sort_keys=True)}"
        f"{store.FEATURES_VERSION}-{folds}".encode()
    ).hexdigest()[:10]
    same = (
        RouterModel.objects.active()
        .filter(source=source, data_sha256=model.data_sha256, version__contains=fingerprint)
        .newest()
    )
    if same is not None and same == active_model():
        return TrainingReport(
            model=same, dropped_labels=dropped, history=history, starter=starter, unchanged=True
        )
    cache_key = store.FIT_PREFIX + fingerprint
    info = store.read_info(cache_key)
    pipeline = store.load_cached(cache_key) if info is not None else None
    if pipeline is None:
        started = time.monotonic()
        pipeline = learning.fit(recipe, corpus, weak=weak)
        seconds = time.monotonic() - started
        k = learning.folds_for(corpus, folds)
        metrics = learning.cross_validate(recipe, corpus, folds=k, weak=weak) if k >= 2 else {}
        info = {"training_seconds": round(seconds, 2), "metrics": metrics}
        store.remember(cache_key, pipeline, keep_in_memory=False)
        store.write_info(cache_key, info)
    model.metrics = info["metrics"]
    model.training_seconds = info["training_seconds"]
    # The version says when and from what: a later training of other data never has it.
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    prefix = {ModelSource.COUNTY_HISTORY: "county", ModelSource.CSV: "csv"}.get(source, source)
    model.version = f"{prefix}-{stamp}-{fingerprint}"
    n = 1
    while RouterModel.objects.filter(version=model.version).exists():
        n += 1
        model.version = f"{prefix}-{stamp}-{fingerprint}-{n}"
    model.save()
    # In memory only: on disk it is the cache entry of its fingerprint (store.fit_key).
    store.remember(model.version, pipeline, on_disk=False)
    return TrainingReport(model=model, dropped_labels=dropped, history=history, starter=starter)


def county_training_set() -> tuple[Corpus, Corpus, str, int, int]:
    """What a county model learns from: (texts, weak taxonomy texts, description,
    judged events, starter messages).

    Rule: with at least ``HISTORY_ALONE`` judged events it learns from them alone;
    with fewer, the starter messages are added (each relabelled to the category the
    mapping finds for its class and text, or keeping its class when that is only
    ``其他`` — the class still names its department), each judged event counting
    ``HISTORY_WEIGHT`` times; with none it refuses (the starter model is in use anyway)."""
    history = history_corpus()
    events = round(sum(history.weights))
    if events == 0:
        raise TrainingError(
            _("No judged event has a category yet; the starter model stays in use.")
        )
    weak = datasets.taxonomy_corpus()
    weak = Corpus(weak.texts, [category_label(label) for label in weak.labels])
    if events >= HISTORY_ALONE:
        return history, weak, _("%(n)d judged events") % {"n": events}, events, 0
    starter = datasets.starter_corpus()
    starter = Corpus(
        starter.texts,
        [
            category_label(label, text)
            for label, text in zip(starter.labels, starter.texts, strict=True)
        ],
    )
    combined = (
        Corpus(history.texts, history.labels, [HISTORY_WEIGHT * w for w in history.weights])
        + starter
    )
    detail = _("%(n)d judged events + %(m)d starter messages") % {
        "n": events,
        "m": len(starter),
    }
    return combined, weak, detail, events, len(starter)


def train_from_history(*, by=None, folds: int = 5) -> TrainingReport:
    """The county model from judged events (see :func:`county_training_set` for the rule)."""
    corpus, weak, detail, n_history, n_starter = county_training_set()
    return train(
        corpus,
        source=ModelSource.COUNTY_HISTORY,
        detail=detail,
        weak=weak,
        by=by,
        folds=folds,
        history=n_history,
        starter=n_starter,
    )


def train_from_csv(path: Path | str, *, by=None, folds: int = 5) -> TrainingReport:
    corpus = datasets.labelled_corpus(path)
    return train(
        corpus,
        source=ModelSource.CSV,
        detail=f"csv:{Path(path).name}",
        weak=datasets.taxonomy_corpus(),
        by=by,
        folds=folds,
    )


# --- classifying files ---------------------------------------------------------------

OUTPUT_COLUMNS = [
    "predicted",
    "confidence",
    "department",
    "department_name",
    "category",
    "category_name",
]


def classify_file(
    in_path: Path | str,
    out_path: Path | str,
    *,
    model: RouterModel | None = None,
    batch: int = 500,
    bom: bool = False,
) -> int:
    """Classify every row of a message CSV; write 留言编号 (when present), predicted (the
    model's label), confidence, department (code), department_name, and the county's
    event category (code and name) the mapping finds, in UTF-8 like the training file
    (with a BOM if asked, for Excel). The input is checked whole before anything is
    written; the output appears at once (written atomically)."""
    table = datasets.read_messages(in_path)
    model = model or active_model()
    texts = table.texts()
    predictions: list[learning.Prediction] = []
    for start in range(0, len(texts), batch):
        predictions += predict_texts(model, texts[start : start + batch])
    resolve = Resolver()
    has_id = datasets.ID_COLUMN in table.columns
    columns = ([datasets.ID_COLUMN] if has_id else []) + OUTPUT_COLUMNS
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row, text, prediction in zip(table.rows, texts, predictions, strict=True):
                route = resolve(prediction.label, text)
                values = [
                    prediction.label,
                    f"{prediction.confidence:.4f}",
                    route.department_code,
                    route.department_name,
                    route.category.code if route.category else "",
                    route.category.name if route.category else "",
                ]
                writer.writerow(([row.get(datasets.ID_COLUMN, "")] if has_id else []) + values)
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(predictions)


# --- measuring --------------------------------------------------------------------


def acceptance(*, since: dt.datetime | None = None) -> list[dict]:
    """Per model: suggestions shown, of those judged, how many the dispatcher took
    (same category) and how many went to the suggested department."""
    suggestions = RoutingSuggestion.objects.judged().with_outcome()
    if since is not None:
        suggestions = suggestions.filter(created_at__gte=since)
    rows = (
        suggestions.values("model__version")
        .annotate(
            judged=Count("id"),
            accepted=Count("id", filter=Q(accepted=True)),
            with_category=Count("id", filter=Q(category__isnull=False)),
            department_matched=Count("id", filter=Q(department_matched=True)),
        )
        .order_by("model__version")
    )
    shown = dict(RoutingSuggestion.objects.values_list("model__version").annotate(n=Count("id")))
    return [{**row, "shown": shown.get(row["model__version"], 0)} for row in rows]
