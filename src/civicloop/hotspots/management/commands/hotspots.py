"""``civicloop hotspots …``: high-frequency analysis, the spike scan, and measuring both detectors.

    civicloop hotspots top [--town CODE | --place CODE] [--from DATE] [--to DATE] [--period week]
                           [--by category|matter] [--limit 10] [--out FILE.xlsx] [--as USERNAME]
    civicloop hotspots scan [--at DATE] [--days N]
    civicloop hotspots evaluate [--duplicates | --spikes] [--threshold 0.18] [--seed 2026] [--rounds 2000]
                                [--places 60] [--no-variants]

``top`` counts every event unless ``--as`` names a member of staff, whose scope then
applies. ``scan`` tests the window ending on ``--at`` (today by default); with
``--days N`` it scans the N days ending there one after the other, as the worker
would have (e.g. after importing events).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import (
    LocalisedCommand,
    actor_from_username,
    format_table,
)
from civicloop.events.models import Event
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from ... import conf, evaluation, services
from ...analysis import Window, period_window, top_subjects
from ...choices import Dimension, Period
from ...exporting import write_top_workbook
from ...permissions import covers


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {raw!r}") from exc


class Command(LocalisedCommand):
    help = gettext_lazy(
        "High-frequency analysis (高发频发), the spike scan (突发预警) and their measurement."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{top,scan,evaluate}")

        top = sub.add_parser(
            "top",
            help=gettext_lazy("the most frequent categories or matters at a place in a period"),
        )
        where = top.add_mutually_exclusive_group()
        where.add_argument("--town", help=gettext_lazy("division code of a town (9 or 12 digits)"))
        where.add_argument(
            "--place", help=gettext_lazy("division code of any place (default: the county)")
        )
        top.add_argument(
            "--from", dest="start", type=_date, help=gettext_lazy("first day (YYYY-MM-DD)")
        )
        top.add_argument("--to", dest="end", type=_date, help=gettext_lazy("last day (YYYY-MM-DD)"))
        top.add_argument(
            "--period",
            choices=Period.values,
            default=Period.WEEK,
            help=gettext_lazy(
                "without dates, the current day/week/month; also the chart's steps (default: week)"
            ),
        )
        top.add_argument(
            "--by", dest="dimension", choices=Dimension.values, default=Dimension.CATEGORY
        )
        top.add_argument("--limit", type=int, default=10)
        top.add_argument(
            "--out", type=Path, help=gettext_lazy("also write the analysis to this .xlsx file")
        )
        top.add_argument(
            "--as", dest="username", help=gettext_lazy("apply this staff member's scope")
        )

        scan = sub.add_parser("scan", help=gettext_lazy("raise or extend spike warnings"))
        scan.add_argument(
            "--at", type=_date, help=gettext_lazy("last day of the window (default: today)")
        )
        scan.add_argument(
            "--days",
            type=int,
            default=1,
            help=gettext_lazy("scan this many days ending on --at (default: 1)"),
        )

        evaluate = sub.add_parser(
            "evaluate",
            help=gettext_lazy("precision/recall of duplicates, recall/false warnings of spikes"),
        )
        only = evaluate.add_mutually_exclusive_group()
        only.add_argument(
            "--duplicates", action="store_true", help=gettext_lazy("only the duplicate detector")
        )
        only.add_argument(
            "--spikes", action="store_true", help=gettext_lazy("only the spike detector")
        )
        evaluate.add_argument(
            "--threshold",
            type=float,
            help=gettext_lazy("similarity threshold (default: the configured one)"),
        )
        evaluate.add_argument(
            "--seed",
            type=int,
            default=2026,
            help=gettext_lazy("seed of the simulation (default: 2026)"),
        )
        evaluate.add_argument(
            "--rounds",
            type=int,
            default=2000,
            help=gettext_lazy("bootstrap rounds (default: 2000)"),
        )
        evaluate.add_argument(
            "--places",
            type=int,
            help=gettext_lazy("simulate fewer places (default: 60; for a quick look)"),
        )
        evaluate.add_argument(
            "--no-variants",
            action="store_true",
            help=gettext_lazy("only the chosen parameters, not the comparison with other settings"),
        )
        for parser_ in (top, scan, evaluate):
            parser_.add_argument("--language", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        return getattr(self, f"do_{options['subcommand']}")(options)

    # --- top --------------------------------------------------------------------------------------

    def _place(self, options) -> Region:
        code = options.get("town") or options.get("place")
        if not code:
            place = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
            if place is None:
                raise CommandError(_("There is no county yet: load the organisation first."))
            return place
        code = code.strip()
        if options.get("town") and len(code) == 9:
            code += "000"
        place = Region.objects.filter(code=code).first()
        if place is None:
            raise CommandError(_("No place has the division code %(code)s.") % {"code": code})
        if options.get("town") and place.level != RegionLevel.TOWN:
            raise CommandError(_("%(code)s is not a town.") % {"code": code})
        return place

    def do_top(self, options):
        out = options.get("out")
        if out is not None and out.suffix.lower() != ".xlsx":
            raise CommandError(_("Give a file name ending in .xlsx."))
        if options["limit"] < 1:
            raise CommandError(_("--limit must be at least 1."))
        place = self._place(options)
        events = Event.objects.all()
        if options.get("username"):
            user = actor_from_username(options["username"])
            if not covers(user, place):
                raise CommandError(
                    _("%(place)s is outside the area of %(username)s.")
                    % {"place": place.name, "username": user.username}
                )
            events = Event.objects.visible_to(user)
        start, end = options.get("start"), options.get("end")
        if start and end:
            if end < start:
                raise CommandError(_("--to comes before --from."))
            window = Window(start, end)
        else:
            window = period_window(options["period"], start or end or timezone.localdate())
        report = top_subjects(
            events,
            place=place,
            window=window,
            period=options["period"],
            dimension=options["dimension"],
            limit=options["limit"],
        )
        self.stdout.write(
            _(
                "%(place)s, %(start)s – %(end)s: %(total)d events (previous period %(pstart)s – "
                "%(pend)s: %(previous)d)."
            )
            % {
                "place": place.full_name() or place.name,
                "start": window.start,
                "end": window.end,
                "total": report.total,
                "pstart": report.previous.start,
                "pend": report.previous.end,
                "previous": report.previous_total,
            }
        )
        rows = [
            [
                r.rank,
                r.subject.code or "—",
                r.subject.name,
                r.count,
                f"{r.share_percent:.1f}%",
                r.previous,
                f"{r.change:+d}",
                "—" if r.change_percent is None else f"{r.change_percent:+.0f}%",
            ]
            for r in report.rows
        ]
        self.stdout.write(
            format_table(
                [
                    "#",
                    _("code"),
                    _("subject"),
                    _("events"),
                    _("share"),
                    _("previous period"),
                    _("change"),
                    _("change %"),
                ],
                rows,
            )
        )
        if out is not None:
            write_top_workbook(report, out)
            self.stdout.write(_("Wrote %(path)s.") % {"path": out})

    # --- scan -------------------------------------------------------------------------------------

    def do_scan(self, options):
        at = options.get("at") or timezone.localdate()
        days = options["days"]
        if days < 1:
            raise CommandError(_("--days must be at least 1."))
        raised = extended = tested = 0
        for offset in range(days - 1, -1, -1):
            report = services.scan_spikes(at=at - dt.timedelta(days=offset))
            tested += report.tested
            raised += len(report.raised)
            extended += len(report.extended)
            for warning in report.raised:
                self.stdout.write(
                    _(
                        "%(day)s raised: %(subject)s in %(place)s, %(observed)d events where %(expected).1f "
                        "expected (#%(id)d)"
                    )
                    % {
                        "day": report.at,
                        "subject": warning.subject_name,
                        "place": warning.region.name,
                        "observed": warning.observed,
                        "expected": warning.expected,
                        "id": warning.pk,
                    }
                )
        self.stdout.write(
            _(
                "Scanned %(days)d day(s) up to %(at)s: %(tested)d windows tested, %(raised)d warnings "
                "raised, %(extended)d extended."
            )
            % {"days": days, "at": at, "tested": tested, "raised": raised, "extended": extended}
        )

    # --- evaluate ---------------------------------------------------------------------------------

    def do_evaluate(self, options):
        if not options["spikes"]:
            self._duplicates(options)
        if not options["duplicates"]:
            self._spikes(options)

    def _duplicates(self, options):
        threshold = options.get("threshold") or conf.duplicate_settings().threshold
        started = time.monotonic()
        result = evaluation.evaluate_duplicates(threshold, rounds=options["rounds"])
        p = result.at_threshold
        ci = result.interval
        self.stdout.write(
            _(
                "Duplicates: %(pairs)d labelled pairs of real messages (%(duplicates)d duplicates), "
                "standing for %(population)d pairs posted within 30 days; estimated %(positives).0f "
                "duplicate pairs."
            )
            % {
                "pairs": result.pairs,
                "duplicates": result.duplicates,
                "population": result.population,
                "positives": result.positives,
            }
        )
        self.stdout.write(
            _(
                "At similarity ≥ %(t).2f: precision %(p).3f [%(p0).3f–%(p1).3f], recall %(r).3f "
                "[%(r0).3f–%(r1).3f], F1 %(f).3f [%(f0).3f–%(f1).3f] (95%% bootstrap intervals)."
            )
            % {
                "t": threshold,
                "p": p.precision,
                "p0": ci["precision"][0],
                "p1": ci["precision"][1],
                "r": p.recall,
                "r0": ci["recall"][0],
                "r1": ci["recall"][1],
                "f": p.f1,
                "f0": ci["f1"][0],
                "f1": ci["f1"][1],
            }
        )
        tf = result.two_fold
        self.stdout.write(
            _(
                "Threshold chosen on one half, measured on the other (both ways): thresholds %(ts)s, "
                "precision %(p).3f, recall %(r).3f, F1 %(f).3f."
            )
            % {
                "ts": ", ".join(f"{t:.2f}" for t in tf["thresholds"]),
                "p": tf["precision"],
                "r": tf["recall"],
                "f": tf["f1"],
            }
        )
        w = result.without_big_clusters
        self.stdout.write(
            _(
                "Without pairs inside the two largest clusters (%(clusters)s): precision %(p).3f, "
                "recall %(r).3f, F1 %(f).3f."
            )
            % {
                "clusters": ", ".join(f"{k}: {v}" for k, v in result.big_cluster_pairs.items()),
                "p": w.precision,
                "r": w.recall,
                "f": w.f1,
            }
        )
        self.stdout.write(
            format_table(
                [_("threshold"), _("precision"), _("recall"), _("F1"), _("pairs suggested (est.)")],
                [
                    [
                        f"{x.threshold:.2f}",
                        f"{x.precision:.3f}",
                        f"{x.recall:.3f}",
                        f"{x.f1:.3f}",
                        f"{x.suggested:.0f}",
                    ]
                    for x in result.table
                ],
            )
        )
        self.stdout.write(
            format_table(
                [_("stratum"), _("pairs"), _("labelled"), _("duplicates")],
                [
                    [row["stratum"], row["pairs"], row["sampled"], row["duplicates"]]
                    for row in result.per_stratum
                ],
            )
        )
        self.stdout.write(_("(%(s).1f s)") % {"s": time.monotonic() - started})

    def _spikes(self, options):
        started = time.monotonic()
        params = conf.spike_parameters()
        if options.get("places") is not None and options["places"] < 1:
            raise CommandError(_("--places must be at least 1."))
        result = evaluation.evaluate_spikes(
            params,
            seed=options["seed"],
            variants=not options["no_variants"],
            places=options.get("places"),
        )
        main = result.main
        scenario = main.scenario
        self.stdout.write("")
        self.stdout.write(
            _(
                "Spikes: %(places)d places × %(subjects)d subjects × %(days)d days of simulated counts "
                "(seed %(seed)d), %(spikes)d injected spikes; window %(w)d days, baseline %(b)d days, "
                "alpha %(a)g, at least %(m)d events."
            )
            % {
                "places": scenario.places,
                "subjects": scenario.subjects,
                "days": scenario.days,
                "seed": scenario.seed,
                "spikes": len(main.spikes),
                "w": params.window_days,
                "b": params.baseline_days,
                "a": params.alpha,
                "m": params.min_count,
            }
        )
        self.stdout.write(
            format_table(
                [_("extra events"), _("spikes"), _("found"), _("recall"), _("median delay (days)")],
                [
                    [
                        size,
                        row["spikes"],
                        row["detected"],
                        f"{row['recall']:.2f}",
                        "—"
                        if row["median_delay_days"] is None
                        else f"{row['median_delay_days']:.0f}",
                    ]
                    for size, row in main.by_size.items()
                ],
            )
        )
        self.stdout.write(
            _(
                "False warnings: %(n)d, i.e. %(rate).2f per 1,000 place-days (%(series).3f per 1,000 "
                "place × subject days)."
            )
            % {
                "n": main.false_warnings,
                "rate": main.false_per_1000_place_days,
                "series": main.false_per_1000_series_days,
            }
        )
        rows = []
        for label, variant in [(_("chosen"), main), *result.variants]:
            rows.append(
                [
                    label,
                    *[f"{variant.by_size[size]['recall']:.2f}" for size in variant.by_size],
                    f"{variant.false_per_1000_place_days:.2f}",
                ]
            )
        self.stdout.write(
            format_table(
                [
                    _("variant"),
                    *[f"+{size}" for size in main.by_size],
                    _("false / 1,000 place-days"),
                ],
                rows,
            )
        )
        self.stdout.write(_("(%(s).1f s)") % {"s": time.monotonic() - started})
