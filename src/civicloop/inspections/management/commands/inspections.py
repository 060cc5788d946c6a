"""``civicloop inspections …``: 双随机 draws and 综合查一次 plans from files (C11, deliverable 7).

    civicloop inspections draw --subjects SUBJECTS.csv --inspectors INSPECTORS.csv
                               --ratio STRATUM=R[,...] --seed S --out DRAW.csv
                               [--per-subject 2] [--qualification Q]
    civicloop inspections plan --subjects SUBJECTS.csv --tasks TASKS.csv
                               --inspectors INSPECTORS.csv [--window-days N] --out VISITS.csv
                               [--time-limit 60]

Self-contained: everything comes from the files, nothing is read from or written to the
database. Strata are the subjects' risk grades. A bad row, an impossible draw or an infeasible
plan stops the command with the line or task and the reason, and no output file is written.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.core.spreadsheets import SpreadsheetError

from ... import batchfiles
from ...drawing import MIN_OFFICERS_PER_VISIT, RISK_GRADES, DrawError, draw
from ...planning import PlanningError, plan_visits


def _ratios(raw: str) -> dict[str, Decimal]:
    ratios: dict[str, Decimal] = {}
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        stratum, sep, value = part.partition("=")
        stratum = stratum.strip().upper()
        try:
            ratio = Decimal(value.strip())
        except InvalidOperation:
            ratio = None
        if not sep or stratum not in RISK_GRADES or ratio is None or not (0 <= ratio <= 1):
            raise argparse.ArgumentTypeError(
                f"write STRATUM=R with a risk grade A–D and a ratio from 0 to 1, not {part!r}"
            )
        ratios[stratum] = ratio
    return ratios


class Command(LocalisedCommand):
    help = gettext_lazy("双随机 draws and 综合查一次 joint-visit plans from CSV files.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{draw,plan}")

        drawing = sub.add_parser(
            "draw", help=gettext_lazy("draw subjects by risk grade and their inspectors")
        )
        drawing.add_argument("--subjects", required=True, help="SUBJECTS.csv")
        drawing.add_argument("--inspectors", required=True, help="INSPECTORS.csv")
        drawing.add_argument(
            "--ratio",
            required=True,
            action="append",
            type=_ratios,
            help=gettext_lazy("sampling ratio per risk grade, e.g. A=0.05,B=0.1,C=0.3,D=1"),
        )
        drawing.add_argument(
            "--seed", required=True, help=gettext_lazy("the published seed of the draw")
        )
        drawing.add_argument("--out", required=True, help="DRAW.csv")
        drawing.add_argument(
            "--per-subject",
            type=int,
            default=MIN_OFFICERS_PER_VISIT,
            help=gettext_lazy("inspectors per drawn subject (at least 2, 行政处罚法 Art. 42)"),
        )
        drawing.add_argument(
            "--qualification",
            help=gettext_lazy("draw inspectors only from holders of this qualification"),
        )

        planning = sub.add_parser("plan", help=gettext_lazy("merge tasks into joint visits"))
        planning.add_argument("--subjects", required=True, help="SUBJECTS.csv")
        planning.add_argument("--tasks", required=True, help="TASKS.csv")
        planning.add_argument("--inspectors", required=True, help="INSPECTORS.csv")
        planning.add_argument(
            "--window-days",
            type=int,
            help=gettext_lazy(
                "merged tasks' earliest dates at most N days apart (default: no cap)"
            ),
        )
        planning.add_argument("--out", required=True, help="VISITS.csv")
        planning.add_argument(
            "--time-limit",
            type=float,
            default=60.0,
            help=gettext_lazy("seconds the solver may use (default: 60)"),
        )
        for parser_ in (drawing, planning):
            parser_.add_argument("--language", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        try:
            return getattr(self, f"do_{options['subcommand']}")(options)
        except (SpreadsheetError, batchfiles.BatchFileError, DrawError, PlanningError) as exc:
            raise CommandError(str(exc)) from exc

    def do_draw(self, options):
        ratios: dict[str, Decimal] = {}
        for part in options["ratio"]:
            ratios.update(part)
        subjects = batchfiles.read_subjects(options["subjects"])
        inspectors = batchfiles.read_inspectors(options["inspectors"])
        result = draw(
            subjects,
            inspectors,
            ratios=ratios,
            seed=options["seed"],
            inspectors_per_subject=options["per_subject"],
            qualification=options.get("qualification") or None,
        )
        batchfiles.write_draw(options["out"], result)
        self.stdout.write(
            _(
                "Drew %(picks)d of %(subjects)d subjects. Algorithm %(version)s, seed %(seed)s, "
                "inputs hash %(hash)s. Wrote %(path)s."
            )
            % {
                "picks": len(result.picks),
                "subjects": len(subjects),
                "version": result.algorithm_version,
                "seed": result.seed,
                "hash": result.inputs_hash,
                "path": options["out"],
            }
        )

    def do_plan(self, options):
        if options.get("window_days") is not None and options["window_days"] < 0:
            raise CommandError(_("--window-days cannot be negative."))
        subjects = batchfiles.read_subjects(options["subjects"])
        inspectors = batchfiles.read_inspectors(options["inspectors"])
        tasks = batchfiles.read_tasks(options["tasks"], (s.subject_id for s in subjects))
        result = plan_visits(
            subjects,
            tasks,
            inspectors,
            window_days=options.get("window_days"),
            time_limit_seconds=options["time_limit"],
        )
        batchfiles.write_visits(options["out"], result)
        self.stdout.write(
            _(
                "%(tasks)d tasks in %(visits)d visits (lower bound %(bound)d, %(reduction).1f%% "
                "fewer than one visit per task; solver %(solver)s%(optimal)s). Wrote %(path)s."
            )
            % {
                "tasks": result.tasks,
                "visits": len(result.visits),
                "bound": result.lower_bound,
                "reduction": 100 * result.reduction,
                "solver": result.solver,
                "optimal": _(", optimal") if result.optimal else "",
                "path": options["out"],
            }
        )
