"""The rules of the Administrative Penalty Law (《中华人民共和国行政处罚法》, 2021) that
decide what a case may do, as plain functions. Service functions call them; the
article of each rule is named where it is applied (docs/cases.md lists them).

Amounts the law fixes are constants here; amounts a province sets are settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicloop.core.errors import InvalidInput
from civicloop.matters.ranges import ANY, range_for
from civicloop.parties.choices import PartyKind

from .choices import (
    HEARING_PENALTIES,
    Counting,
    DeadlineKind,
    NoPenaltyGround,
    Outcome,
    PenaltyKind,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")

# Art. 51: on-the-spot decisions — a warning, or a fine up to 200 yuan for a citizen and
# 3 000 yuan for a legal person or other organisation.
ON_THE_SPOT_FINE_LIMIT = {PartyKind.PERSON: Decimal("200"), PartyKind.ORGANISATION: Decimal("3000")}
ON_THE_SPOT_PENALTIES = frozenset({PenaltyKind.WARNING})
# Art. 68 (1): a fine up to 100 yuan may be collected on the spot.
ON_THE_SPOT_COLLECTION_LIMIT = Decimal("100")
# Art. 61 with Art. 85: the decision is served within 7 working days.
SERVICE_WORKING_DAYS = 7
# Art. 64 (1) with Art. 85: a hearing is requested within 5 working days of the notice.
HEARING_REQUEST_WORKING_DAYS = 5
# Art. 64 (2) with Art. 85: the party is notified at least 7 working days before the hearing.
HEARING_NOTICE_WORKING_DAYS = 7
# Art. 67 ¶3: the fine is paid within 15 days of receiving the decision (natural days:
# Art. 85 reads only "two, three, five and seven days" as working days).
PAYMENT_DAYS = 15
# Art. 72 (1): 3 % of the fine for each day late, never more than the fine itself.
SURCHARGE_RATE = Decimal("0.03")
# Art. 36: limitation periods in years.
LIMITATION_YEARS = 2
LIMITATION_YEARS_EXTENDED = 5


@dataclass(frozen=True)
class TimeLimit:
    """One time limit of a case (期限): its length, how it is counted and the rule it comes
    from. A length the law fixes is ``days``; one a province or county sets is read from
    the named setting when used, so a deployment's value is always the one applied."""

    kind: str
    counting: str
    basis: Promise  # translated, with %(n)d for the length
    binds_authority: bool
    days: int | None = None
    setting: str | None = None

    @property
    def length(self) -> int:
        return getattr(settings, self.setting) if self.setting else self.days

    def describe(self) -> str:
        return str(self.basis % {"n": self.length})


# Every time limit a case runs, in one table. The first three bind the authority (warned
# before they expire); the others are the party's periods, which the rules wait for.
TIME_LIMITS = {
    limit.kind: limit
    for limit in (
        # Art. 60: a decision within 90 days of filing, unless other rules say otherwise.
        TimeLimit(
            DeadlineKind.DECISION,
            Counting.NATURAL_DAYS,
            _("Art. 60: decision within %(n)d days of filing"),
            binds_authority=True,
            setting="CIVICLOOP_CASE_DECISION_DAYS",
        ),
        # 简案快办: the county's own target, in working days.
        TimeLimit(
            DeadlineKind.FAST_TRACK,
            Counting.WORKING_DAYS,
            _("Fast track: decision within %(n)d working days of filing (county rule)"),
            binds_authority=True,
            setting="CIVICLOOP_CASE_FAST_TRACK_WORKING_DAYS",
        ),
        TimeLimit(
            DeadlineKind.SERVICE,
            Counting.WORKING_DAYS,
            _("Art. 61, Art. 85: service within %(n)d working days of the decision"),
            binds_authority=True,
            days=SERVICE_WORKING_DAYS,
        ),
        # Art. 44, 45 with Art. 85 ("三日" read as working days); the county may allow longer.
        TimeLimit(
            DeadlineKind.STATEMENT_PERIOD,
            Counting.WORKING_DAYS,
            _("Art. 44, 45: statement and defence within %(n)d working days of the notice"),
            binds_authority=False,
            setting="CIVICLOOP_CASE_STATEMENT_WORKING_DAYS",
        ),
        TimeLimit(
            DeadlineKind.HEARING_REQUEST,
            Counting.WORKING_DAYS,
            _(
                "Art. 64 (1), Art. 85: a hearing is requested within %(n)d working days of "
                "the notice"
            ),
            binds_authority=False,
            days=HEARING_REQUEST_WORKING_DAYS,
        ),
        TimeLimit(
            DeadlineKind.PAYMENT,
            Counting.NATURAL_DAYS,
            _("Art. 67: the fine is paid within %(n)d days of receiving the decision"),
            binds_authority=False,
            days=PAYMENT_DAYS,
        ),
    )
}
# The limits the deadline sweep warns about.
AUTHORITY_DEADLINES = frozenset(k for k, limit in TIME_LIMITS.items() if limit.binds_authority)


def money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Penalty:
    """What is proposed or decided: the outcome, amounts and other penalty kinds."""

    outcome: str
    fine: Decimal | None = None
    confiscation: Decimal | None = None
    kinds: tuple[str, ...] = ()

    @property
    def fine_or_zero(self) -> Decimal:
        return self.fine or ZERO

    @property
    def confiscation_or_zero(self) -> Decimal:
        return self.confiscation or ZERO


def check_penalty(penalty: Penalty, *, field_prefix: str = "") -> Penalty:
    """The shape of a penalty: known kinds, amounts not negative, a no-penalty outcome
    without any penalty, a penalty with at least one."""
    if penalty.outcome not in Outcome.values:
        raise InvalidInput(
            _("Choose penalty, reduced penalty or no penalty."), field=f"{field_prefix}outcome"
        )
    unknown = [k for k in penalty.kinds if k not in PenaltyKind.values]
    if unknown:
        raise InvalidInput(
            _("Unknown kind of penalty: %(kinds)s.") % {"kinds": ", ".join(unknown)},
            field=f"{field_prefix}penalties",
        )
    for name, value in (("fine", penalty.fine), ("confiscation", penalty.confiscation)):
        if value is not None and value < 0:
            raise InvalidInput(_("An amount cannot be negative."), field=f"{field_prefix}{name}")
    has_any = penalty.fine_or_zero > 0 or penalty.confiscation_or_zero > 0 or bool(penalty.kinds)
    if penalty.outcome == Outcome.NO_PENALTY and has_any:
        raise InvalidInput(
            _("A no-penalty outcome has no fine, confiscation or other penalty."),
            field=f"{field_prefix}fine",
        )
    if penalty.outcome != Outcome.NO_PENALTY and not has_any:
        raise InvalidInput(
            _("Say what the penalty is: a fine, a confiscation or another kind."),
            field=f"{field_prefix}fine",
        )
    return penalty


def party_kinds(parties: Iterable) -> set[str]:
    return {p.kind for p in parties}


def strictest_kind(parties: Sequence) -> str:
    """Limits that depend on who is punished apply as for a citizen if any party is one."""
    return (
        PartyKind.PERSON
        if PartyKind.PERSON in party_kinds(parties) or not parties
        else PartyKind.ORGANISATION
    )


# --- Art. 51: the simple procedure ------------------------------------------------------------


def check_on_the_spot(penalty: Penalty, parties: Sequence) -> None:
    """Art. 51: only a warning, or a fine up to 200 yuan (citizen) / 3 000 yuan (organisation)."""
    if penalty.outcome == Outcome.NO_PENALTY:
        raise InvalidInput(
            _(
                "The simple procedure decides a penalty; a no-penalty outcome follows "
                "the ordinary procedure."
            ),
            field="outcome",
        )
    if penalty.confiscation_or_zero > 0 or set(penalty.kinds) - ON_THE_SPOT_PENALTIES:
        raise InvalidInput(
            _(
                "On the spot only a warning or a fine may be decided (Art. 51); use the "
                "ordinary procedure."
            ),
            field="penalties",
        )
    kind = strictest_kind(parties)
    limit = ON_THE_SPOT_FINE_LIMIT[kind]
    if penalty.fine_or_zero > limit:
        if kind == PartyKind.PERSON:
            message = _(
                "On the spot a citizen may be fined at most 200 yuan (Art. 51); %(fine)s yuan "
                "needs the ordinary procedure."
            )
        else:
            message = _(
                "On the spot an organisation may be fined at most 3 000 yuan (Art. 51); %(fine)s "
                "yuan needs the ordinary procedure."
            )
        raise InvalidInput(message % {"fine": penalty.fine_or_zero}, field="fine")


# --- Art. 63: the right to a hearing ----------------------------------------------------------


def hearing_thresholds(kind: str) -> tuple[Decimal, Decimal]:
    """(fine, confiscation) from which a penalty is "larger" for the party's kind (settings)."""
    if kind == PartyKind.PERSON:
        return (
            Decimal(settings.CIVICLOOP_CASE_HEARING_FINE_PERSON),
            Decimal(settings.CIVICLOOP_CASE_HEARING_CONFISCATION_PERSON),
        )
    return (
        Decimal(settings.CIVICLOOP_CASE_HEARING_FINE_ORGANISATION),
        Decimal(settings.CIVICLOOP_CASE_HEARING_CONFISCATION_ORGANISATION),
    )


def hearing_grounds(penalty: Penalty, parties: Sequence, *, other_ground: str = "") -> list[str]:
    """Why the party may ask for a hearing (Art. 63); empty when it may not."""
    if penalty.outcome == Outcome.NO_PENALTY:
        return []
    grounds = []
    fine_limit, confiscation_limit = hearing_thresholds(strictest_kind(parties))
    if penalty.fine_or_zero >= fine_limit:
        grounds.append(str(_("a larger fine (Art. 63 (1))")))
    if penalty.confiscation_or_zero >= confiscation_limit:
        grounds.append(str(_("confiscation of a larger amount (Art. 63 (2))")))
    for kind in sorted(set(penalty.kinds) & HEARING_PENALTIES):
        grounds.append(
            str(_("%(penalty)s (Art. 63 (3)(4))") % {"penalty": PenaltyKind(kind).label})
        )
    if other_ground:
        grounds.append(str(_("%(ground)s (Art. 63 (5)(6))") % {"ground": other_ground}))
    return grounds


# --- Art. 45: no heavier penalty because the party defended itself -----------------------------


def is_heavier(decided: Penalty, notified: Penalty) -> bool:
    """Whether the decision is heavier than what the party was told in the prior notice."""
    if decided.outcome == Outcome.NO_PENALTY:
        return False
    if notified.outcome == Outcome.NO_PENALTY:
        return True
    return (
        decided.fine_or_zero > notified.fine_or_zero
        or decided.confiscation_or_zero > notified.confiscation_or_zero
        or bool(set(decided.kinds) - set(notified.kinds))
    )


# --- statutory fine ranges of the matters -----------------------------------------------------


@dataclass(frozen=True)
class FineRange:
    minimum: Decimal | None
    maximum: Decimal | None
    # The party type the range is for when a matter's article distinguishes it (个人 / 单位);
    # None when the range is the same for any party.
    party_type: str | None = None


def principal_party_type(parties: Iterable) -> str | None:
    """The kind (person / organisation) of the case's parties; None when there are none or
    they are of both kinds (then the widest range of each matter applies)."""
    kinds = {p.kind for p in parties}
    return kinds.pop() if len(kinds) == 1 else None


def fine_range(versions: Sequence, party_type: str | None = None) -> FineRange:
    """The range of the matters' versions: the lowest minimum and the sum of the maxima
    (several violations are each punished); open when any version states no amount.

    With ``party_type``, each version contributes the range its article states for that
    party (``matters.ranges.range_for``: 个人 / 单位, else the one for any party); a version
    that states no amount for that party (none at all, only a multiple of a base such as
    违法所得, or “对个人依法处以罚款”) leaves the maximum open. Without it, each version's
    widest range (``fine_min`` / ``fine_max``) applies."""
    if party_type is None:
        bounds = [(v.fine_min, v.fine_max) for v in versions]
        distinguished = False
    else:
        bounds, distinguished = [], False
        for version in versions:
            rng = range_for(version, party_type)
            if rng is None or rng.is_multiple:
                bounds.append((None, None))
            else:
                bounds.append((rng.minimum, rng.maximum))
                distinguished = distinguished or rng.party_type != ANY
    mins = [low for low, _high in bounds if low is not None]
    maxes = [high for _low, high in bounds]
    maximum = sum(maxes, ZERO) if maxes and all(m is not None for m in maxes) else None
    return FineRange(min(mins) if mins else None, maximum, party_type if distinguished else None)


def _party_words(party_type: str) -> str:
    if party_type == PartyKind.PERSON:
        return str(pgettext_lazy("statutory range", "individual"))
    return str(pgettext_lazy("statutory range", "organisation"))


def check_fine_in_range(
    penalty: Penalty, versions: Sequence, *, reason: str, party_type: str | None = None
) -> None:
    """A penalty's fine lies within the statutory range for the party type (person or
    organisation, see :func:`fine_range`); a reduced penalty (减轻, Art. 32) goes below the
    minimum and states why."""
    if penalty.outcome == Outcome.NO_PENALTY or penalty.fine is None:
        return
    rng = fine_range(versions, party_type)
    values = {"min": rng.minimum, "max": rng.maximum}
    if rng.party_type:
        values["party"] = _party_words(rng.party_type)
    if rng.maximum is not None and penalty.fine > rng.maximum:
        if rng.party_type:
            message = _("The fine exceeds the statutory maximum of %(max)s yuan for %(party)s.")
        else:
            message = _("The fine exceeds the statutory maximum of %(max)s yuan.")
        raise InvalidInput(message % values, field="fine")
    if (
        penalty.outcome == Outcome.PENALTY
        and rng.minimum is not None
        and penalty.fine < rng.minimum
    ):
        if rng.party_type:
            message = _(
                "The fine is below the statutory minimum of %(min)s yuan for %(party)s; choose "
                "a reduced penalty and give its ground (Art. 32)."
            )
        else:
            message = _(
                "The fine is below the statutory minimum of %(min)s yuan; choose a reduced "
                "penalty and give its ground (Art. 32)."
            )
        raise InvalidInput(message % values, field="fine")
    if penalty.outcome == Outcome.REDUCED_PENALTY:
        if not reason:
            raise InvalidInput(
                _("Give the ground for reducing the penalty (Art. 32)."), field="reason"
            )
        if rng.minimum is not None and penalty.fine >= rng.minimum:
            if rng.party_type:
                message = _(
                    "A reduced penalty goes below the statutory minimum of %(min)s yuan for "
                    "%(party)s; within the range it is an ordinary penalty."
                )
            else:
                message = _(
                    "A reduced penalty goes below the statutory minimum of %(min)s yuan; within "
                    "the range it is an ordinary penalty."
                )
            raise InvalidInput(message % values, field="outcome")


def check_no_penalty_ground(outcome: str, ground: str, reason: str) -> None:
    if outcome != Outcome.NO_PENALTY:
        return
    if ground not in NoPenaltyGround.values:
        raise InvalidInput(
            _("Choose the ground for giving no penalty (Art. 33, Art. 57)."),
            field="no_penalty_ground",
        )
    if not reason:
        raise InvalidInput(_("Give the reasons for giving no penalty."), field="reason")


# --- Art. 36: limitation ----------------------------------------------------------------------


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def limitation_end(violation_ended: dt.date, *, five_years: bool = False) -> dt.date:
    """The last day a violation may be discovered and punished (Art. 36: two years from the
    violation, or from its end when it continued; five years for life, health or financial
    safety with harmful consequences)."""
    return _add_years(
        violation_ended, LIMITATION_YEARS_EXTENDED if five_years else LIMITATION_YEARS
    )


# --- Art. 72: late-payment surcharge ----------------------------------------------------------


def payment_due_on(served_on: dt.date) -> dt.date:
    """Art. 67 ¶3: the last day to pay, 15 days after receiving the decision."""
    return served_on + dt.timedelta(days=PAYMENT_DAYS)


def days_late(due_on: dt.date, on: dt.date) -> int:
    return max((on - due_on).days, 0)


def surcharge(fine: Decimal | None, *, due_on: dt.date, on: dt.date) -> Decimal:
    """Art. 72 (1): 3 % of the fine for every day after the due date, never above the fine."""
    if not fine:
        return ZERO
    late = days_late(due_on, on)
    return min(fine, (fine * SURCHARGE_RATE * late).quantize(CENT, rounding=ROUND_HALF_UP))
