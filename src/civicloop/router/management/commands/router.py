"""``civicloop router …``: train, apply and evaluate the routing model (智能分拨).

    civicloop router train [--csv FILE] [--folds 5] [--as USERNAME]
    civicloop router classify --in FILE.csv --out FILE.csv [--model active|starter|VERSION] [--bom]
    civicloop router evaluate [--csv FILE] [--folds 5] [--repeat 3] [--baseline]
    civicloop router status

Bad input (a missing column, an empty file, an encoding that is neither UTF-8
nor GB18030) stops with a message and exit status 1, and nothing is written.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import (
    LocalisedCommand,
    actor_from_username,
    format_table,
)
from civicloop.router import datasets, learning, services
from civicloop.router.datasets import CsvProblem
from civicloop.router.learning import TrainingError
from civicloop.router.models import RouterModel


class Command(LocalisedCommand):
    help = gettext_lazy("Train, apply and evaluate the routing model (智能分拨).")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{train,classify,evaluate,status}"
        )

        train = sub.add_parser(
            "train", help=gettext_lazy("train a model from judged events (default) or a CSV file")
        )
        train.add_argument(
            "--csv", type=Path, help=gettext_lazy("labelled CSV with 留言主题, 留言详情, 一级分类")
        )
        train.add_argument(
            "--folds", type=int, default=5, help=gettext_lazy("cross-validation folds (default 5)")
        )
        train.add_argument(
            "--as", dest="username", help=gettext_lazy("who trains (recorded with the model)")
        )

        classify = sub.add_parser(
            "classify", help=gettext_lazy("classify the messages of a CSV file")
        )
        classify.add_argument(
            "--in",
            dest="in_path",
            type=Path,
            required=True,
            help=gettext_lazy(
                "CSV with 留言主题 and 留言详情 (UTF-8 with or without BOM, or GB18030)"
            ),
        )
        classify.add_argument(
            "--out", dest="out_path", type=Path, required=True, help=gettext_lazy("CSV to write")
        )
        classify.add_argument(
            "--model",
            default="active",
            help=gettext_lazy("active (default), starter, or a model version"),
        )
        classify.add_argument(
            "--bom",
            action="store_true",
            help=gettext_lazy("start the output with a UTF-8 BOM (for Excel)"),
        )

        evaluate = sub.add_parser(
            "evaluate", help=gettext_lazy("cross-validate on a labelled CSV file")
        )
        evaluate.add_argument(
            "--csv",
            type=Path,
            help=gettext_lazy("labelled CSV (default: the shipped starter data)"),
        )
        evaluate.add_argument("--folds", type=int, default=5)
        evaluate.add_argument(
            "--repeat",
            type=int,
            default=3,
            help=gettext_lazy(
                "cross-validate with this many shuffles of the folds and report their mean "
                "(default 3: one shuffle moves accuracy by about 0.01)"
            ),
        )
        evaluate.add_argument(
            "--baseline", action="store_true", help=gettext_lazy("also score the baseline recipe")
        )

        status = sub.add_parser(
            "status", help=gettext_lazy("models, and how often dispatchers took the suggestion")
        )
        for parser_ in (train, classify, evaluate, status):
            # Also accepted after the subcommand (`civicloop router evaluate --language en`).
            parser_.add_argument("--language", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        try:
            return getattr(self, f"do_{options['subcommand']}")(options)
        except CsvProblem as exc:
            raise CommandError(str(exc)) from exc
        except (TrainingError, LookupError) as exc:
            raise CommandError(str(exc.args[0] if exc.args else exc)) from exc

    # --- subcommands ----------------------------------------------------------------

    def do_train(self, options):
        by = actor_from_username(options["username"]) if options.get("username") else None
        started = time.monotonic()
        if options.get("csv"):
            report = services.train_from_csv(options["csv"], by=by, folds=options["folds"])
        else:
            report = services.train_from_history(by=by, folds=options["folds"])
        model = report.model
        if report.unchanged:
            self.stdout.write(
                _(
                    "Nothing new to learn: %(version)s was trained on the same texts; it stays in use."
                )
                % {"version": model.version}
            )
            return
        self.stdout.write(
            _("Trained %(version)s on %(n)d texts (%(detail)s) in %(seconds).1f s.")
            % {
                "version": model.version,
                "n": model.n_samples,
                "detail": model.source_detail,
                "seconds": time.monotonic() - started,
            }
        )
        if report.dropped_labels:
            self.stdout.write(
                _("Left out (fewer than %(n)d texts): %(labels)s")
                % {"n": services.MIN_PER_LABEL, "labels": "、".join(report.dropped_labels)}
            )
        if model.metrics:
            self._print_metrics(model.metrics)
        else:
            self.stdout.write(_("Too few texts per label to cross-validate."))
        self.stdout.write(_("It is now the active model."))

    def do_classify(self, options):
        in_path, out_path = options["in_path"], options["out_path"]
        # Check the input completely before loading a model or writing anything.
        datasets.read_messages(in_path)
        model = services.model_named(options["model"])
        count = services.classify_file(in_path, out_path, model=model, bom=options["bom"])
        self.stdout.write(
            _(
                "Classified %(n)d messages with %(version)s into %(path)s "
                "(department: code of the responsible department, department_name: its name)."
            )
            % {"n": count, "version": model.version, "path": out_path}
        )

    def do_evaluate(self, options):
        corpus = (
            datasets.labelled_corpus(options["csv"])
            if options.get("csv")
            else datasets.starter_corpus()
        )
        weak = datasets.taxonomy_corpus()
        recipes = [learning.BASELINE, learning.BEST] if options["baseline"] else [learning.BEST]
        repeat = max(1, options.get("repeat") or 1)
        for recipe in recipes:
            started = time.monotonic()
            runs = [
                learning.cross_validate(
                    recipe, corpus, folds=options["folds"], weak=weak, seed=seed
                )
                for seed in range(repeat)
            ]
            metrics = runs[0]
            self.stdout.write(f"\n{recipe.name}  ({time.monotonic() - started:.1f} s)")
            self._print_metrics(metrics)
            if repeat > 1:
                accuracies = [run["accuracy"] for run in runs]
                self.stdout.write(
                    _(
                        "Mean of %(n)d shuffles of the folds: accuracy %(acc).3f "
                        "(%(each)s), macro-F1 %(f1).3f"
                    )
                    % {
                        "n": repeat,
                        "acc": sum(accuracies) / repeat,
                        "each": " / ".join(f"{a:.3f}" for a in accuracies),
                        "f1": sum(run["macro_f1"] for run in runs) / repeat,
                    }
                )
            self.stdout.write(
                _("Confusion (rows: true label, columns: predicted, in the same order):")
            )
            self.stdout.write(
                format_table(
                    ["", *[str(i + 1) for i in range(len(metrics["labels"]))]],
                    [
                        [f"{i + 1} {label}", *row]
                        for i, (label, row) in enumerate(
                            zip(metrics["labels"], metrics["confusion"], strict=True)
                        )
                    ],
                )
            )

    def do_status(self, options):

        active = services.active_model()
        rows = [
            [
                m.version,
                m.get_source_display(),
                m.n_samples,
                m.trained_at.strftime("%Y-%m-%d %H:%M"),
                "—" if not m.metrics else f"{m.metrics['macro_f1']:.3f}",
                "*" if m.pk == active.pk else ("" if m.is_active else _("off")),
            ]
            for m in RouterModel.objects.all()
        ]
        self.stdout.write(
            format_table(
                [
                    _("version"),
                    _("trained on"),
                    _("texts"),
                    _("trained at"),
                    _("macro-F1"),
                    _("in use"),
                ],
                rows,
            )
        )
        outcome = services.acceptance()
        if outcome:
            self.stdout.write("")
            self.stdout.write(
                format_table(
                    [_("model"), _("shown"), _("judged"), _("same category"), _("same department")],
                    [
                        [
                            r["model__version"],
                            r["shown"],
                            r["judged"],
                            f"{r['accepted']}/{r['with_category']}",
                            r["department_matched"],
                        ]
                        for r in outcome
                    ],
                )
            )

    # --- output -----------------------------------------------------------------------

    def _print_metrics(self, metrics: dict) -> None:
        self.stdout.write(
            _(
                "Stratified %(k)d-fold cross-validation on %(n)d texts: accuracy %(acc).3f, "
                "macro-F1 %(f1).3f"
            )
            % {
                "k": metrics["folds"],
                "n": metrics["n"],
                "acc": metrics["accuracy"],
                "f1": metrics["macro_f1"],
            }
        )
        rows = [
            [label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", s["support"]]
            for label, s in metrics["per_label"].items()
        ]
        self.stdout.write(
            format_table([_("label"), _("precision"), _("recall"), "F1", _("texts")], rows)
        )
