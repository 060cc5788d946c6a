"""``civicloop import boundaries FILE.geojson``: replace derived areas with official boundaries."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand, actor_from_username
from civicloop.org.areas import Datum, Match, import_boundaries
from civicloop.org.choices import RegionLevel


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Import official boundaries (a GeoJSON FeatureCollection of Polygons/MultiPolygons) as "
        "the areas of towns or villages, matched by a 'code' or 'name' property. All or "
        "nothing: if any feature cannot be matched or is not a valid area, nothing is stored. "
        "The remaining derived areas are derived again around the official ones."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", metavar="FILE.geojson", help=gettext_lazy("the GeoJSON file"))
        parser.add_argument(
            "--level",
            choices=[RegionLevel.TOWN, RegionLevel.VILLAGE],
            help=gettext_lazy("only match regions of this level (default: towns and villages)"),
        )
        parser.add_argument(
            "--match",
            choices=Match.CHOICES,
            default=Match.CODE,
            help=gettext_lazy(
                "match features by their 'code' property (12-digit code or 9-digit town "
                "prefix) or their 'name' property (default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--datum",
            choices=Datum.CHOICES,
            default=Datum.GCJ02,
            help=gettext_lazy(
                "datum of the file's coordinates; WGS-84 and CGCS2000 (天地图, official "
                "surveys) are converted to GCJ-02 (default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--county",
            default=settings.CIVICLOOP_COUNTY_CODE,
            metavar="CODE",
            help=gettext_lazy("only match regions of this county (default: %(default)s)"),
        )
        parser.add_argument(
            "--by",
            "--as",
            dest="by",
            metavar="USERNAME",
            help=gettext_lazy("who is importing (recorded with each area)"),
        )
        parser.add_argument(
            "--note",
            default="",
            help=gettext_lazy("where the boundaries come from (recorded with each area)"),
        )

    def handle(self, *args, file, level, match, datum, county, by, note, **options):
        actor = actor_from_username(by) if by else None
        path = Path(file)
        try:
            collection = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise CommandError(
                _("%(file)s cannot be read: %(error)s") % {"file": file, "error": exc}
            ) from exc
        except ValueError as exc:
            raise CommandError(
                _("%(file)s is not JSON: %(error)s") % {"file": file, "error": exc}
            ) from exc
        report = import_boundaries(
            collection,
            level=level,
            match=match,
            datum=datum,
            by=actor,
            county_code=county,
            source_note=note or _("imported from %(file)s") % {"file": path.name},
        )
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(
                _("Nothing was imported: %(count)d feature(s) need fixing.")
                % {"count": len(report.errors)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(count)d official boundaries: %(names)s.")
                % {
                    "count": len(report.imported),
                    "names": "、".join(r.name for r in report.imported),
                }
            )
        )
