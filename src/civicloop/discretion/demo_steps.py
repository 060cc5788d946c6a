"""The discretion steps of ``civicloop demo`` (registered in ``DiscretionConfig.ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from civicloop.core.registry import DemoContext

from .starter import load_starter


def starter_benchmarks(context: DemoContext) -> None:
    reference_tables(context)
    benchmark, created = load_starter()
    items = benchmark.items.count()
    if created:
        context.say(
            _("Made the starter discretion benchmark: %(items)d items from the stated rule.")
            % {"items": items}
        )
    else:
        context.detail(
            _("The starter discretion benchmark exists (%(items)d items).") % {"items": items}
        )


def challenges(context: DemoContext) -> None:
    """Two challenges of demo decisions: a reconsideration the 复议机关 upheld, and a lawsuit still
    pending — so the challenge panel, the list and the cockpit's figure have records."""
    import datetime as dt

    from civicloop.cases.choices import Outcome
    from civicloop.cases.models import Case
    from civicloop.org.models import User

    from .models import ChallengeKind, ChallengeOutcome, LegalChallenge
    from .proceedings import record_challenge

    if LegalChallenge.objects.exists():
        context.detail(_("Challenges of decisions exist already."))
        return
    by = User.objects.filter(username="legal_reviewer").first()
    decided = list(
        Case.objects.filter(outcome=Outcome.PENALTY, fine_amount__gt=0)
        .exclude(decided_at=None)
        .order_by("decided_at", "pk")[:2]
    )
    if by is None or len(decided) < 2:
        context.detail(_("No decided cases to challenge."))
        return
    today = dt.date.today()
    first, second = decided
    filed = min(first.decided_at.date() + dt.timedelta(days=20), today)
    ruled = filed + dt.timedelta(days=45)
    record_challenge(
        first,
        by=by,
        kind=ChallengeKind.RECONSIDERATION,
        body=_("Haiyan County People's Government"),
        filed_on=filed,
        accepted_on=filed,
        outcome=ChallengeOutcome.UPHELD if ruled <= today else ChallengeOutcome.PENDING,
        decided_on=ruled if ruled <= today else None,
        note=_("Demo record."),
    )
    record_challenge(
        second,
        by=by,
        kind=ChallengeKind.LITIGATION,
        body=_("Haiyan County People's Court"),
        filed_on=min(second.decided_at.date() + dt.timedelta(days=30), today),
        note=_("Demo record."),
    )
    context.say(_("Recorded 2 challenges of demo decisions (1 reconsideration, 1 lawsuit)."))


def reference_tables(context: DemoContext) -> None:
    """Other issuers' published tables, kept for reference as their own catalogues (no region):
    江门's tier table and 广东's weighted-factor table and no-penalty list — what the importer
    reads and what an adopted county benchmark may look like."""
    import datetime as dt

    from .models import Benchmark
    from .services import create_version
    from .sources import guangdong, jiangmen

    specs = (
        (jiangmen.benchmark_spec, dt.date(2020, 3, 1)),
        (guangdong.table_spec, dt.date(2021, 3, 1)),
        (guangdong.no_penalty_spec, dt.date(2021, 3, 1)),
    )
    for make, start in specs:
        spec = make(start)
        if Benchmark.objects.filter(code=spec.code).exists():
            continue
        benchmark = create_version(spec, by=None)
        context.detail(
            _("Imported %(title)s for reference: %(items)d items.")
            % {"title": benchmark.title, "items": benchmark.items.count()}
        )
