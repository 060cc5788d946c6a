"""``civicloop import baselines FILE.xlsx [--as USERNAME]``: historical baselines of figures."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.cockpit.baselines import SPEC, import_baselines, read_baselines_file
from civicloop.core.management.commandline import LocalisedCommand, actor_from_username
from civicloop.core.spreadsheets import SpreadsheetError


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Import historical baselines of figures (the years before the system) from an .xlsx or "
        ".csv file, so the first year already compares with the year before. Every row is "
        "checked first; if any row has a problem nothing is stored (exit status 1)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .xlsx or .csv file"))
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help=gettext_lazy("who imports (recorded with each baseline)"),
        )

    def handle(self, *args, file, username, **options):
        actor = actor_from_username(username) if username else None
        path = Path(file)
        try:
            table = read_baselines_file(path)
        except SpreadsheetError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        result = import_baselines(table, by=actor, source=path.name)
        if result.errors:
            self.stderr.write(_("Problems found:"))
            for error in result.errors:
                self.stderr.write("  " + str(error))
            raise CommandError(
                _(
                    "Nothing was imported: %(bad)d of %(total)d rows have problems. Fix them and "
                    "run again."
                )
                % {"bad": len({e.row for e in result.errors}), "total": result.rows},
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(created)d new baselines, replaced %(replaced)d, %(same)d unchanged.")
                % {
                    "created": result.created,
                    "replaced": result.replaced,
                    "same": result.unchanged,
                }
            )
        )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _("Columns: %(headers)s") % {"headers": SPEC.accepted_headers()}
        return parser
