"""``civicloop simulate --county CODE --year Y --scale S [--seed N] [--replace] [--yes]``.

Loads a realistic year of operations for capacity planning: ``S`` × Haiyan's yearly volume
(about 45 000 events and 4 500 penalty cases) over ``max(1, round(S))`` counties — the given
county, the other real Jiaxing counties, then synthetic counties (see
``civicloop.site.simulate``). Rows are bulk-written without history or notifications.
"""

from __future__ import annotations

import datetime as dt
import resource

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from civicloop.core.management.commandline import LocalisedCommand, format_table
from civicloop.site.simulate.calendar import FIRST_YEAR, LAST_YEAR
from civicloop.site.simulate.loader import (
    already_simulated,
    live_data_present,
    simulate,
    year_is_supported,
)
from civicloop.site.simulate.regions import JIAXING, max_scale, plan_counties


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Load a simulated year of operations for capacity planning: SCALE × Haiyan's yearly "
        "volume (about 45 000 events and 4 500 penalty cases) over round(SCALE) counties — the "
        "given county, the other real Jiaxing counties, then SYNTHETIC counties (codes 3399NN, "
        "named 模拟县NN, towns and villages copied from a Jiaxing county). The rows are "
        "bulk-written through the models, NOT through the workflow: no history (audit trail), "
        "no notifications. Never use it on a database whose records matter."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--county",
            default="330424",
            choices=JIAXING,
            help=gettext_lazy(
                "the real Jiaxing county simulated first (default: %(default)s, Haiyan)"
            ),
        )
        parser.add_argument(
            "--year",
            type=int,
            default=dt.date.today().year - 1,
            help=gettext_lazy("the calendar year simulated (default: last year, %(default)s)"),
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=gettext_lazy(
                "volume in Haiyan-years: 1 is one county, 90 about a province, 0.01 a test "
                "(default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help=gettext_lazy(
                "random seed; the same seed gives the same rows (default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=gettext_lazy(
                "delete the simulated rows of these counties and year first (otherwise a "
                "second run for them is refused)"
            ),
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help=gettext_lazy(
                "write even though the database holds events or cases that were not simulated"
            ),
        )

    def handle(self, *args, county, year, scale, seed, replace, yes, **options):
        if not year_is_supported(year):
            raise CommandError(
                _("Choose a year from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if not 0 < scale <= max_scale():
            raise CommandError(
                _("The scale must be above 0 and at most %(max)d.") % {"max": max_scale()}
            )
        call_command("migrate", interactive=False, verbosity=0)
        if live_data_present() and not yes:
            raise CommandError(
                _(
                    "This database holds events or cases that were not simulated. Simulated "
                    "rows have no audit trail and would mix with them: use an empty database "
                    "(or pass --yes if you are sure)."
                )
            )
        plans = plan_counties(county, scale)
        done = already_simulated(plans, year)
        if done and not replace:
            raise CommandError(
                _("%(counties)s already simulated for %(year)d; pass --replace to load them again.")
                % {"counties": ", ".join(f"{p.code} {p.name}" for p in done), "year": year}
            )
        synthetic = [p for p in plans if p.synthetic]
        self.stdout.write(
            _(
                "Simulating %(year)d at scale %(scale)g: %(n)d counties (%(synthetic)d synthetic) "
                "on %(engine)s, seed %(seed)d. No history is written."
            )
            % {
                "year": year,
                "scale": scale,
                "n": len(plans),
                "synthetic": len(synthetic),
                "engine": connection.vendor,
                "seed": seed,
            }
        )
        self.stdout.flush()
        report = simulate(
            county=county, year=year, scale=scale, seed=seed, replace=replace, say=self._county
        )
        rows = [
            (label, timing.rows, f"{timing.seconds:.2f}", f"{timing.rate:,.0f}")
            for label, timing in report.tables.items()
        ]
        write_seconds = sum(t.seconds for t in report.tables.values())
        rows.append(
            (
                _("all tables"),
                report.rows,
                f"{write_seconds:.2f}",
                f"{report.rows / write_seconds:,.0f}" if write_seconds else "—",
            )
        )
        self.stdout.write(
            format_table(
                [pgettext("database", "table"), _("rows"), _("seconds"), _("rows/s")], rows
            )
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            _(
                "Organisation and clean-up %(setup).1f s, generated in %(generate).1f s, "
                "written in %(write).1f s, committed in %(commit).1f s; total %(total).1f s "
                "(%(rate)s rows/s overall), peak memory %(memory).0f MB."
            )
            % {
                "commit": report.commit_seconds,
                "setup": report.setup_seconds,
                "generate": report.generate_seconds,
                "write": write_seconds,
                "total": report.total_seconds,
                "rate": f"{report.rows / report.total_seconds:,.0f}",
                "memory": peak_mb,
            }
        )
        if report.rollups_seconds is not None:
            self.stdout.write(
                _("Cockpit rollups refreshed in %(s).1f s.") % {"s": report.rollups_seconds}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Simulated %(events)d events and %(cases)d cases.")
                % {
                    "events": sum(c[1] for c in report.counties),
                    "cases": sum(c[2] for c in report.counties),
                }
            )
        )

    def _county(self, _what, plan, events, cases, seconds) -> None:
        label = pgettext("county", "synthetic") if plan.synthetic else pgettext("county", "real")
        self.stdout.write(
            "  "
            + _("%(code)s %(name)s (%(kind)s): %(events)d events, %(cases)d cases in %(s).1f s")
            % {
                "code": plan.code,
                "name": plan.name,
                "kind": label,
                "events": events,
                "cases": cases,
                "s": seconds,
            }
        )
        self.stdout.flush()
