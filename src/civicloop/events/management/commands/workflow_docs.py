from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civicloop.events.docs_workflow import render


class Command(BaseCommand):
    help = "Write the event workflow tables and diagrams to docs/event-workflow.md (or --check)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="docs/event-workflow.md")
        parser.add_argument("--check", action="store_true", help="fail if the file is out of date")

    def handle(self, *args, output, check, **options):
        path = Path(output)
        text = render()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `civicloop workflow_docs`")
            self.stdout.write(f"{path} is current")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
