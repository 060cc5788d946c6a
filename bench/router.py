"""Benchmark: routing model (智能分拨) training time and classification latency.

    .venv/bin/python bench/router.py [--repeat 3] [--no-write]

Runs in a throwaway VAR_DIR and SQLite database, so the first-use numbers are
real first uses. It measures:

* ``first use``     the starter model's first use on a new machine: jieba's
                    dictionary, fitting on the shipped CSV, and the 5-fold
                    cross-validation stored with it (``services.ensure_starter``);
* ``fit``           fitting the starter recipe once more (texts already segmented
                    by jieba in this process, as in cross-validation);
* ``load``          a new process's first suggestion: reading the cached pipeline;
* ``single text``   one ``predict`` call per text (the judge page, the API), p50/p95;
* ``suggestion``    one whole suggestion: ``predict`` and the ranked county categories
                    and departments of ``category_map.csv`` (a fresh resolver, as
                    the judge page uses), p50/p95;
* ``batch``         ``civicloop router classify`` on a CSV of the same texts,
                    per text (reading, predicting in batches of 500, writing).

Texts are the 347 shipped messages; the word-segmentation cache is cleared before
each timing so no text is segmented for free. Results are printed and added to
docs/benchmarks.md with the machine and date.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import machine, percentile, write_section

REPO = Path(__file__).resolve().parents[1]
MARKER = "## Router (`bench/router.py`)"
INTRO = """Training time and per-text latency of the routing model (`civicloop router`): the starter
model's first use on a new machine (fit + 5-fold cross-validation, cached under `VAR_DIR`),
a new process loading the cached model, one text per call (the judge page and the API) and a
CSV file through `civicloop router classify`. CPU only, one process."""


def run(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="civicloop-bench-router-"))
    os.environ["CIVICLOOP_VAR_DIR"] = str(workdir / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    import sklearn
    from django.core.management import call_command

    from civicloop.events.demo import load_categories
    from civicloop.router import datasets, learning, services, store, text
    from civicloop.router.labels import Resolver

    call_command("migrate", verbosity=0)
    result = {"sklearn": sklearn.__version__}

    started = time.perf_counter()
    model = services.ensure_starter()
    result["first_use"] = time.perf_counter() - started
    result["version"] = model.version
    result["cv"] = (model.metrics["accuracy"], model.metrics["macro_f1"])

    corpus, weak = store.starter_training_set()
    fits = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        learning.fit(learning.BEST, corpus, weak=weak)
        fits.append(time.perf_counter() - started)
    result["fit"] = statistics.median(fits)

    loads = []
    for _ in range(args.repeat):
        store.forget_all()
        started = time.perf_counter()
        pipeline = store.pipeline_for(model)
        loads.append(time.perf_counter() - started)
    result["load"] = statistics.median(loads)

    texts = corpus.texts
    singles = []
    for _ in range(args.repeat):
        text._words.cache_clear()
        for item in texts:
            started = time.perf_counter()
            learning.predict(pipeline, [item], top=4)
            singles.append((time.perf_counter() - started) * 1000)
    result["single_p50"], result["single_p95"] = percentile(singles, 50), percentile(singles, 95)
    result["single_n"] = len(singles)

    # A whole suggestion as the judge page makes it (without recording it): the model's
    # ranked labels turned into county categories and departments (category_map.csv).
    load_categories()
    suggestions = []
    for _ in range(args.repeat):
        text._words.cache_clear()
        for item in texts:
            started = time.perf_counter()
            prediction = learning.predict(pipeline, [item], top=services.ALTERNATIVES + 1)[0]
            services.ranked_choices(prediction, item, Resolver())
            suggestions.append((time.perf_counter() - started) * 1000)
    result["suggest_p50"] = percentile(suggestions, 50)
    result["suggest_p95"] = percentile(suggestions, 95)

    source = workdir / "messages.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([datasets.ID_COLUMN, datasets.TITLE_COLUMN, datasets.BODY_COLUMN])
        for i, row in enumerate(datasets.read_messages(datasets.STARTER_FILE).rows):
            writer.writerow([i, row[datasets.TITLE_COLUMN], row[datasets.BODY_COLUMN]])
    batches = []
    for _ in range(args.repeat):
        text._words.cache_clear()
        started = time.perf_counter()
        count = services.classify_file(source, workdir / "out.csv", model=model)
        batches.append((time.perf_counter() - started) * 1000 / count)
    result["batch_per_text"] = statistics.median(batches)
    result["batch_n"] = count
    result["chars"] = statistics.mean(len(t) for t in texts)
    return result


def report(result: dict, args) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    acc, f1 = result["cv"]
    return f"""### Router — {now}

Machine: {machine()}.  
Command: `python bench/router.py --repeat {args.repeat}` (scikit-learn {result["sklearn"]}, model
`{result["version"]}`: 347 messages of {result["chars"]:.0f} characters on average; its stored 5-fold
cross-validation: accuracy {acc:.3f}, macro-F1 {f1:.3f}).

| what | time |
|---|---:|
| first use of the starter on a new machine (jieba, fit, 5-fold CV, cache) | {result["first_use"]:.1f} s |
| fitting the starter recipe again (texts already segmented) | {result["fit"]:.2f} s |
| a new process loading the cached model | {result["load"] * 1000:.0f} ms |
| one text per call, p50 ({result["single_n"]} calls) | {result["single_p50"]:.1f} ms |
| one text per call, p95 | {result["single_p95"]:.1f} ms |
| one suggestion (model + mapping to county categories, 2 queries), p50 | {result["suggest_p50"]:.1f} ms |
| one suggestion, p95 | {result["suggest_p95"]:.1f} ms |
| `router classify` of a {result["batch_n"]}-row CSV, per text | {result["batch_per_text"]:.2f} ms |
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-write", action="store_true", help="print only; do not update docs/benchmarks.md"
    )
    args = parser.parse_args()
    result = run(args)
    text = report(result, args)
    print("\n" + text)
    if not args.no_write:
        print(f"written to {write_section(MARKER, INTRO, text)}")


if __name__ == "__main__":
    main()
