"""``civicloop backup PATH [--database-url URL]``: the whole database to one file, with its
manifest beside it (``PATH.manifest.json``: checksum, row counts, history hashes).

PostgreSQL is dumped by ``pg_dump -Fc`` (one snapshot, while the site keeps running), SQLite
by its online backup API. ``civicloop restore PATH`` puts it back; docs/deployment.md,
"Backup and restore".
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.backup import BackupError, backup
from civicloop.core.management.commandline import LocalisedCommand


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Back up the database to PATH (PostgreSQL: pg_dump; SQLite: online backup) and write "
        "PATH.manifest.json with row counts and history hashes for checking a restore."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("path", type=Path, help=gettext_lazy("file to write the backup to"))
        parser.add_argument(
            "--database-url",
            default=None,
            help=gettext_lazy("back up this database instead of the site's (DATABASE_URL)"),
        )

    def handle(self, *args, path, database_url, **options):
        try:
            result = backup(path, database_url=database_url)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        data = result.data
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(path)s (%(bytes)d bytes, %(tables)d tables, "
                    "%(rows)d rows, %(history)d history rows)."
                )
                % {
                    "path": result.dump,
                    "bytes": data["dump_bytes"],
                    "tables": len(data["tables"]),
                    "rows": sum(data["tables"].values()),
                    "history": sum(h["rows"] for h in data["history"].values()),
                }
            )
        )
        self.stdout.write(_("Manifest: %(path)s") % {"path": result.manifest})
