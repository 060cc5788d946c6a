from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

# Every generated workflow document: (path, renderer). A new workflow is one line here.
DOCUMENTS = (
    ("docs/event-workflow.md", "civicloop.events.docs_workflow.render"),
    ("docs/case-workflow.md", "civicloop.cases.docs_workflow.render"),
    ("docs/leniency-workflow.md", "civicloop.leniency.docs_workflow.render"),
)


class Command(BaseCommand):
    help = "Write the workflow tables and diagrams of every workflow to docs/ (or --check)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--root", default=".", help="the directory holding docs/ (default: here)"
        )
        parser.add_argument("--check", action="store_true", help="fail if a file is out of date")

    def handle(self, *args, root, check, **options):
        for path, renderer in DOCUMENTS:
            self._write(Path(root) / path, import_string(renderer)(), check=check)

    def _write(self, path: Path, text: str, *, check: bool) -> None:
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `civicloop workflow_docs`")
            self.stdout.write(f"{path} is current")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
