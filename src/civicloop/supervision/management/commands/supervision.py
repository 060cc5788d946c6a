"""``civicloop supervision ranking --month 2026-03 [--suggest]``: the monthly unit ranking
with its reasons, and the 约谈 suggestions of that month (what the ranking page's button does)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.supervision import services
from civicloop.supervision.models import month_start, previous_month
from civicloop.supervision.ranking import compute_ranking


def _month(value: str | None) -> dt.date:
    if not value:
        return previous_month(month_start(timezone.localdate()))
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise CommandError(_("Give the month as YYYY-MM, e.g. 2026-03.")) from exc


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Print the monthly unit ranking with the reasons of each score and the red and black "
        "lists; with --suggest, also make that month's 约谈 suggestions."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("what", choices=["ranking"])
        parser.add_argument("--month", help=gettext_lazy("YYYY-MM (default: last month)"))
        parser.add_argument(
            "--suggest", action="store_true", help=gettext_lazy("make the 约谈 suggestions")
        )

    def handle(self, *args, what, month=None, suggest=False, **options):
        month = _month(month)
        ranking = compute_ranking(month)
        self.stdout.write(_("Unit ranking of %(month)s") % {"month": f"{month:%Y-%m}"})
        for result in ranking.results:
            mark = {"red": _("red list"), "black": _("black list")}.get(result.list, "")
            self.stdout.write(
                f"{result.rank:>3}  {result.score:>5}  {result.unit.name}  {mark}".rstrip()
            )
            for reason in result.reasons():
                self.stdout.write(f"       {reason}")
        if suggest:
            made = services.suggest_summonses(month)
            self.stdout.write(_("%(count)s summonses suggested.") % {"count": len(made)})
            for summons in made:
                reasons = "；".join(r["text"] for r in summons.reasons)
                self.stdout.write(f"  {summons.unit.name} · {summons.body} · {reasons}")
