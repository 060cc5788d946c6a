"""``civicloop scoring recompute [--since DATE] | standings PERIOD [--town CODE] | export YEAR FILE``.

* ``recompute`` — bring the points ledger in line with the records now (the worker does it every
  ``CIVICLOOP_SCORING_SECONDS``); idempotent;
* ``standings`` — totals, ranks and ratings of a period (2026Q1, 2026-03, 2026);
* ``export`` — the annual assessment workbook (.xlsx).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.core.management.commandline import LocalisedCommand
from civicloop.org.models import Region
from civicloop.scoring.exporting import annual_workbook
from civicloop.scoring.ledger import recompute
from civicloop.scoring.standings import ScorePeriod, standings


class Command(LocalisedCommand):
    help = gettext_lazy("Staff points: recompute the ledger, show standings, export a year.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="what", required=True)
        again = sub.add_parser("recompute", help=gettext_lazy("recompute the points from records"))
        again.add_argument(
            "--since", default=None, help=gettext_lazy("only records from this day (YYYY-MM-DD)")
        )
        shown = sub.add_parser("standings", help=gettext_lazy("totals, ranks and ratings"))
        shown.add_argument("period", help=gettext_lazy("2026Q1, 2026-03 or 2026"))
        shown.add_argument("--town", default=None, help=gettext_lazy("a town's division code"))
        export = sub.add_parser("export", help=gettext_lazy("the annual assessment workbook"))
        export.add_argument("year", type=int)
        export.add_argument("output", help=gettext_lazy("path of the .xlsx file"))

    def handle(self, *args, what, **options):
        try:
            getattr(self, f"_{what}")(**options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _recompute(self, since=None, **options):
        moment = None
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError(_("Give the day as YYYY-MM-DD.")) from None
            moment = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        result = recompute(since=moment)
        self.stdout.write(
            _(
                "%(created)d entries added, %(changed)d changed, %(removed)d removed, %(same)d unchanged."
            )
            % {
                "created": result.created,
                "changed": result.changed,
                "removed": result.removed,
                "same": result.unchanged,
            }
        )

    def _standings(self, period, town=None, **options):
        region = None
        if town:
            region = Region.objects.filter(code=town).first()
            if region is None:
                raise CommandError(_("No region has the code %(code)s.") % {"code": town})
        for row in standings(ScorePeriod.parse(period), town=region):
            self.stdout.write(
                f"{row.county_rank:>4} {row.town_rank:>4}  {row.person}  "
                f"{row.town or '—'}  {row.total}  {row.grade_label}"
            )

    def _export(self, year, output, **options):
        Path(output).write_bytes(annual_workbook(year))
        self.stdout.write(_("Wrote %(path)s.") % {"path": output})
