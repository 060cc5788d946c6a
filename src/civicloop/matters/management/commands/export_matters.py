"""``civicloop export matters FILE.xlsx [--on DATE] [--all]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.core.spreadsheets import CellError, parse_date
from civicloop.matters.exporting import write_catalog_workbook
from civicloop.matters.models import Matter


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Export the enforcement matter catalog to an Excel workbook: one row per matter with the "
        "version in force on --on (default today), then every version, then the meaning of the "
        "columns."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .xlsx file to write"))
        parser.add_argument(
            "--on",
            metavar="DATE",
            help=gettext_lazy("show the versions in force on this date (default: today)"),
        )
        parser.add_argument(
            "--all", action="store_true", help=gettext_lazy("also matters no longer in use")
        )

    def handle(self, *args, file, on, all, **options):
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(
                _("The export is an Excel workbook: give a file name ending in .xlsx.")
            )
        try:
            day = parse_date(on) if on else timezone.localdate()
        except CellError as exc:
            raise CommandError(exc.message) from exc
        matters = Matter.objects.all() if all else Matter.objects.active()
        path.parent.mkdir(parents=True, exist_ok=True)
        count = write_catalog_workbook(matters.order_by("code"), str(path), on=day)
        self.stdout.write(
            _("Wrote %(n)d matters (versions in force on %(date)s) to %(file)s.")
            % {"n": count, "date": day.isoformat(), "file": path}
        )
