"""``civicloop export card --grid CODE FILE.xlsx|FILE.docx [--toolkit-version N]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.gridkit import services
from civicloop.gridkit.exporting import write_card_docx, write_card_xlsx
from civicloop.gridkit.management.commands.gridkit import grid_by_code
from civicloop.gridkit.models import ToolkitVersion
from civicloop.gridkit.presenting import present_card

WRITERS = {".xlsx": write_card_xlsx, ".docx": write_card_docx}


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Export a grid's card of common enforcement matters (网格常见执法事项卡) as Excel or Word; the "
        "latest version unless --toolkit-version. Staff phone numbers are masked."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .xlsx or .docx file to write"))
        parser.add_argument(
            "--grid", required=True, metavar="CODE", help=gettext_lazy("the grid's 15-digit code")
        )
        # (--version is Django's own: the program's version.)
        parser.add_argument(
            "--toolkit-version",
            dest="toolkit_version",
            type=int,
            metavar="N",
            help=gettext_lazy("this version of the grid's toolkit (default: the latest)"),
        )

    def handle(self, *args, file, grid, toolkit_version, **options):
        version = toolkit_version
        path = Path(file)
        writer = WRITERS.get(path.suffix.lower())
        if writer is None:
            raise CommandError(_("Give a file name ending in .xlsx or .docx."))
        region = grid_by_code(grid)
        if version is None:
            row = services.current_version(region)
        else:
            row = ToolkitVersion.objects.for_grid(region).filter(number=version).first()
            if row is None:
                raise CommandError(
                    _("%(grid)s has no version %(number)d.")
                    % {"grid": region.name, "number": version}
                )
        path.parent.mkdir(parents=True, exist_ok=True)
        writer(present_card(row), str(path), moment=row.generated_at)
        self.stdout.write(
            _("Wrote the card of %(grid)s (version %(number)d) to %(file)s.")
            % {"grid": region.name, "number": row.number, "file": path}
        )
