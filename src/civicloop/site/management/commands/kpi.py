"""``civicloop kpi SUBJECT [--from DATE] [--to DATE] [--json]``: the figures of a subject.
``civicloop kpi --list [SUBJECT]``: each figure's unit and definition.

Each app registers its figures (``core.figures.register_figures``) in its ``AppConfig.ready()``;
a subject's figures may come from several apps (``cases`` includes the leniency app's). Their
full definitions are in docs/kpis.md. Without dates the whole database is counted.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand, format_table
from civicloop.core.figures import Period, figures


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
            "subject",
            nargs="?",
            choices=figures.subjects(),
            help=gettext_lazy("what to report on"),
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
        parser.add_argument(
            "--list",
            dest="list_figures",
            action="store_true",
            help=gettext_lazy("list the figures with their unit and definition"),
        )

    def handle(
        self, *args, subject, start, end, as_json: bool = False, list_figures=False, **options
    ):
        if list_figures:
            self._list(subject, as_json=as_json)
            return
        if not subject:
            raise CommandError(
                _("Name a subject (%(subjects)s), or --list the figures.")
                % {"subjects": ", ".join(figures.subjects())}
            )
        start_date, end_date = _date(start, "--from"), _date(end, "--to")
        if start_date and end_date and end_date < start_date:
            raise CommandError(_("--to cannot be before --from."))
        data = figures.report(subject, Period(start_date, end_date))
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        rows = [
            (name, json.dumps(value, ensure_ascii=False, default=str))
            for name, value in data.items()
        ]
        self.stdout.write(format_table([_("figure"), _("value")], rows))

    def _list(self, subject: str | None, *, as_json: bool) -> None:
        listed = [f for f in figures if subject is None or f.subject == subject]
        if as_json:
            data = [
                {
                    "subject": f.subject,
                    "name": f.name,
                    "unit": str(f.unit),
                    "definition": str(f.definition),
                }
                for f in listed
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        rows = [(f.subject, f.name, f.unit, f.definition) for f in listed]
        self.stdout.write(
            format_table([_("subject"), _("figure"), _("unit"), _("definition")], rows)
        )
