"""``civicloop gridkit refresh [--grid CODE …] [--as USERNAME]``: regenerate grids' toolkits
(一卡两图三清单); a grid gets a new version only when its content changed.

``civicloop gridkit versions --grid CODE`` lists a grid's versions;
``civicloop gridkit schedule`` queues the nightly refresh that the worker then repeats.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import DomainError
from civicloop.core.formatting import format_datetime
from civicloop.core.management.commandline import (
    LocalisedCommand,
    actor_from_username,
    format_table,
)
from civicloop.gridkit import services
from civicloop.gridkit.models import ToolkitVersion
from civicloop.gridkit.tasks import schedule_nightly
from civicloop.org.models import Region


def grid_by_code(code: str) -> Region:
    grid = Region.objects.grids().filter(code=code).first()
    if grid is None:
        raise CommandError(_("There is no grid with the code %(code)s.") % {"code": code})
    return grid


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Grid toolkits: `refresh` regenerates them from the current data (a new version only where the "
        "content changed); `versions` lists a grid's versions."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser(
            "refresh", help=gettext_lazy("regenerate toolkits (all grids, or --grid)")
        )
        refresh.add_argument(
            "--grid",
            action="append",
            default=[],
            metavar="CODE",
            help=gettext_lazy("only this grid (15-digit code); repeat for several"),
        )
        refresh.add_argument(
            "--town",
            metavar="CODE",
            help=gettext_lazy("only the grids of this town (9- or 12-digit code)"),
        )
        refresh.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help=gettext_lazy("record this user as the generator (default: the system)"),
        )
        versions = sub.add_parser("versions", help=gettext_lazy("list a grid's versions"))
        versions.add_argument("--grid", required=True, metavar="CODE")
        sub.add_parser(
            "schedule",
            help=gettext_lazy(
                "queue the nightly refresh (civicloop worker runs it and re-queues it)"
            ),
        )

    def handle(self, *args, action, **options):
        if action == "versions":
            return self.versions(grid_by_code(options["grid"]))
        if action == "schedule":
            when = schedule_nightly()
            if when is None:
                raise CommandError(
                    _(
                        "The task backend cannot run tasks later; use a cron job with "
                        "`civicloop gridkit refresh` instead."
                    )
                )
            self.stdout.write(
                _("The next nightly refresh runs at %(when)s; each run queues the next.")
                % {"when": format_datetime(when)}
            )
            return
        actor = actor_from_username(options["username"]) if options.get("username") else None
        if options["grid"]:
            grids = [grid_by_code(code) for code in options["grid"]]
        else:
            grids = Region.objects.grids().order_by("code")
            if options.get("town"):
                grids = grids.filter(code__startswith=options["town"][:9])
        created = unchanged = 0
        for grid in grids:
            try:
                result = services.refresh_toolkit(grid, by=actor)
            except DomainError as exc:
                raise CommandError(f"{grid.code}: {exc.message}") from exc
            if result.created:
                created += 1
                self.stdout.write(
                    _("%(code)s %(name)s: version %(number)d (changed: %(parts)s)")
                    % {
                        "code": grid.code,
                        "name": grid.name,
                        "number": result.version.number,
                        "parts": ", ".join(result.version.changed_parts),
                    }
                )
            else:
                unchanged += 1
                if options["verbosity"] > 1:
                    self.stdout.write(
                        _("%(code)s %(name)s: unchanged (version %(number)d)")
                        % {"code": grid.code, "name": grid.name, "number": result.version.number}
                    )
        self.stdout.write(
            _("%(created)d new versions, %(unchanged)d grids unchanged.")
            % {"created": created, "unchanged": unchanged}
        )

    def versions(self, grid: Region) -> None:
        rows = ToolkitVersion.objects.for_grid(grid).latest_first().select_related("generated_by")
        self.stdout.write(
            format_table(
                [
                    _("version"),
                    _("generated at"),
                    _("generated by"),
                    _("changed parts"),
                    _("content hash"),
                ],
                [
                    [
                        v.number,
                        format_datetime(v.generated_at),
                        v.generated_by.username if v.generated_by else "—",
                        ", ".join(v.changed_parts),
                        v.content_hash[:12],
                    ]
                    for v in rows
                ],
            )
        )
