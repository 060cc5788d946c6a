"""``civicloop import leniency FILE.xlsx [--as USERNAME] [--effective-from DATE] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.core.management.commandline import LocalisedCommand, actor_from_username
from civicloop.core.spreadsheets import CellError, SpreadsheetError, parse_date
from civicloop.leniency.importing import Action, accepted_headers, import_list, read_list_file


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Import the exemption and reduction list (一免一减) from an .xlsx or .csv file (first sheet). Every "
        "row is checked first; if any row has a problem nothing is stored (exit status 1). A changed row "
        "becomes a new version; nothing is overwritten."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .xlsx or .csv file"))
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help=gettext_lazy(
                "who makes the change (a county centre operator or county leader); without it "
                "the change is recorded as made by the system"
            ),
        )
        parser.add_argument(
            "--effective-from",
            metavar="DATE",
            help=gettext_lazy(
                "start date of items and versions when a row gives none (default: today)"
            ),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("check everything, store nothing")
        )

    def handle(self, *args, file, username, effective_from, dry_run, **options):
        actor = actor_from_username(username) if username else None
        try:
            start = parse_date(effective_from) if effective_from else timezone.localdate()
        except CellError as exc:
            raise CommandError(exc.message) from exc
        path = Path(file)
        try:
            table = read_list_file(path)
            result = import_list(
                table, by=actor, effective_from=start, dry_run=dry_run, system=actor is None
            )
        except SpreadsheetError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message), returncode=1) from exc
        self.stdout.write(
            _("Read %(file)s: header in row %(header)d, %(n)d items.")
            % {"file": path.name, "header": table.header_row, "n": len(table.rows)}
        )
        if result.errors:
            self.stderr.write(_("Problems found:"))
            for error in result.errors:
                self.stderr.write("  " + str(error))
            raise CommandError(
                _(
                    "Nothing was imported: %(bad)d of %(total)d rows have problems. Fix them and run "
                    "again."
                )
                % {"bad": len({e.row for e in result.errors}), "total": len(result.rows)},
                returncode=1,
            )
        summary = _(
            "%(created)d new items, %(versions)d new versions, %(unchanged)d unchanged."
        ) % {
            "created": result.count(Action.CREATE),
            "versions": result.count(Action.NEW_VERSION),
            "unchanged": result.count(Action.UNCHANGED),
        }
        if dry_run:
            self.stdout.write(_("Dry run, nothing was stored: %(summary)s") % {"summary": summary})
            return
        self.stdout.write(self.style.SUCCESS(_("Imported: %(summary)s") % {"summary": summary}))

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _("Columns: %(headers)s") % {"headers": accepted_headers()}
        return parser
