"""Figures of reconsideration and litigation (行政复议 / 行政诉讼), subject ``discretion`` — the
report's “行政复议和行政诉讼下降33%” (the cockpit compares ``reconsiderations_and_suits`` with
the same period last year by itself). ``DiscretionConfig.ready()`` registers :data:`FIGURES`.

A challenge is placed where its case is (the place of the violation, else the handling unit's
area: ``Case.objects.with_place()``). Counts and the 纠错率 are additive measures; the challenge
rate divides two counts of different tables, so it is computed from records.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.cases.choices import Outcome
from civicloop.cases.models import Case
from civicloop.core.figures import COUNT, SHARE, Figure, Measure, Period

from .models import LOST_OUTCOMES, LegalChallenge

SUBJECT = "discretion"
PLACE = "place_code"
# The decisions a challenge rate is taken of: decisions imposing a penalty (a 不予处罚 decision
# is rarely challenged, and counting it would flatter the rate).
PENALTY_OUTCOMES = (Outcome.PENALTY, Outcome.REDUCED_PENALTY)


def challenge_rows():
    return LegalChallenge.objects.with_place()


def lost_rows():
    return LegalChallenge.objects.with_place().lost()


def concluded_rows():
    return LegalChallenge.objects.with_place().concluded()


def _penalty_decisions(period: Period, region=None) -> int:
    cases = Case.objects.filter(outcome__in=PENALTY_OUTCOMES)
    start, end = period.moments()
    if start is not None:
        cases = cases.filter(decided_at__gte=start)
    if end is not None:
        cases = cases.filter(decided_at__lt=end)
    if region is not None:
        cases = cases.within(region)
    return cases.count()


FILED = Measure(rows=challenge_rows, date="filed_on", kind=COUNT, place=PLACE)


def challenge_rate(period: Period, region=None) -> float | None:
    """Challenges filed ÷ penalty decisions made in the period, in per cent."""
    decisions = _penalty_decisions(period, region)
    if not decisions:
        return None
    filed = FILED.finish(FILED.totals(period, region.prefix if region is not None else None))
    return round(100 * filed / decisions, 2)


# --- drill-down ------------------------------------------------------------------------------


def _records(period: Period, region, date: str, **params) -> str:
    if period.start:
        params[f"{date}_after"] = period.start.isoformat()
    if period.end:
        params[f"{date}_before"] = period.end.isoformat()
    if region is not None:
        params["region"] = region.code
    return f"{reverse('proceedings:list')}?{urlencode(params, doseq=True)}"


def filed_records(period: Period, region=None) -> str:
    return _records(period, region, "filed")


def lost_records(period: Period, region=None) -> str:
    return _records(period, region, "decided", outcome=sorted(LOST_OUTCOMES))


def concluded_records(period: Period, region=None) -> str:
    return _records(period, region, "decided", concluded="1")


# --- the figures -------------------------------------------------------------------------------

RECONSIDERATIONS_AND_SUITS = Figure(
    SUBJECT,
    "reconsiderations_and_suits",
    label=_("Reconsiderations and lawsuits"),
    definition=_(
        "The report's “行政复议和行政诉讼下降33%”: the number of administrative reconsideration "
        "applications (行政复议) and lawsuits (行政诉讼, first instance and appeal, each "
        "instance counted once) against penalty decisions, filed on a date in the period "
        "(filed_on), whatever their outcome. The filing date decides the period; the case's "
        "place (the place of the violation, else the handling unit's area) decides the region."
    ),
    unit=_("applications and lawsuits"),
    measure=FILED,
    better="down",
    records=filed_records,
    order=110,
)
CHALLENGE_RATE = Figure(
    SUBJECT,
    "challenge_rate",
    label=_("Reconsideration and litigation rate"),
    definition=_(
        "Reconsideration applications and lawsuits filed (filed_on) in the period, divided by "
        "the penalty decisions made (the case's decided_at, outcome penalty or reduced "
        "penalty) in the period, in per cent; empty when no penalty was decided. The "
        "numerator's filing date and the denominator's decision date each decide the period, "
        "so a challenge filed in January against a December decision counts in January; the "
        "case's place decides the region."
    ),
    unit=_("%"),
    compute=challenge_rate,
    better="down",
    records=filed_records,
    order=120,
)
CHALLENGES_LOST = Figure(
    SUBJECT,
    "challenges_lost",
    label=_("Decisions corrected on reconsideration or in court"),
    definition=_(
        "The number of reconsiderations and lawsuits decided (decided_on) in the period against "
        "the bureau: the decision varied (变更), revoked (撤销) or confirmed unlawful (确认违法), "
        "or the bureau ordered to act (责令履行). Upheld, dismissed, withdrawn, settled and "
        "pending ones are not counted. The date of the reconsideration decision or judgment "
        "decides the period; the case's place decides the region."
    ),
    unit=_("applications and lawsuits"),
    measure=Measure(rows=lost_rows, date="decided_on", kind=COUNT, place=PLACE),
    better="down",
    records=lost_records,
    order=130,
)
CORRECTION_RATE = Figure(
    SUBJECT,
    "correction_rate",
    label=_("Correction rate (纠错率)"),
    definition=_(
        "Of the reconsiderations and lawsuits concluded (decided_on) in the period with any "
        "outcome other than pending — upheld, dismissed, withdrawn and settled included — the "
        "share decided against the bureau (varied, revoked, confirmed unlawful, ordered to "
        "act), 0–1; empty when none was concluded. The date of the reconsideration decision or "
        "judgment decides the period; the case's place decides the region."
    ),
    unit=_("share (0–1)"),
    measure=Measure(
        rows=concluded_rows,
        date="decided_on",
        kind=SHARE,
        place=PLACE,
        numerator=Q(outcome__in=LOST_OUTCOMES),
    ),
    better="down",
    records=concluded_records,
    order=140,
)

FIGURES = (RECONSIDERATIONS_AND_SUITS, CHALLENGE_RATE, CHALLENGES_LOST, CORRECTION_RATE)
