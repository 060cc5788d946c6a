"""``civicloop discretion scan --benchmark BENCH.csv --in CASES.csv --out FLAGS.csv``: the
discretion risk scan over two self-contained files (columns pinned in docs/discretion.md).

``civicloop discretion sweep [--since DATE]``: the same rules over the decided cases in the
database, writing risk flags for the review queue (what the worker runs daily)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand, format_table
from civicloop.discretion.risks import sweep
from civicloop.discretion.scan import FLAG_ORDER, ScanError, run


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("--since must be a date (YYYY-MM-DD), not “%(text)s”.") % {"text": text}
        ) from None


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Penalty discretion (行政处罚裁量): scan decided penalties for 畸轻畸重 risks."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{scan,sweep}")
        scan = sub.add_parser(
            "scan",
            help=gettext_lazy(
                "flag fines outside the statutory range or the tier's band, peer outliers and "
                "the same facts fined differently; every row is checked first and nothing is "
                "written if any row is bad"
            ),
        )
        scan.add_argument(
            "--benchmark",
            required=True,
            type=Path,
            help=gettext_lazy("BENCH.csv: statutory ranges and tier bands per matter"),
        )
        scan.add_argument(
            "--in",
            dest="cases",
            required=True,
            type=Path,
            help=gettext_lazy("CASES.csv: the decided cases"),
        )
        scan.add_argument(
            "--out", required=True, type=Path, help=gettext_lazy("FLAGS.csv to write")
        )

        sweep_parser = sub.add_parser(
            "sweep",
            help=gettext_lazy(
                "flag the risks of the decided cases in the database for the review queue; "
                "flags that still hold are updated, open ones no longer found are resolved"
            ),
        )
        sweep_parser.add_argument(
            "--since",
            type=str,
            default=None,
            metavar="YYYY-MM-DD",
            help=gettext_lazy(
                "only cases decided on or after this date get flags written (peers are all "
                "decided cases)"
            ),
        )

    def handle(self, *args, subcommand, **options):
        if subcommand == "sweep":
            return self.sweep(options["since"])
        return self.scan(options["benchmark"], options["cases"], options["out"])

    def sweep(self, since: str | None) -> None:
        day = _date(since) if since else None
        report = sweep(since=day)
        rows = [(flag, report.found[flag], report.open_by_kind[flag]) for flag in FLAG_ORDER]
        self.stdout.write(format_table([_("flag"), _("new"), _("open")], rows))
        self.stdout.write(
            _(
                "Swept %(cases)d decided cases (%(skipped)d without a matter or party type "
                "skipped): %(found)d flags found, %(updated)d updated, %(resolved)d no longer "
                "found. Run %(run)s."
            )
            % {
                "cases": report.cases,
                "skipped": report.skipped,
                "found": report.total_found,
                "updated": report.updated,
                "resolved": report.resolved,
                "run": report.run,
            }
        )

    def scan(self, benchmark, cases, out) -> None:
        started = time.perf_counter()
        try:
            result = run(benchmark, cases, out)
        except ScanError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        if result.problems:
            for problem in result.problems:
                self.stderr.write("  " + str(problem))
            raise CommandError(
                _("Nothing was written: %(n)d problems in the input files.")
                % {"n": len(result.problems)},
                returncode=1,
            )
        rows = [(flag, result.flagged[flag]) for flag in FLAG_ORDER]
        self.stdout.write(format_table([_("flag"), _("cases")], rows))
        self.stdout.write(
            _("Scanned %(n)d cases in %(seconds).1f s; wrote %(out)s.")
            % {"n": result.rows, "seconds": time.perf_counter() - started, "out": out}
        )
