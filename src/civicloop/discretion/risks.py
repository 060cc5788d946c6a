"""裁量风险 over decided cases: the sweep that flags them, and their review.

**The sweep** (:func:`sweep`; ``civicloop discretion sweep`` and the worker, daily) reads every
decided case with a fine (``Case.decided_at`` and ``fine_amount`` set) and judges it with the
same rules as the file scan (``scan.find_flags``):

* the matter and party type are the calculator's (the latest ``DiscretionAssessment``) when the
  case has one, else the case's first matter (``CaseMatter``) and its first principal party's
  kind (person / organisation); a case with neither is skipped and counted;
* the statutory range is the calculator's, else ``matters.ranges.range_for`` of the matter
  version the case was decided under; a range in multiples of a base (违法所得 …) has no amount
  bounds and is not checked;
* the tier, its band and the written reason for leaving it are the calculator's. A case without
  an assessment has no tier: it is never flagged ``outside_tier_band``, and its peers are the
  other cases of its matter and party type *without a tier* — mixing them with tiered cases
  would make every lawful 从重 fine an outlier of the 从轻 ones;
* peers and same facts are compared across all decided cases; ``since`` only limits which
  cases' flags are written (a case decided before it keeps its flags as they are).

A sweep is idempotent: a flag that still holds is updated (evidence, history row only when the
evidence changed), never duplicated; an open flag whose condition no longer holds is marked
resolved by the system; a reviewed flag stays as reviewed while the fine is the one reviewed
(a new open flag is raised when the fine changed and the risk is still there).

**The review**: a legal reviewer (法制审核员, 驻队律师 — ``cases.review.REVIEWER_ROLES``) whose
unit covers the case's place (a county unit covers the county, a town squad its town), never a
handler of the case, closes an open flag as confirmed, explained (with a note) or corrected
(with a note and the amount corrected: the fine change or the loss recovered, in yuan; a
confirmed flag may be corrected later). Leaders and the county centre see every flag.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from civicloop.cases.choices import Outcome, PartyRole
from civicloop.cases.models import Case, CaseMatter, CaseParty
from civicloop.cases.review import reviewer_posts
from civicloop.core.errors import InvalidInput
from civicloop.core.inputs import clean_text
from civicloop.core.spreadsheets import append_header, append_row
from civicloop.core.transitions import ModelWorkflow
from civicloop.core.workflow import StateMachine, Transition
from civicloop.matters.models import MatterVersion
from civicloop.matters.ranges import range_for
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region
from civicloop.org.scope import scope_of

from .models import (
    DiscretionAssessment,
    RiskFlag,
    RiskFlagHistory,
    RiskKind,
    RiskState,
)
from .scan import Finding, FlagRows, find_flags

# Bumped when a rule or threshold of ``scan.find_flags`` changes, so a flag says which rules
# found it.
RULES_VERSION = "1"

S = RiskState


# --- who sees and reviews -------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewArea:
    """Where a person reviews risk flags: the whole county, or these division-code prefixes."""

    everything: bool = False
    prefixes: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        return self.everything or bool(self.prefixes)

    def covers(self, code: str | None) -> bool:
        return self.everything or any((code or "").startswith(p) for p in self.prefixes)


def review_area(user) -> ReviewArea:
    """The area of ``user``'s active reviewer posts: a county-level unit covers everything."""
    if not getattr(user, "is_authenticated", False):
        return ReviewArea()
    everything, prefixes = False, set()
    for post in reviewer_posts().filter(user=user):
        region = post.unit.region
        if region.level == RegionLevel.COUNTY:
            everything = True
        else:
            prefixes.add(region.prefix)
    return ReviewArea(everything, frozenset(prefixes))


def visible_flags(user):
    """Flags ``user`` may see: reviewers those of their area; leaders, the county centre and
    administrators (whole-county scope) every flag; nobody else any."""
    flags = RiskFlag.objects.with_place()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return flags.none()
    if scope_of(user).everything:
        return flags
    area = review_area(user)
    if area.everything:
        return flags
    q = Q(pk__in=[])
    for prefix in sorted(area.prefixes):
        q |= Q(place_code__startswith=prefix)
    return flags.filter(q)


def may_see_flags(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        scope_of(user).everything or review_area(user).any
    )


def _place_of(case: Case) -> str:
    region = case.region or case.handling_unit.region
    return region.code if region else ""


def capacities(user, flag: RiskFlag) -> frozenset[str]:
    """``reviewer`` for a legal reviewer whose area covers the case and who did not handle it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if not review_area(user).covers(_place_of(flag.case)):
        return frozenset()
    if flag.case.handlers.filter(user=user).exists():
        return frozenset()
    return frozenset({"reviewer"})


REVIEW = StateMachine(
    states=RiskState,
    transitions=[
        Transition(
            "confirm",
            _("Confirm the risk"),
            (S.OPEN,),
            (S.CONFIRMED,),
            frozenset({"reviewer"}),
            description=_("The fine is wrong; the case is to be corrected."),
        ),
        Transition(
            "explain",
            _("Explained"),
            (S.OPEN,),
            (S.EXPLAINED,),
            frozenset({"reviewer"}),
            reason_required=True,
            description=_("The fine stands: the note says why."),
        ),
        Transition(
            "correct",
            _("Corrected"),
            (S.OPEN, S.CONFIRMED),
            (S.CORRECTED,),
            frozenset({"reviewer"}),
            reason_required=True,
            description=_("The fine was corrected or the loss recovered: the amount in yuan."),
        ),
        Transition(
            "resolve",
            _("No longer found"),
            (S.OPEN,),
            (S.RESOLVED,),
            frozenset({"system"}),
            manual=False,
            description=_("The sweep no longer finds the risk (e.g. the case was corrected)."),
        ),
    ],
    initial=S.OPEN,
    actor_labels={"reviewer": _("legal reviewer"), "system": _("the risk sweep")},
)

WORKFLOW = ModelWorkflow(
    RiskFlag,
    RiskFlagHistory,
    REVIEW,
    capacities=capacities,
    related=("case", "case__region", "case__handling_unit__region"),
)
REVIEW_OUTCOMES = ("confirm", "explain", "correct")


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(_("Give the amount in yuan, e.g. 1500."), field="amount") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(_("The amount cannot be negative."), field="amount")
    return amount.quantize(Decimal("0.01"))


def review_flag(flag: RiskFlag, *, outcome: str, by, note: str = "", amount=None) -> RiskFlag:
    """Close an open flag as ``confirm``, ``explain`` or ``correct`` (or correct a confirmed
    one); a correction needs the amount corrected, the others take none."""
    if outcome not in REVIEW_OUTCOMES:
        raise InvalidInput(_("Choose confirmed, explained or corrected."), field="outcome")
    note = clean_text(note, field="note", max_length=2000) if note else ""
    amount = _amount(amount)
    with transaction.atomic():
        flag = WORKFLOW.lock(flag)
        transition, note = WORKFLOW.check(flag, outcome, by, reason=note)
        if outcome == "correct" and amount is None:
            raise InvalidInput(
                _("Give the amount corrected: the change of the fine or the loss recovered."),
                field="amount",
            )
        if outcome != "correct" and amount is not None:
            raise InvalidInput(_("An amount is recorded only with a correction."), field="amount")
        now = timezone.now()
        flag.reviewed_by, flag.reviewed_at, flag.review_note = by, now, note
        fields = ["reviewed_by", "reviewed_at", "review_note"]
        if transition.target in (S.CONFIRMED, S.CORRECTED) and flag.confirmed_at is None:
            flag.confirmed_at = now
            fields.append("confirmed_at")
        if transition.target == S.CORRECTED:
            flag.corrected_at, flag.amount_corrected = now, amount
            fields += ["corrected_at", "amount_corrected"]
        WORKFLOW.move(
            flag,
            outcome,
            transition.target,
            by=by,
            reason=note,
            details={"amount": str(amount)} if amount is not None else {},
            fields=fields,
            at=now,
        )
    return flag


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class CaseFacts:
    """A decided case as the sweep judges it."""

    pk: int
    number: str
    decided_on: dt.date
    fine: Decimal
    group: tuple
    tier: str
    stat: tuple[Decimal | None, Decimal | None]
    band: tuple[Decimal | None, Decimal | None]
    reason: bool
    facts: str

    @property
    def expected(self) -> tuple[Decimal | None, Decimal | None]:
        """The band of the tier when there is one, else the statutory range."""
        return self.band if self.tier else self.stat


@dataclass
class SweepReport:
    run: str
    cases: int = 0
    skipped: int = 0
    found: Counter = field(default_factory=Counter)
    updated: int = 0
    unchanged: int = 0
    resolved: int = 0
    open_by_kind: Counter = field(default_factory=Counter)

    @property
    def total_found(self) -> int:
        return sum(self.found.values())


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def decided_cases() -> list[CaseFacts]:
    """Every decided case with a fine, with what the rules read (a handful of queries)."""
    cases = list(
        Case.objects.filter(decided_at__isnull=False, fine_amount__isnull=False)
        .order_by("decided_at", "pk")
        .values_list("pk", "number", "decided_at", "fine_amount", "facts", "outcome")
    )
    ids = [row[0] for row in cases]
    matters: dict[int, tuple[int, int]] = {}
    for case_id, matter_id, version_id in (
        CaseMatter.objects.filter(case_id__in=ids)
        .order_by("case_id", "id")
        .values_list("case_id", "matter_id", "version_id")
    ):
        matters.setdefault(case_id, (matter_id, version_id))
    parties: dict[int, str] = {}
    for case_id, kind in (
        CaseParty.objects.filter(case_id__in=ids, role=PartyRole.PARTY)
        .order_by("case_id", "id")
        .values_list("case_id", "party__kind")
    ):
        parties.setdefault(case_id, kind)
    assessments: dict[int, DiscretionAssessment] = {}
    for assessment in DiscretionAssessment.objects.filter(case_id__in=ids).order_by(
        "case_id", "-at", "-id"
    ):
        assessments.setdefault(assessment.case_id, assessment)
    versions = MatterVersion.objects.in_bulk({v for _m, v in matters.values()})

    result = []
    for pk, number, decided_at, fine, facts, outcome in cases:
        assessment = assessments.get(pk)
        link = matters.get(pk)
        matter_id = assessment.matter_id if assessment else (link[0] if link else None)
        party = assessment.party_type if assessment else parties.get(pk)
        if matter_id is None or not party:
            result.append(None)
            continue
        stat: tuple[Decimal | None, Decimal | None] = (None, None)
        if assessment and (assessment.stat_min is not None or assessment.stat_max is not None):
            stat = (assessment.stat_min, assessment.stat_max)
        elif link and link[0] == matter_id:
            statutory = range_for(versions.get(link[1]), party)
            if statutory is not None and not statutory.is_multiple:
                stat = (statutory.minimum, statutory.maximum)
        if outcome == Outcome.REDUCED_PENALTY:
            # 减轻处罚 goes below the statutory minimum by law (Art. 32), on a ground the case
            # states and checks; only the maximum still binds.
            stat = (None, stat[1])
        result.append(
            CaseFacts(
                pk=pk,
                number=number,
                decided_on=timezone.localdate(decided_at),
                fine=fine,
                group=(matter_id, party),
                tier=assessment.tier_label if assessment else "",
                stat=stat,
                band=(assessment.band_min, assessment.band_max) if assessment else (None, None),
                reason=bool(assessment and assessment.reason.strip()),
                facts=facts or "",
            )
        )
    return result


def judge(cases: list[CaseFacts]) -> list[list[Finding]]:
    """The findings of each case, by the file scan's rules."""
    rows = FlagRows()
    for case in cases:
        rows.add(
            group=case.group,
            tier=case.tier,
            fine=float(case.fine),
            stat=(_float(case.stat[0]), _float(case.stat[1])),
            band=(_float(case.band[0]), _float(case.band[1])),
            reason=case.reason,
            facts=case.facts,
        )
    return find_flags(rows)


def _evidence(finding: Finding, case: CaseFacts, cases: list[CaseFacts]) -> dict:
    """The finding's figures as stored: the other case of a pair by its key and number."""
    evidence = dict(finding.evidence)
    if "other" in evidence:
        other = cases[evidence.pop("other")]
        evidence["other_case"] = other.pk
        evidence["other_number"] = other.number
    low, high = case.expected
    evidence["expected"] = [_float(low), _float(high)]
    if case.tier:
        evidence.setdefault("tier", case.tier)
    return evidence


def sweep(*, since: dt.date | None = None, at: dt.datetime | None = None) -> SweepReport:
    """Flag the risks of decided cases (those decided on or after ``since`` when given), update
    the flags that still hold and resolve the open ones that no longer do."""
    now = at or timezone.now()
    report = SweepReport(run=f"{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}")
    judged = decided_cases()
    cases = [case for case in judged if case is not None]
    report.skipped = len(judged) - len(cases)
    findings = judge(cases)
    wanted: dict[tuple[int, str], tuple[Finding, CaseFacts]] = {}
    swept: set[int] = set()
    for case, found in zip(cases, findings, strict=True):
        if since is not None and case.decided_on < since:
            continue
        swept.add(case.pk)
        for finding in found:
            wanted[(case.pk, finding.kind)] = (finding, case)
    report.cases = len(swept)

    with transaction.atomic():
        latest: dict[tuple[int, str], RiskFlag] = {}
        existing = RiskFlag.objects.select_for_update(of=("self",)).order_by("id")
        if since is not None:
            existing = existing.filter(
                Q(case_id__in=swept) | Q(state=S.OPEN) & ~Q(case__decided_at__date__lt=since)
            )
        for flag in existing:
            latest[(flag.case_id, flag.kind)] = flag
        still_open = []
        for key, (finding, case) in wanted.items():
            flag = latest.get(key)
            evidence = _evidence(finding, case, cases)
            text = finding.text()
            low, high = case.expected
            if flag is not None and flag.state == S.OPEN:
                if flag.evidence == evidence and flag.fine == case.fine:
                    report.unchanged += 1
                    still_open.append(flag.pk)
                    continue
                flag.evidence, flag.evidence_text, flag.fine = evidence, text, case.fine
                flag.expected_min, flag.expected_max = low, high
                flag.swept_at, flag.sweep_run, flag.rules_version = now, report.run, RULES_VERSION
                flag.save()
                WORKFLOW.record(
                    flag, "update", by=None, reason=text, details={"evidence": evidence}, at=now
                )
                report.updated += 1
                continue
            if flag is not None and flag.state != S.RESOLVED and flag.fine == case.fine:
                continue  # reviewed, and the fine is the one reviewed: the review stands
            flag = RiskFlag.objects.create(
                case_id=case.pk,
                kind=finding.kind,
                evidence=evidence,
                evidence_text=text,
                expected_min=low,
                expected_max=high,
                fine=case.fine,
                found_at=now,
                swept_at=now,
                sweep_run=report.run,
                rules_version=RULES_VERSION,
            )
            WORKFLOW.record(
                flag, "find", by=None, reason=text, details={"evidence": evidence}, at=now
            )
            report.found[finding.kind] += 1
        RiskFlag.objects.filter(pk__in=still_open).update(swept_at=now, sweep_run=report.run)
        for key, flag in latest.items():
            if flag.state != S.OPEN or key in wanted:
                continue
            flag.resolved_at = now
            WORKFLOW.move(
                flag,
                "resolve",
                S.RESOLVED,
                by=None,
                reason=gettext("The sweep no longer finds this risk."),
                fields=["resolved_at"],
                at=now,
            )
            report.resolved += 1
    report.open_by_kind = Counter(
        dict(RiskFlag.objects.open().values_list("kind").order_by().annotate(n=Count("pk")))
    )
    return report


# --- the Excel export -----------------------------------------------------------------------


def town_names() -> dict[str, str]:
    """Town names by the nine digits of their division code (a flag's town is its case's)."""
    return {code[:9]: name for code, name in Region.objects.towns().values_list("code", "name")}


EXPORT_COLUMNS = (
    (_("case number"), 24),
    (_("kind"), 22),
    (_("state"), 10),
    (_("town"), 12),
    (_("fine (yuan)"), 12),
    (_("expected minimum"), 12),
    (_("expected maximum"), 12),
    (_("evidence"), 50),
    (_("found at"), 17),
    (_("reviewed by"), 12),
    (_("reviewed at"), 17),
    (_("review note"), 40),
    (_("amount corrected (yuan)"), 14),
)


def write_flags_workbook(flags, out: str | BinaryIO) -> int:
    """One row per flag (``flags`` annotated with ``place_code``, as ``visible_flags``)."""
    towns = town_names()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("risk flags"))
    append_header(
        sheet, [label for label, _w in EXPORT_COLUMNS], widths=[w for _l, w in EXPORT_COLUMNS]
    )
    count = 0
    for flag in flags.select_related("case", "reviewed_by").iterator(chunk_size=500):
        append_row(
            sheet,
            [
                flag.case.number,
                RiskKind(flag.kind),
                RiskState(flag.state),
                towns.get((flag.place_code or "")[:9], ""),
                flag.fine,
                flag.expected_min,
                flag.expected_max,
                flag.evidence_shown,
                flag.found_at,
                str(flag.reviewed_by or ""),
                flag.reviewed_at,
                flag.review_note,
                flag.amount_corrected,
            ],
            wrap=None,
        )
        count += 1
    workbook.save(out)
    return count
