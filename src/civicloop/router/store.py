"""Where fitted pipelines live: a cache under ``settings.VAR_DIR/router/models/``.

A fitted scikit-learn pipeline is only valid for the scikit-learn version that
wrote it, so no pickle is shipped or kept in the database. The database row of
a model (:class:`~civicloop.router.models.RouterModel`) holds what it was trained
on; the pipeline is fitted from that deterministically and cached as a file named
after the model version and the scikit-learn version. A missing or unreadable
file is simply fitted again (the starter model from the shipped CSV).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import time
from pathlib import Path

import joblib
import sklearn
from django.conf import settings
from sklearn.pipeline import Pipeline

from . import datasets, learning
from .choices import ModelSource
from .learning import Corpus, Recipe

logger = logging.getLogger(__name__)

# Bump when text.py or learning.py change what a fitted model computes: every
# cached pipeline (and the starter's version) changes with it.
FEATURES_VERSION = 2

_lock = threading.RLock()
_pipelines: dict[str, Pipeline] = {}


def model_dir() -> Path:
    return settings.VAR_DIR / "router" / "models"


def artefact_path(version: str) -> Path:
    return model_dir() / f"{version}.sklearn-{sklearn.__version__}.joblib"


def recipe_from(data: dict) -> Recipe:
    values = dict(data)
    for key in ("word_ngrams", "char_ngrams"):
        if key in values:
            values[key] = tuple(values[key])
    return Recipe(**values)


def starter_version(recipe: Recipe = learning.BEST) -> str:
    """Changes with the shipped data, the recipe and the feature code — not with
    the scikit-learn version, which only changes the cached file."""
    digest = hashlib.sha256()
    digest.update(datasets.file_digest(datasets.STARTER_FILE, datasets.TAXONOMY_FILE).encode())
    digest.update(json.dumps(recipe.describe(), sort_keys=True).encode())
    digest.update(f"features-{FEATURES_VERSION}".encode())
    return f"starter-{digest.hexdigest()[:12]}"


def starter_training_set() -> tuple[Corpus, Corpus]:
    return datasets.starter_corpus(), datasets.taxonomy_corpus()


def training_set_of(model) -> tuple[Corpus, Corpus | None]:
    """The texts a model row was trained on (the starter's come from the shipped files)."""
    if model.source == ModelSource.STARTER:
        return starter_training_set()
    data = model.get_training_data()
    if data is None:
        raise LookupError(f"routing model {model.version} has no training data to rebuild from")
    weak = data.get("weak")
    return (
        Corpus(data["texts"], data["labels"], data["weights"]),
        Corpus(weak["texts"], weak["labels"]) if weak else None,
    )


def remember(
    version: str, pipeline: Pipeline, *, keep_in_memory: bool = True, on_disk: bool = True
) -> None:
    """Keep a fitted pipeline in memory and on disk (written atomically; a read-only
    VAR_DIR only costs a refit in the next process)."""
    if keep_in_memory:
        with _lock:
            _pipelines[version] = pipeline
    if not on_disk:
        return
    path = artefact_path(version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            joblib.dump(pipeline, handle, compress=3)
        os.replace(tmp, path)
    except OSError:
        logger.warning("cannot cache the routing model in %s", path.parent, exc_info=True)


# Trained models are cached on disk under the fingerprint of their training data
# (``fit-<10 hex>``), which ends their version (``county-20261206-2210-<10 hex>[-n]``).
FIT_PREFIX = "fit-"
_FINGERPRINT = re.compile(r"-([0-9a-f]{10})(?:-\d+)?$")


def fit_key(version: str) -> str | None:
    found = _FINGERPRINT.search(version)
    return FIT_PREFIX + found.group(1) if found else None


def load_cached(key: str) -> Pipeline | None:
    """A pipeline from the file cache (``None`` when missing or unreadable); kept in
    memory under ``key``."""
    path = artefact_path(key)
    if not path.exists():
        return None
    try:
        pipeline = joblib.load(path)
    except Exception:
        logger.warning("cannot load %s", path, exc_info=True)
        return None
    with _lock:
        _pipelines[key] = pipeline
    return pipeline


def pipeline_for(model) -> Pipeline:
    """The fitted pipeline of a model row: from memory, from the file cache, or fitted now."""
    version = model.version
    pipeline = _pipelines.get(version)
    if pipeline is not None:
        return pipeline
    with _lock:
        pipeline = _pipelines.get(version)
        if pipeline is not None:
            return pipeline
        path = artefact_path(version)
        key = fit_key(version)
        if not path.exists() and key:
            path = artefact_path(key)
        if path.exists():
            try:
                pipeline = joblib.load(path)
            except Exception:  # a damaged or foreign file: fit again
                logger.warning(
                    "cannot load %s; fitting the routing model again", path, exc_info=True
                )
                pipeline = None
        if pipeline is None:
            started = time.monotonic()
            corpus, weak = training_set_of(model)
            pipeline = learning.fit(recipe_from(model.recipe), corpus, weak=weak)
            logger.info(
                "fitted routing model %s on %d texts in %.1f s",
                version,
                len(corpus),
                time.monotonic() - started,
            )
            remember(version, pipeline)
        else:
            _pipelines[version] = pipeline
        return pipeline


def info_path(version: str) -> Path:
    return model_dir() / f"{version}.json"


def read_info(version: str) -> dict | None:
    """What was measured when the model was first fitted here (cross-validation, time)."""
    try:
        return json.loads(info_path(version).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_info(version: str, info: dict) -> None:
    path = info_path(version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(info, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        logger.warning("cannot write %s", path, exc_info=True)


def forget_all() -> None:
    """Drop the in-memory cache (tests)."""
    with _lock:
        _pipelines.clear()
