"""``civicloop import benchmarks FILE.xlsx [--as USERNAME]`` — and the real published tables:
``civicloop import benchmarks --jiangmen | --guangdong | --starter``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.core.management.commandline import LocalisedCommand, actor_from_username
from civicloop.core.spreadsheets import CellError, SpreadsheetError, parse_date
from civicloop.discretion import services
from civicloop.discretion import starter as starter_module
from civicloop.discretion.importing import import_workbook
from civicloop.discretion.sources import guangdong as guangdong_source
from civicloop.discretion.sources import jiangmen as jiangmen_source


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Import a discretion benchmark (裁量基准) workbook as the next version of its code "
        "(sheets 基准, 事项与档次, 裁量因素; `civicloop export benchmarks` writes one). Every row "
        "and every band is checked first; if anything is wrong nothing is stored (exit status 1). "
        "--jiangmen, --guangdong and --starter load the shipped tables and the starter benchmark."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", nargs="?", help=gettext_lazy("the .xlsx workbook"))
        parser.add_argument(
            "--as", dest="username", metavar="USERNAME", help=gettext_lazy("who imports")
        )
        parser.add_argument(
            "--jiangmen", action="store_true", help=gettext_lazy("load the 江门 tier table")
        )
        parser.add_argument(
            "--guangdong",
            action="store_true",
            help=gettext_lazy("load the 广东 weighted-factor table and no-penalty list"),
        )
        parser.add_argument(
            "--starter",
            action="store_true",
            help=gettext_lazy(
                "make the starter benchmark for Haiyan's catalogue from the stated rule (a new "
                "version when the catalogue's ranges changed and it is not adopted yet)"
            ),
        )
        parser.add_argument(
            "--effective-from", metavar="DATE", help=gettext_lazy("start date (default: today)")
        )

    def handle(
        self, *args, file, username, jiangmen, guangdong, starter, effective_from, **options
    ):
        actor = actor_from_username(username) if username else None
        try:
            start = parse_date(effective_from) if effective_from else timezone.localdate()
        except CellError as exc:
            raise CommandError(exc.message) from exc
        if not (file or jiangmen or guangdong or starter):
            raise CommandError(_("Name a workbook, or --jiangmen, --guangdong or --starter."))
        try:
            if starter:
                benchmark, created = starter_module.load_starter(on=start, by=actor, refresh=True)
                self._done(benchmark, created)
            if jiangmen:
                self._done(
                    services.create_version(jiangmen_source.benchmark_spec(start), by=actor), True
                )
            if guangdong:
                source = guangdong_source
                self._done(services.create_version(source.table_spec(start), by=actor), True)
                self._done(services.create_version(source.no_penalty_spec(start), by=actor), True)
        except DomainError as exc:
            raise CommandError(str(exc.message), returncode=1) from exc
        if not file:
            return
        path = Path(file)
        if not path.is_file():
            raise CommandError(
                _("The file %(path)s does not exist.") % {"path": path}, returncode=1
            )
        try:
            result = import_workbook(path.read_bytes(), name=path.name, by=actor)
        except SpreadsheetError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message), returncode=1) from exc
        if result.problems:
            self.stderr.write(_("Problems found:"))
            for problem in result.problems:
                self.stderr.write("  " + str(problem))
            raise CommandError(
                _("Nothing was imported: %(n)d problems. Fix them and run again.")
                % {"n": len(result.problems)},
                returncode=1,
            )
        self._done(result.benchmark, True)

    def _done(self, benchmark, created: bool) -> None:
        message = (
            _("Imported %(title)s version %(version)d: %(items)d items.")
            if created
            else _("%(title)s version %(version)d exists already: %(items)d items.")
        )
        self.stdout.write(
            self.style.SUCCESS(
                message
                % {
                    "title": benchmark.title,
                    "version": benchmark.version,
                    "items": benchmark.items.count(),
                }
            )
        )
