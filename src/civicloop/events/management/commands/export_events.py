"""``civicloop export events FILE.xlsx --as USERNAME [--state …] [--town CODE]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand, actor_from_username
from civicloop.events.choices import EventState
from civicloop.events.exporting import write_events_workbook
from civicloop.events.filtersets import EventFilterSet
from civicloop.events.models import Event


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Export the events the --as user may see to an Excel workbook; personal data is masked. "
        "Filters are those of the web list."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help=gettext_lazy("the .xlsx file to write"))
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            metavar="USERNAME",
            help=gettext_lazy("whose view of the events to export (their scope applies)"),
        )
        parser.add_argument(
            "--state",
            action="append",
            default=[],
            metavar="STATE",
            help=format_lazy(
                gettext_lazy("only these states (repeat or comma-separate): {states}"),
                states=", ".join(EventState.values),
            ),
        )
        parser.add_argument(
            "--town",
            metavar="CODE",
            help=gettext_lazy("only this town/street (9- or 12-digit code)"),
        )
        parser.add_argument(
            "--category", metavar="CODE", help=gettext_lazy("only this category (and its children)")
        )

    def handle(self, *args, file, username, state, town, category, **options):
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(
                _("The export is an Excel workbook: give a file name ending in .xlsx.")
            )
        actor = actor_from_username(username)
        data = QueryDict(mutable=True)
        states = [s.strip() for value in state for s in value.split(",") if s.strip()]
        unknown = [s for s in states if s not in EventState.values]
        if unknown:
            raise CommandError(
                _("Unknown state(s): %(states)s. Use: %(choices)s.")
                % {"states": ", ".join(unknown), "choices": ", ".join(EventState.values)}
            )
        data.setlist("state", states)
        if town:
            data["town"] = town.ljust(12, "0") if town.isdigit() and len(town) == 9 else town
        if category:
            data["category"] = category
        filterset = EventFilterSet(data=data, queryset=Event.objects.visible_to(actor))
        if not filterset.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errs)}" for name, errs in filterset.errors.items()
            )
            raise CommandError(_("Invalid filter: %(problems)s") % {"problems": problems})
        queryset = filterset.qs.order_by("reported_at", "id")
        path.parent.mkdir(parents=True, exist_ok=True)
        count = write_events_workbook(queryset, str(path))
        self.stdout.write(
            _("Wrote %(n)d events visible to %(user)s to %(file)s (personal data masked).")
            % {"n": count, "user": actor.username, "file": path}
        )
