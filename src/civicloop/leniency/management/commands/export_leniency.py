"""``civicloop export leniency FILE.xlsx``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.leniency.exporting import export_items, write_list_workbook


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Export the exemption and reduction list (一免一减) to an Excel workbook: one row per item with its "
        "latest version (the columns the import reads), then every version, then the meaning of the columns."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .xlsx file to write"))

    def handle(self, *args, file, **options):
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(
                _("The export is an Excel workbook: give a file name ending in .xlsx.")
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        count = write_list_workbook(export_items(), str(path))
        self.stdout.write(_("Wrote %(n)d items to %(file)s.") % {"n": count, "file": path})
