"""``civicloop export benchmarks CODE [--version N] --out FILE.xlsx``."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.discretion.exporting import write_workbook
from civicloop.discretion.models import Benchmark


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Write a discretion benchmark version as a workbook that `civicloop import benchmarks` "
        "reads back unchanged."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("code", help=gettext_lazy("the benchmark's code"))
        parser.add_argument(
            "--number", dest="number", type=int, help=gettext_lazy("default: the latest")
        )
        parser.add_argument("--out", required=True, help=gettext_lazy("the .xlsx file to write"))

    def handle(self, *args, code, number, out, **options):
        found = Benchmark.objects.filter(code=code)
        if number:
            found = found.filter(version=number)
        benchmark = found.order_by("-version").first()
        if benchmark is None:
            raise CommandError(_("No benchmark %(code)s.") % {"code": code}, returncode=1)
        items = write_workbook(benchmark, out)
        self.stdout.write(_("Wrote %(items)d items to %(out)s.") % {"items": items, "out": out})
