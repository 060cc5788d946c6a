"""``civicloop workflow_docs [--check] [--root DIR]``: write (or check) every workflow document.

Each app registers its documents (``core.registry.register_workflow_document``) in its
``AppConfig.ready()``; this command renders them from the same state-machine tables the
services run, so a document cannot drift from the code (``.ci/run`` runs ``--check``).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

from civicloop.core.registry import resolve, workflow_documents


class Command(BaseCommand):
    help = gettext_lazy(
        "Write the workflow tables and diagrams of every workflow to docs/ (or --check)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--root", default=".", help="the directory holding docs/ (default: here)"
        )
        parser.add_argument("--check", action="store_true", help="fail if a file is out of date")

    def handle(self, *args, root, check, **options):
        for document in workflow_documents:
            self._write(Path(root) / document.path, resolve(document.render)(), check=check)

    def _write(self, path: Path, text: str, *, check: bool) -> None:
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `civicloop workflow_docs`")
            self.stdout.write(f"{path} is current")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
