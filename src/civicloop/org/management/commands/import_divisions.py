"""``civicloop import divisions --county CODE``: load a county's official division tree."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.org.areas import derive_areas
from civicloop.org.divisions import load_county


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Create or update a county, its towns/streets and villages/communities (统计用区划代码) "
        "and grids for each village, from the shipped division data. Idempotent."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--county",
            default=settings.CIVICLOOP_COUNTY_CODE,
            metavar="CODE",
            help=gettext_lazy("6-digit county code (default: CIVICLOOP_COUNTY_CODE = %(default)s)"),
        )
        parser.add_argument(
            "--grids-per-village",
            type=int,
            default=1,
            metavar="N",
            help=gettext_lazy("grids to create in each village (default: %(default)s)"),
        )

    def handle(self, *args, county, grids_per_village, **options):
        if not (county.isdigit() and len(county) == 6):
            raise CommandError(_("A county code has 6 digits, e.g. 330424."))
        if grids_per_village < 1:
            raise CommandError(_("Each village needs at least one grid."))
        try:
            counts = load_county(county, grids_per_village=grids_per_village)
            # The villages' points may have moved: their derived areas follow them.
            derive_areas(county)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "County %(county)s: %(towns)d towns/streets, %(villages)d villages/communities, "
                    "%(grids)d grids loaded."
                )
                % {"county": county, **counts}
            )
        )
