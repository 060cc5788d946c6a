"""Suggested adjustments of a town's empowerment list, computed from records.

Each suggestion names a matter, says *grant* or *withdraw*, and lists the
evidence it rests on. The rules (also in docs/matters.md), over the last
:data:`WINDOW_DAYS` days up to the day asked about:

* **grant (点单赋权 prompt)** — at least :data:`GRANT_MIN_EVENTS` events of a
  delegable matter happened in the town while the town did not hold it (so the
  county department had to act);
* **withdraw, deadlines** — the town holds the matter, at least
  :data:`WITHDRAW_MIN_EVENTS` of its events happened there, and at least
  :data:`WITHDRAW_LATE_SHARE` of them missed a deadline (escalated by the sweep);
* **withdraw, legal review** — the town's latest submitted assessment scored
  法制审核 below :data:`LEGAL_REVIEW_PASS`: its characteristic matters (beyond the
  base list every town holds) are proposed for withdrawal until it improves.

Suggestions are advice for the county; nothing changes until it grants or ends
a grant through the services.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.events.choices import EventState
from civicloop.events.models import Event, EventHistory
from civicloop.matters.choices import GrantKind
from civicloop.matters.models import EmpowermentGrant, Matter
from civicloop.org.models import Region

from .choices import Dimension, SuggestionKind
from .indicators import period_bounds
from .models import DimensionScore, TownAssessment

WINDOW_DAYS = 180
GRANT_MIN_EVENTS = 5
WITHDRAW_MIN_EVENTS = 5
WITHDRAW_LATE_SHARE = Decimal("0.3")
LEGAL_REVIEW_PASS = Decimal(60)


@dataclass
class Suggestion:
    kind: str
    matter: Matter
    evidence: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return str(SuggestionKind(self.kind).label)


def _events(town: Region, start: dt.date, end: dt.date):
    since, until = period_bounds(start, end)
    return Event.objects.filter(
        region__code__startswith=town.prefix,
        matter__isnull=False,
        reported_at__gte=since,
        reported_at__lt=until,
    ).exclude(state__in=[EventState.VOIDED, EventState.MERGED])


def suggestions_for(
    town: Region, *, on: dt.date | None = None, window_days: int = WINDOW_DAYS
) -> list[Suggestion]:
    on = on or timezone.localdate()
    start = on - dt.timedelta(days=window_days - 1)
    events = _events(town, start, on)
    per_matter = Counter(events.values_list("matter_id", flat=True))
    late_ids = set(
        EventHistory.objects.filter(
            action="escalate", details__automatic=True, event__in=events
        ).values_list("event_id", flat=True)
    )
    late = Counter(events.filter(pk__in=late_ids).values_list("matter_id", flat=True))
    grants = list(
        EmpowermentGrant.objects.in_force(on=on).filter(town=town).select_related("matter")
    )
    held = {g.matter_id: g for g in grants}
    matters = Matter.objects.in_bulk(set(per_matter) | set(held))
    found: dict[tuple[str, int], Suggestion] = {}

    def add(kind: str, matter: Matter, evidence: str, **facts) -> None:
        suggestion = found.setdefault((kind, matter.pk), Suggestion(kind=kind, matter=matter))
        suggestion.evidence.append(evidence)
        suggestion.facts.update(facts)

    period = {"start": start.isoformat(), "end": on.isoformat()}
    for matter_id, count in per_matter.items():
        matter = matters[matter_id]
        if matter_id in held or not matter.delegable or not matter.is_active:
            continue
        if count >= GRANT_MIN_EVENTS:
            add(
                SuggestionKind.GRANT,
                matter,
                _(
                    "%(n)d events of this matter happened in %(town)s between %(start)s and %(end)s while the town "
                    "did not hold it, so %(department)s had to act."
                )
                % {"n": count, "town": town.name, "department": matter.department.name, **period},
                events=count,
            )
    for matter_id, grant in held.items():
        total, missed = per_matter.get(matter_id, 0), late.get(matter_id, 0)
        if total >= WITHDRAW_MIN_EVENTS and Decimal(missed) / Decimal(total) >= WITHDRAW_LATE_SHARE:
            add(
                SuggestionKind.WITHDRAW,
                grant.matter,
                _(
                    "%(late)d of the %(n)d events of this matter in %(town)s between %(start)s and %(end)s missed a "
                    "deadline."
                )
                % {"late": missed, "n": total, "town": town.name, **period},
                events=total,
                late=missed,
            )
    latest = (
        TownAssessment.objects.submitted()
        .filter(town=town, round__period_end__lte=on)
        .select_related("round")
        .order_by("-round__period_end", "-submitted_at")
        .first()
    )
    if latest is not None:
        legal = DimensionScore.objects.filter(
            assessment=latest, dimension=Dimension.LEGAL_REVIEW
        ).first()
        if legal is not None and legal.score is not None and legal.score < LEGAL_REVIEW_PASS:
            for grant in grants:
                if grant.kind != GrantKind.CHARACTERISTIC:
                    continue
                add(
                    SuggestionKind.WITHDRAW,
                    grant.matter,
                    _(
                        "Legal review scored %(score)s (below %(pass)s) in the assessment “%(round)s”; "
                        "characteristic matters need sound legal review."
                    )
                    % {"score": legal.score, "pass": LEGAL_REVIEW_PASS, "round": latest.round.name},
                    legal_review=str(legal.score),
                    assessment=latest.pk,
                )
    return sorted(found.values(), key=lambda s: (s.kind != SuggestionKind.GRANT, s.matter.code))
