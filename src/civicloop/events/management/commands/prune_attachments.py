"""``civicloop prune_attachments [--dry-run]``: delete attachment files no row refers to.

Uploads are written *before* the database transaction that records them (no file
is written inside a transaction), so a refused or failed submission can leave a
file behind. Files younger than ``--min-age`` minutes are kept: their row may be
about to commit.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.events.models import Attachment

ATTACHMENT_DIR = "attachments"


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Delete files under MEDIA_ROOT/attachments that no attachment row refers to."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("list what would be deleted, delete nothing"),
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help=gettext_lazy("keep files younger than this (default: %(default)s minutes)"),
        )

    def handle(self, *args, dry_run, min_age, **options):
        if min_age < 0:
            raise CommandError(_("--min-age cannot be negative."))
        media_root = Path(settings.MEDIA_ROOT)
        root = media_root / ATTACHMENT_DIR
        if not root.is_dir():
            self.stdout.write(
                _("No attachments folder at %(path)s; nothing to do.") % {"path": root}
            )
            return
        referenced = set(Attachment.objects.values_list("file", flat=True))
        cutoff = time.time() - min_age * 60
        orphans, kept_young, total_bytes = [], 0, 0
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = path.relative_to(media_root).as_posix()
            if name in referenced:
                continue
            if path.stat().st_mtime > cutoff:
                kept_young += 1
                continue
            orphans.append(path)
            total_bytes += path.stat().st_size
        for path in orphans:
            if options["verbosity"] >= 2 or dry_run:
                self.stdout.write(f"  {path.relative_to(media_root).as_posix()}")
            if not dry_run:
                path.unlink()
        if not dry_run:
            for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
                if not any(folder.iterdir()):
                    folder.rmdir()
        message = (
            _("Would delete %(n)d unreferenced files (%(kb)d KB).")
            if dry_run
            else _("Deleted %(n)d unreferenced files (%(kb)d KB).")
        ) % {"n": len(orphans), "kb": (total_bytes + 1023) // 1024}
        self.stdout.write(self.style.SUCCESS(message))
        if kept_young:
            self.stdout.write(
                _("Kept %(n)d unreferenced files younger than %(min)d minutes.")
                % {"n": kept_young, "min": min_age}
            )
