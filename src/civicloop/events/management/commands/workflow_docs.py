from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

# Every generated workflow document: (default path, renderer).
DOCUMENTS = (
    ("docs/event-workflow.md", "civicloop.events.docs_workflow.render"),
    ("docs/case-workflow.md", "civicloop.cases.docs_workflow.render"),
)


class Command(BaseCommand):
    help = ("Write the workflow tables and diagrams to docs/event-workflow.md and docs/case-workflow.md "
            "(or --check).")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=DOCUMENTS[0][0], help="path of the event workflow document")
        parser.add_argument("--case-output", default=DOCUMENTS[1][0], help="path of the case workflow document")
        parser.add_argument("--check", action="store_true", help="fail if a file is out of date")

    def handle(self, *args, output, case_output, check, **options):
        for path, renderer in ((output, DOCUMENTS[0][1]), (case_output, DOCUMENTS[1][1])):
            self._write(Path(path), import_string(renderer)(), check=check)

    def _write(self, path: Path, text: str, *, check: bool) -> None:
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `civicloop workflow_docs`")
            self.stdout.write(f"{path} is current")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
