"""``civicloop kpi [SUBJECT] [--from DATE] [--to DATE] [--region CODE] [--json | --xlsx FILE]``:
every registered figure (or a subject's) for a period and place, with the previous period and
the same period last year. ``civicloop kpi --list [SUBJECT]``: each figure's unit and definition.

Each app registers its figures (``core.figures.register_figures``) in its ``AppConfig.ready()``;
their full definitions are in docs/kpis.md. Without dates the whole database is counted (and
there is nothing to compare with). Values are counted from the records (the cockpit reads the
same figures from its rollups); a historical baseline imported for exactly the period and place
is used instead and the cockpit marks it.

The JSON is pinned: ``{"period": {"from", "to"}, "region": CODE | null, "figures": {KEY:
{"value", "previous", "last_year", "definition"}}}``, keys ``subject.name``.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.cockpit import rollups, services
from civicloop.cockpit.exporting import write_board_workbook
from civicloop.core.figures import Period, figures
from civicloop.core.inputs import date_in_range
from civicloop.core.management.commandline import LocalisedCommand, format_table
from civicloop.org.models import Region


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("%(option)s must be a date like 2026-01-31.") % {"option": name}
        ) from exc
    # The same bounds as every date field of the pages and the API (year 9999 overflowed).
    try:
        date_in_range(day)
    except ValidationError as exc:
        raise CommandError(f"{name}: {exc.messages[0]}") from exc
    return day


def _show(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Print the figures (KPIs) for a period and place, with the previous period and last "
        "year: civicloop kpi cases --json --from 2026-01-01 --to 2026-06-30 --region 330424."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "subject",
            nargs="?",
            choices=figures.subjects(),
            help=gettext_lazy("what to report on (default: every figure)"),
        )
        parser.add_argument(
            "--region",
            metavar="CODE",
            help=gettext_lazy("a division code: the county, a town, a village or a grid"),
        )
        parser.add_argument(
            "--xlsx", metavar="FILE", help=gettext_lazy("write the figures to an Excel file")
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
            "--refresh",
            action="store_true",
            help=gettext_lazy(
                "rebuild the cockpit's rollups: the months from --from to --to, or this year "
                "and last"
            ),
        )
        parser.add_argument(
            "--list",
            dest="list_figures",
            action="store_true",
            help=gettext_lazy("list the figures with their unit and definition"),
        )

    def handle(
        self,
        *args,
        subject,
        start,
        end,
        region=None,
        xlsx=None,
        as_json: bool = False,
        list_figures=False,
        refresh=False,
        **options,
    ):
        if refresh:
            self._refresh(_date(start, "--from"), _date(end, "--to"))
            return
        if list_figures:
            self._list(subject, as_json=as_json)
            return
        start_date, end_date = _date(start, "--from"), _date(end, "--to")
        if start_date and end_date and end_date < start_date:
            raise CommandError(_("--to cannot be before --from."))
        place = None
        if region:
            place = Region.objects.filter(code=region).first()
            if place is None:
                raise CommandError(
                    _("No region has the division code %(code)s.") % {"code": region}
                )
        period = Period(start_date, end_date)
        readings = services.read(period, place, subject=subject, exact=True)
        if xlsx:
            with open(xlsx, "wb") as fh:
                where = place.full_name() if place is not None else _("everywhere")
                span = "–".join(day.isoformat() if day else "…" for day in (start_date, end_date))
                write_board_workbook(
                    fh,
                    readings=readings,
                    subject_labels={},
                    chosen=None,
                    ranking=(),
                    title=f"{where} {span}",
                )
            self.stdout.write(
                _("Wrote %(n)d figures to %(file)s.") % {"n": len(readings), "file": xlsx}
            )
            return
        if as_json:
            data = services.pinned(readings, period, place)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return
        rows = [
            (
                reading.key,
                _show(reading.value),
                _show(reading.previous),
                _show(reading.last_year),
            )
            for reading in readings
        ]
        self.stdout.write(
            format_table([_("figure"), _("value"), _("previous period"), _("last year")], rows)
        )

    def _refresh(self, start: dt.date | None, end: dt.date | None) -> None:
        if start and end:
            written = rollups.refresh(start, end)
        elif start or end:
            raise CommandError(_("Give both --from and --to, or neither."))
        else:
            written = rollups.refresh_recent(full=True)
        self.stdout.write(
            _("Rebuilt the rollups of %(figures)d figures: %(rows)d rows.")
            % {"figures": len(written), "rows": sum(written.values())}
        )

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
