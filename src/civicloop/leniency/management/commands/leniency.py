"""``civicloop leniency sweep | evaluate CASE_NUMBER | docs [--check]``.

* ``sweep`` — run the worker's sweep now: follow-up checks that came due, penalties that
  became repairable (``civicloop worker`` does this every ``CIVICLOOP_DEADLINE_SWEEP_SECONDS``);
* ``evaluate`` — which 一免一减 items apply to a case, each condition with its evidence;
* ``docs`` — write docs/leniency-workflow.md from the workflow tables (``--check``: fail if stale).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.cases.models import Case
from civicloop.core.management.commandline import LocalisedCommand
from civicloop.leniency.credit import sweep_credit_repairs
from civicloop.leniency.docs_workflow import DOCUMENT, render
from civicloop.leniency.evaluation import evaluate_case
from civicloop.leniency.services import sweep_commitments


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Flexible enforcement: sweep now, evaluate a case against the 一免一减 list, "
        "or write the workflow docs."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="what", required=True)
        sub.add_parser("sweep", help=gettext_lazy("run the follow-up and credit-repair sweep now"))
        evaluate = sub.add_parser(
            "evaluate", help=gettext_lazy("which items apply to a case, and why")
        )
        evaluate.add_argument("number", help=gettext_lazy("the case number"))
        docs = sub.add_parser("docs", help=gettext_lazy("write docs/leniency-workflow.md"))
        docs.add_argument(
            "--output", default=None, help=gettext_lazy("path (default: docs/leniency-workflow.md)")
        )
        docs.add_argument(
            "--check", action="store_true", help=gettext_lazy("fail if the file is out of date")
        )

    def handle(self, *args, what, **options):
        getattr(self, f"_{what}")(**options)

    def _sweep(self, **options):

        due, repairs = sweep_commitments(), sweep_credit_repairs()
        self.stdout.write(
            _("%(due)d follow-up checks came due; %(repairs)d penalties became repairable.")
            % {"due": due, "repairs": repairs}
        )

    def _evaluate(self, number, **options):

        case = Case.objects.filter(number=number).first()
        if case is None:
            raise CommandError(_("No case with the number %(number)s.") % {"number": number})
        evaluations = evaluate_case(case)
        if not evaluations:
            self.stdout.write(_("No item of the list covers this case's matters."))
        for e in evaluations:
            self.stdout.write(
                f"{e.item.code} · {e.item.get_kind_display()} · {e.status_label} · {e.version.title}"
            )
            for check in e.checks:
                mark = "✔" if check.met else ("？" if check.met is None else "✘")
                self.stdout.write(f"  {mark} {check.label}: {check.evidence}")

    def _docs(self, output=None, check=False, **options):

        path = Path(output or DOCUMENT)
        text = render()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is out of date: run `civicloop leniency docs`")
            self.stdout.write(f"{path} is current")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
