"""``civicloop export forms --event NUMBER --as USERNAME FILE.docx|FILE.xlsx`` (the three forms
filled from an event) or ``civicloop export forms --grid CODE FILE…`` (blank, for paper)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand, actor_from_username
from civicloop.events.models import Event
from civicloop.gridkit import services
from civicloop.gridkit.exporting import write_sheets_docx, write_sheets_xlsx
from civicloop.gridkit.management.commands.gridkit import grid_by_code
from civicloop.gridkit.paperforms import blank_sheets
from civicloop.gridkit.presenting import version_note

WRITERS = {".xlsx": write_sheets_xlsx, ".docx": write_sheets_docx}


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Export the three forms (民情收集单, 处置反馈单, 处置满意度评价单) as Word or Excel: filled from an "
        "event the --as user may see (the reporter's details in full only if that user may see them; "
        "such an export is logged), or blank for a grid (--grid)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .docx or .xlsx file to write"))
        parser.add_argument(
            "--event",
            metavar="NUMBER",
            help=gettext_lazy("the event's number, e.g. E2026112800001"),
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help=gettext_lazy(
                "whose view of the event (their scope and right to see contact data apply)"
            ),
        )
        parser.add_argument(
            "--grid",
            metavar="CODE",
            help=gettext_lazy("blank forms for this grid instead of an event"),
        )
        parser.add_argument(
            "--masked",
            action="store_true",
            help=gettext_lazy("mask the reporter's details in any case"),
        )

    def handle(self, *args, file, event, username, grid, masked, **options):
        path = Path(file)
        writer = WRITERS.get(path.suffix.lower())
        if writer is None:
            raise CommandError(_("Give a file name ending in .docx or .xlsx."))
        if bool(event) == bool(grid):
            raise CommandError(
                _("Say which forms: --event NUMBER (filled) or --grid CODE (blank).")
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        if grid:
            region = grid_by_code(grid)
            version = services.current_version(region)
            writer(
                blank_sheets(version.content, note=version_note(version)),
                str(path),
                moment=version.generated_at,
            )
            self.stdout.write(
                _("Wrote the blank forms of %(grid)s (version %(number)d) to %(file)s.")
                % {"grid": region.name, "number": version.number, "file": path}
            )
            return
        actor = actor_from_username(username)
        found = Event.objects.visible_to(actor).filter(number=event).first()
        if found is None:
            raise CommandError(
                _("No event %(number)s is visible to %(user)s.")
                % {"number": event, "user": actor.username}
            )
        filled = services.fill_forms(found, by=actor, channel="cli", masked=masked)
        writer(filled.sheets, str(path), moment=found.updated_at)
        self.stdout.write(
            (
                _(
                    "Wrote the three forms of %(number)s to %(file)s; the reporter's details are in full (logged)."
                )
                if filled.revealed
                else _("Wrote the three forms of %(number)s to %(file)s; personal data is masked.")
            )
            % {"number": found.number, "file": path}
        )
