"""``civicloop kpi SUBJECT [--from DATE] [--to DATE] [--json]``: the figures of a subject.

Each subject's figures are computed by one module (``cases`` → ``civicloop.cases.kpis``);
their definitions are in docs/kpis.md. Without dates the whole database is counted.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import CommandError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand, format_table

# Subject → (report function, period class). A new subject is one line here.
SUBJECTS = {
    "cases": ("civicloop.cases.kpis.report", "civicloop.cases.kpis.Period"),
}


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("%(option)s must be a date like 2026-01-31.") % {"option": name}
        ) from exc


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Print the figures (KPIs) of a subject for a period: "
        "civicloop kpi cases --json --from 2026-01-01."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "subject", choices=sorted(SUBJECTS), help=gettext_lazy("what to report on")
        )
        parser.add_argument(
            "--from", dest="start", metavar="DATE", help=gettext_lazy("first day (YYYY-MM-DD)")
        )
        parser.add_argument(
            "--to", dest="end", metavar="DATE", help=gettext_lazy("last day (YYYY-MM-DD)")
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help=gettext_lazy("print JSON")
        )

    def handle(self, *args, subject, start, end, as_json: bool = False, **options):
        start_date, end_date = _date(start, "--from"), _date(end, "--to")
        if start_date and end_date and end_date < start_date:
            raise CommandError(_("--to cannot be before --from."))
        report_path, period_path = SUBJECTS[subject]
        data = import_string(report_path)(import_string(period_path)(start_date, end_date))
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        rows = [
            (name, json.dumps(value, ensure_ascii=False, default=str))
            for name, value in data.items()
        ]
        self.stdout.write(format_table([_("figure"), _("value")], rows))
