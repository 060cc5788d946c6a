"""When a published penalty becomes repairable (信用修复), and the sweep that tells the
handling unit proactively (主动告知).

**Publication.** Civicloop does not record the publication itself (Art. 48; the county's
双公示 feed does). It counts every decision with a penalty (outcome "penalty" or "reduced
penalty") against an organisation as published on the credit platform from the day of the
decision, and for as long as the longest period of its kinds.

**Periods** (``CIVICLOOP_CREDIT_REPAIR_PERIODS``, ``kind=minimum/maximum`` in months). The
kinds are ``fine``, ``confiscation`` and the other penalty kinds of ``cases.choices.PenaltyKind``;
a decision's periods are the longest of its kinds'. The defaults (3/12 months for warnings,
circulated criticism, fines and confiscation; 12/36 for the heavier kinds) follow the general
and serious classes of the national rules on the publication of penalty information as this
project read them — **confirm them against the rules in force and set them per deployment.**

**Repairable** on a day when: the minimum period has passed (``repairable_on`` = decision day
+ minimum months), the maximum has not (after it the publication has ended by itself), and the
decision was performed — the fine paid in full (``performed_at``), or nothing to pay and the
decision served. A decision closed on compulsory enforcement without payment is not.

**The sweep** (``sweep_credit_repairs``, run by ``civicloop worker`` through
the deadline sweeps registered in ``core.registry``) opens one :class:`~civicloop.leniency.models.CreditRepair` per
repairable penalty and enterprise, in state "notified", and notifies the handling unit.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from civicloop.cases.choices import Outcome, PartyRole, PenaltyKind
from civicloop.cases.models import Case, CaseParty
from civicloop.parties.choices import PartyKind

from .models import CreditRepair
from .services import open_credit_repair

AMOUNT_KINDS = ("fine", "confiscation")
PERIOD_KINDS = (*AMOUNT_KINDS, *PenaltyKind.values)


@dataclass(frozen=True)
class Period:
    minimum: int
    maximum: int


def parse_periods(spec: str) -> dict[str, Period]:
    """``warning=3/12,fine=3/12,…`` → {kind: Period}; every kind must be given, once."""
    periods: dict[str, Period] = {}
    for part in (p.strip() for p in (spec or "").split(",")):
        if not part:
            continue
        kind, _sep, value = part.partition("=")
        kind = kind.strip()
        if kind not in PERIOD_KINDS:
            raise ImproperlyConfigured(
                f"CIVICLOOP_CREDIT_REPAIR_PERIODS: unknown penalty kind {kind!r} "
                f"(known: {', '.join(PERIOD_KINDS)})"
            )
        if kind in periods:
            raise ImproperlyConfigured(f"CIVICLOOP_CREDIT_REPAIR_PERIODS: {kind} is given twice")
        low, _slash, high = value.partition("/")
        try:
            minimum, maximum = int(low), int(high)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"CIVICLOOP_CREDIT_REPAIR_PERIODS: {part!r} is not kind=MIN/MAX (months)"
            ) from exc
        if not 0 < minimum <= maximum:
            raise ImproperlyConfigured(
                f"CIVICLOOP_CREDIT_REPAIR_PERIODS: {part!r} needs 0 < MIN <= MAX"
            )
        periods[kind] = Period(minimum, maximum)
    missing = [k for k in PERIOD_KINDS if k not in periods]
    if missing:
        raise ImproperlyConfigured(
            f"CIVICLOOP_CREDIT_REPAIR_PERIODS: no period for {', '.join(missing)}"
        )
    return periods


def periods() -> dict[str, Period]:
    return parse_periods(settings.CIVICLOOP_CREDIT_REPAIR_PERIODS)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class Publication:
    kinds: tuple[str, ...]
    published_on: dt.date
    minimum_months: int
    maximum_months: int

    @property
    def repairable_on(self) -> dt.date:
        return add_months(self.published_on, self.minimum_months)

    @property
    def ends_on(self) -> dt.date:
        """The last day of the publication (the maximum period)."""
        return add_months(self.published_on, self.maximum_months) - dt.timedelta(days=1)


def penalty_kinds(case) -> tuple[str, ...]:
    kinds = []
    if case.fine_amount:
        kinds.append("fine")
    if case.confiscation_amount:
        kinds.append("confiscation")
    kinds += [k for k in (case.penalties or []) if k in PenaltyKind.values]
    return tuple(dict.fromkeys(kinds))


def publication_of(case, *, table: dict[str, Period] | None = None) -> Publication | None:
    """The publication of a decided penalty (None for no-penalty decisions and undecided cases)."""
    if case.decided_at is None or case.outcome not in (Outcome.PENALTY, Outcome.REDUCED_PENALTY):
        return None
    kinds = penalty_kinds(case)
    if not kinds:
        return None
    table = table or periods()
    return Publication(
        kinds=kinds,
        published_on=timezone.localtime(case.decided_at).date(),
        minimum_months=max(table[k].minimum for k in kinds),
        maximum_months=max(table[k].maximum for k in kinds),
    )


def performed(case) -> bool:
    """The decision was performed: the fine paid in full, or nothing to pay and served."""
    if case.fine_amount:
        return case.performed_at is not None
    return case.served_at is not None


def repairable(case, *, on: dt.date, table: dict[str, Period] | None = None) -> Publication | None:
    publication = publication_of(case, table=table)
    if publication is None or not performed(case):
        return None
    if not publication.repairable_on <= on <= publication.ends_on:
        return None
    return publication


def repairable_penalties(*, on: dt.date) -> Iterator[tuple[object, object, Publication]]:
    """(case, enterprise, publication) for every repairable penalty of an organisation that has
    no repair record yet."""

    table = periods()
    shortest = min(p.minimum for p in table.values())
    longest = max(p.maximum for p in table.values())
    cases = (
        Case.objects.filter(
            outcome__in=[Outcome.PENALTY, Outcome.REDUCED_PENALTY],
            decided_at__isnull=False,
            decided_at__date__lte=add_months(on, -shortest),
            decided_at__date__gt=add_months(on, -longest),
        )
        .select_related("handling_unit")
        .order_by("decided_at", "pk")
    )
    links = CaseParty.objects.filter(
        case__in=cases, role=PartyRole.PARTY, party__kind=PartyKind.ORGANISATION
    )
    parties: dict[int, list] = {}
    for link in links.select_related("party"):
        parties.setdefault(link.case_id, []).append(link.party)
    done = set(CreditRepair.objects.filter(case__in=cases).values_list("case_id", "party_id"))
    for case in cases:
        enterprises = [p for p in parties.get(case.pk, []) if (case.pk, p.pk) not in done]
        if not enterprises:
            continue
        publication = repairable(case, on=on, table=table)
        if publication is None:
            continue
        for party in enterprises:
            yield case, party, publication


def sweep_credit_repairs(*, at: dt.datetime | None = None) -> int:
    """Find every penalty that became repairable and tell its handling unit (once)."""

    at = at or timezone.now()
    count = 0
    for case, party, publication in list(repairable_penalties(on=timezone.localdate(at))):
        if open_credit_repair(case, party, publication=publication, at=at) is not None:
            count += 1
    return count
