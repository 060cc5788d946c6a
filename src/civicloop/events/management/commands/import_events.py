"""``civicloop import events FILE --as USERNAME [--skip-bad-rows] [--report errors.csv]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand, actor_from_username
from civicloop.core.spreadsheets import RowError, SpreadsheetError, write_error_report
from civicloop.events.importing import accepted_headers, import_events, read_table


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Import events from an .xlsx or .csv file (UTF-8 or GB18030). Every row is checked first; "
        "if any row is bad nothing is imported (exit status 1) unless --skip-bad-rows. "
        "Each row is recorded through the intake service as the --as user."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .xlsx or .csv file"))
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            metavar="USERNAME",
            help=gettext_lazy("the staff member recording the events (must serve where they are)"),
        )
        parser.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help=gettext_lazy("import the good rows and report the bad ones"),
        )
        parser.add_argument(
            "--report",
            metavar="ERRORS.csv",
            help=gettext_lazy("also write the problems to this CSV file (opens in Excel)"),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("check everything, store nothing")
        )

    def handle(self, *args, file, username, skip_bad_rows, report, dry_run, **options):
        actor = actor_from_username(username)
        path = Path(file)
        try:
            table = read_table(path)
            result = import_events(
                table,
                actor=actor,
                skip_bad_rows=skip_bad_rows,
                dry_run=dry_run,
                source_name=path.name,
            )
        except SpreadsheetError as exc:
            if report:
                write_error_report(report, [RowError(0, "", path.name, exc.message)])
            raise CommandError(exc.message, returncode=1) from exc

        kind = (
            _("Excel workbook")
            if table.kind == "xlsx"
            else _("CSV file (%(encoding)s)") % {"encoding": table.encoding}
        )
        self.stdout.write(
            _("Read %(file)s: %(kind)s, header in row %(header)d, %(n)d rows.")
            % {"file": path.name, "kind": kind, "header": table.header_row, "n": len(table.rows)}
        )
        errors = result.errors
        if errors:
            self.stderr.write(_("Problems found:"))
            for error in errors:
                self.stderr.write("  " + str(error))
        if report:
            write_error_report(report, errors)
            self.stdout.write(_("Problems written to %(file)s.") % {"file": report})

        bad, total = len(result.bad_rows), len(result.rows)
        if dry_run:
            self.stdout.write(
                _("Dry run: %(good)d of %(total)d rows would be imported; nothing was stored.")
                % {"good": total - bad, "total": total}
            )
            if bad and not skip_bad_rows:
                raise CommandError(
                    _("%(bad)d of %(total)d rows have problems.") % {"bad": bad, "total": total},
                    returncode=1,
                )
            return
        if not result.stored:
            raise CommandError(
                _(
                    "Nothing was imported: %(bad)d of %(total)d rows have problems. Fix them and run again, "
                    "or add --skip-bad-rows to import the %(good)d good rows."
                )
                % {"bad": bad, "total": total, "good": total - bad},
                returncode=1,
            )
        created = result.created
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported %(n)d events (%(first)s … %(last)s), recorded by %(user)s.")
                    % {
                        "n": len(created),
                        "first": created[0].number,
                        "last": created[-1].number,
                        "user": actor.username,
                    }
                )
            )
        if bad:
            self.stdout.write(
                self.style.WARNING(
                    _("Skipped %(bad)d rows with problems (listed above).") % {"bad": bad}
                )
            )
        if options["verbosity"] >= 2:
            for event in created:
                self.stdout.write(f"  {event.number}  {event.title}")

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = _("Columns: %(headers)s") % {"headers": accepted_headers()}
        return parser
