"""``civicloop import matters FILE.xlsx [--as USERNAME] [--effective-from DATE] [--dry-run] [--report errors.csv]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.core.management.commandline import LocalisedCommand, actor_from_username
from civicloop.core.spreadsheets import (
    CellError,
    RowError,
    SpreadsheetError,
    parse_date,
    write_error_report,
)
from civicloop.matters.importing import Action, accepted_headers, import_catalog, read_catalog


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Import the enforcement matter catalog from an .xlsx or .csv file (first sheet). Every row is "
        "checked first; if any row has a problem nothing is stored (exit status 1). A row whose wording, "
        "legal basis or fine range changed becomes a new version from --effective-from (default today); "
        "nothing is overwritten."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .xlsx or .csv file"))
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help=gettext_lazy(
                "who makes the change (a county centre operator or leader); "
                "without it the change is recorded as made by the system"
            ),
        )
        parser.add_argument(
            "--effective-from",
            metavar="DATE",
            help=gettext_lazy("start date of new versions when a row gives none (default: today)"),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("check everything, store nothing")
        )
        parser.add_argument(
            "--report",
            metavar="ERRORS.csv",
            help=gettext_lazy("also write the problems to this CSV file"),
        )

    def handle(self, *args, file, username, effective_from, dry_run, report, **options):
        actor = actor_from_username(username) if username else None
        try:
            start = parse_date(effective_from) if effective_from else timezone.localdate()
        except CellError as exc:
            raise CommandError(exc.message) from exc
        path = Path(file)
        try:
            table = read_catalog(path)
            result = import_catalog(
                table, by=actor, effective_from=start, dry_run=dry_run, system=actor is None
            )
        except SpreadsheetError as exc:
            if report:
                write_error_report(report, [RowError(0, "", path.name, exc.message)])
            raise CommandError(exc.message, returncode=1) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message), returncode=1) from exc
        self.stdout.write(
            _("Read %(file)s: header in row %(header)d, %(n)d matters.")
            % {"file": path.name, "header": table.header_row, "n": len(table.rows)}
        )
        errors = result.errors
        if report:
            write_error_report(report, errors)
        if errors:
            self.stderr.write(_("Problems found:"))
            for error in errors:
                self.stderr.write("  " + str(error))
            raise CommandError(
                _(
                    "Nothing was imported: %(bad)d of %(total)d rows have problems. Fix them and run again."
                )
                % {"bad": len({e.row for e in errors}), "total": len(result.rows)},
                returncode=1,
            )
        counts = {
            "created": result.count(Action.CREATE),
            "versions": result.count(Action.NEW_VERSION),
            "changed": result.count(Action.CHANGE),
            "unchanged": result.count(Action.UNCHANGED),
        }
        summary = (
            _(
                "%(created)d new matters, %(versions)d new versions, %(changed)d changed, "
                "%(unchanged)d unchanged."
            )
            % counts
        )
        if dry_run:
            self.stdout.write(_("Dry run, nothing was stored: %(summary)s") % {"summary": summary})
            return
        self.stdout.write(self.style.SUCCESS(_("Imported: %(summary)s") % {"summary": summary}))

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _("Columns: %(headers)s") % {"headers": accepted_headers()}
        return parser
