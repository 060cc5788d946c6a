"""``civicloop restore PATH [--database-url URL] [--force]``: put a backup made by
``civicloop backup`` back, and check it against its manifest.

The dump's checksum is checked before anything is touched; a target that already has tables
is refused unless ``--force`` (which replaces everything in it). After the restore every
table's row count and every history table's hash are compared with the manifest: OK, or
the list of what differs (and a non-zero exit status). Stop ``civicloop serve`` and
``civicloop worker`` first.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.backup import BackupError, restore
from civicloop.core.management.commandline import LocalisedCommand


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Restore a backup made by “civicloop backup” into an empty database (or, with --force, "
        "replace one) and compare row counts and history hashes with its manifest."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("path", type=Path, help=gettext_lazy("the backup file"))
        parser.add_argument(
            "--database-url",
            default=None,
            help=gettext_lazy("restore into this database instead of the site's (DATABASE_URL)"),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy("replace everything in a target database that is not empty"),
        )

    def handle(self, *args, path, database_url, force, **options):
        try:
            result = restore(path, database_url=database_url, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not result.comparison.ok:
            for line in result.comparison.differences:
                self.stderr.write("  " + line)
            raise CommandError(
                _(
                    "Restored into %(target)s, but it differs from the backup's manifest in "
                    "%(n)d places (listed above)."
                )
                % {"target": result.target, "n": len(result.comparison.differences)}
            )
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "OK: restored into %(target)s; %(tables)d tables, %(rows)d rows and "
                    "%(history)d history rows match the backup of %(created)s."
                )
                % {
                    "target": result.target,
                    "tables": len(manifest["tables"]),
                    "rows": sum(manifest["tables"].values()),
                    "history": sum(h["rows"] for h in manifest["history"].values()),
                    "created": manifest["created_at"],
                }
            )
        )
