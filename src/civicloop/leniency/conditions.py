"""The conditions of "一免一减" items: what each one means, how it is written, how it is
evaluated against one case. Every condition is here, once.

An item's conditions are a list of ``{"code": …, "value": …}``; in a spreadsheet cell they
are written ``first_violation=2; harm=minor; corrected_in_time`` (Chinese names are
accepted too: ``首次违法=2；危害后果=轻微；及时改正``).

Each evaluation answers **met / not met / not known** with the evidence from the records,
so the officer sees why an item applies to this case or not:

============================  =====================================================================
``first_violation=N``         no earlier violation by the party of the same matter within N years
                              before this violation — computed from the cases: a case of the same
                              party (as 当事人) and matter, with a violation date in the window and a
                              decision that found the violation (any outcome except a no-penalty
                              decision on "facts not established" or "no fault"). An undecided case
                              in the window makes it not known; so does a window reaching back before
                              ``CIVICLOOP_LENIENCY_RECORDS_SINCE`` unless the handlers recorded that
                              the earlier records were checked.
``harm=none|minor``           the harmful consequence the handlers recorded is at most this
``corrected_in_time``         corrected on or before the date the correction order gave
``amount_at_most=X``          the amount involved (goods' value or illegal gains) is at most X yuan
``fine_at_most=X``            the fine the investigation proposes is at most X yuan
``party_kind=person|…``       the party is a person, or an organisation
``party_admits``              the party admits the violation (recorded on the case)
``no_broken_commitment=N``    no notice-and-commitment of the party found broken within N years
============================  =====================================================================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicloop.cases.choices import CaseState, NoPenaltyGround, Outcome, PartyRole
from civicloop.cases.models import Case
from civicloop.parties.choices import PartyKind

from .choices import HARM_ORDER, CommitmentState, Harm
from .models import CaseCircumstances, Commitment


class ConditionError(ValueError):
    """A condition written wrongly (unknown name, missing or bad value)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Check:
    """One condition evaluated for one case."""

    code: str
    label: str
    met: bool | None  # None: not known from the records (yet)
    evidence: str

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "met": self.met, "evidence": self.evidence}


@dataclass
class CaseContext:
    """What the evaluation reads of one case, loaded once."""

    case: object
    parties: list
    circumstances: object | None
    today: dt.date
    records_since: dt.date | None = None
    cache: dict = field(default_factory=dict)

    @classmethod
    def of(cls, case, *, today: dt.date | None = None) -> CaseContext:
        return cls(
            case=case,
            parties=case.principal_parties(),
            circumstances=CaseCircumstances.objects.filter(case=case).first() if case.pk else None,
            today=today or timezone.localdate(),
            records_since=records_since(),
        )

    @property
    def violation_date(self) -> dt.date:
        return self.case.violation_date


def records_since() -> dt.date | None:
    raw = getattr(settings, "CIVICLOOP_LENIENCY_RECORDS_SINCE", "") or ""
    return dt.date.fromisoformat(raw) if raw else None


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- values --------------------------------------------------------------------------------


def _years(raw) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError) as exc:
        raise ConditionError(_("Give the number of years, e.g. first_violation=2.")) from exc
    if not 1 <= value <= 10:
        raise ConditionError(_("The number of years is between 1 and 10."))
    return value


HARM_WORDS = {
    "none": Harm.NONE,
    "无": Harm.NONE,
    "没有": Harm.NONE,
    "无危害后果": Harm.NONE,
    "minor": Harm.MINOR,
    "轻微": Harm.MINOR,
}


def _harm(raw) -> str:
    value = HARM_WORDS.get(str(raw or "").strip().lower())
    if value is None:
        raise ConditionError(_("The harm is “none” or “minor” (无 / 轻微)."))
    return value.value


def _amount(raw) -> str:
    try:
        value = Decimal(str(raw).strip().replace(",", "").removesuffix("元"))
    except (InvalidOperation, TypeError) as exc:
        raise ConditionError(_("Give an amount in yuan, e.g. amount_at_most=5000.")) from exc
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ConditionError(
            _("The amount is a positive number of yuan with at most two decimals.")
        )
    # Plain digits: normalize() would write 5000 as "5E+3".
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value)


PARTY_WORDS = {
    "person": "person",
    "个人": "person",
    "自然人": "person",
    "公民": "person",
    "organisation": "organisation",
    "organization": "organisation",
    "单位": "organisation",
    "企业": "organisation",
    "组织": "organisation",
    "法人": "organisation",
}


def _party_kind(raw) -> str:
    value = PARTY_WORDS.get(str(raw or "").strip().lower())
    if value is None:
        raise ConditionError(_("The party kind is “person” or “organisation” (个人 / 单位)."))
    return value


@dataclass(frozen=True)
class Kind:
    code: str
    label: Promise  # with %(value)s when the condition takes a value
    aliases: tuple[str, ...]
    parse: Callable | None = None  # None: the condition takes no value

    def describe(self, value) -> str:
        if self.parse is None:
            return str(self.label)
        shown = value
        if self.code == "harm":
            shown = Harm(value).label
        elif self.code == "party_kind":
            shown = PartyKind(value).label
        return str(self.label) % {"value": shown}


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind(
            "first_violation",
            _("first violation of this matter within %(value)s years"),
            ("首次违法", "首违"),
            _years,
        ),
        Kind("harm", _("harmful consequence at most: %(value)s"), ("危害后果",), _harm),
        Kind("corrected_in_time", _("corrected within the time ordered"), ("及时改正", "限期改正")),
        Kind("amount_at_most", _("amount involved at most %(value)s yuan"), ("涉案金额",), _amount),
        Kind("fine_at_most", _("proposed fine at most %(value)s yuan"), ("拟罚款",), _amount),
        Kind("party_kind", _("the party is: %(value)s"), ("当事人类型",), _party_kind),
        Kind("party_admits", _("the party admits the violation"), ("认错认罚", "承认违法")),
        Kind(
            "no_broken_commitment",
            _("no broken commitment within %(value)s years"),
            ("无违诺",),
            _years,
        ),
    )
}
ALIASES = {alias: code for code, kind in KINDS.items() for alias in (code, *kind.aliases)}


# --- writing and reading ---------------------------------------------------------------------


def clean_condition(code: str, value=None) -> dict:
    code = ALIASES.get(str(code).strip())
    if code is None:
        raise ConditionError(
            _("Unknown condition. Known: %(known)s.") % {"known": ", ".join(KINDS)}
        )
    kind = KINDS[code]
    if kind.parse is None:
        if value not in (None, "", True):
            raise ConditionError(_("“%(code)s” takes no value.") % {"code": code})
        return {"code": code}
    if value in (None, ""):
        raise ConditionError(_("“%(code)s” needs a value.") % {"code": code})
    return {"code": code, "value": kind.parse(value)}


def clean_conditions(conditions: Iterable[dict]) -> list[dict]:
    """Check a list of conditions (from JSON); each code at most once."""
    cleaned, seen = [], set()
    for condition in conditions:
        if not isinstance(condition, dict) or "code" not in condition:
            raise ConditionError(_("Each condition is an object with a “code”."))
        item = clean_condition(condition["code"], condition.get("value"))
        if item["code"] in seen:
            raise ConditionError(_("“%(code)s” is given twice.") % {"code": item["code"]})
        seen.add(item["code"])
        cleaned.append(item)
    if not cleaned:
        raise ConditionError(_("An item needs at least one condition."))
    return cleaned


SEPARATORS = re.compile(r"[;；\n]+")
NAME_VALUE = re.compile(r"^(?P<code>[^=:：＝]+?)\s*(?:[=:：＝]\s*(?P<value>.*))?$")


def parse_conditions(text: str) -> list[dict]:
    """``first_violation=2; harm=minor; corrected_in_time`` → the list of conditions."""
    parts = []
    for raw in SEPARATORS.split(str(text or "")):
        match = NAME_VALUE.match(raw.strip())
        if match:
            parts.append(
                {"code": match["code"].strip(), "value": (match["value"] or "").strip() or None}
            )
    return clean_conditions(parts)


def format_conditions(conditions: Iterable[dict]) -> str:
    return "; ".join(
        c["code"] if "value" not in c else f"{c['code']}={c['value']}" for c in conditions
    )


def describe(condition: dict) -> str:
    kind = KINDS.get(condition.get("code"))
    return kind.describe(condition.get("value")) if kind else str(condition.get("code"))


def describe_all(conditions: Iterable[dict]) -> list[str]:
    return [describe(c) for c in conditions]


# --- evaluation --------------------------------------------------------------------------------


def _day(value) -> str:
    return value.isoformat() if value else "—"


def _first_violation(years: int, ctx: CaseContext, matter) -> tuple[bool | None, str]:

    start = years_before(ctx.violation_date, years)
    priors = (
        Case.objects.exclude(pk=ctx.case.pk)
        .filter(
            party_links__party__in=ctx.parties,
            party_links__role=PartyRole.PARTY,
            matter_links__matter=matter,
            violation_date__gte=start,
            violation_date__lte=ctx.violation_date,
        )
        .exclude(state=CaseState.WITHDRAWN)
        .select_related("handling_unit")
        .distinct()
        .order_by("violation_date")
    )
    established, pending = [], []
    for prior in priors:
        if prior.decided_at is None:
            pending.append(prior)
        elif not (
            prior.outcome == Outcome.NO_PENALTY
            and prior.no_penalty_ground
            in (NoPenaltyGround.NOT_ESTABLISHED, NoPenaltyGround.NO_FAULT)
        ):
            established.append(prior)
    if established:
        listed = "；".join(
            gettext(
                "%(number)s (%(unit)s), violation on %(date)s, decided %(decided)s: %(outcome)s"
            )
            % {
                "number": p.number,
                "unit": p.handling_unit.name,
                "date": _day(p.violation_date),
                "decided": _day(timezone.localtime(p.decided_at).date()),
                "outcome": p.get_outcome_display(),
            }
            for p in established
        )
        return False, gettext(
            "Earlier violation of %(matter)s by this party since %(start)s: %(cases)s."
        ) % {"matter": matter.code, "start": _day(start), "cases": listed}
    if pending:
        return None, gettext("Case %(numbers)s of this party on %(matter)s is not decided yet.") % {
            "numbers": "、".join(p.number for p in pending),
            "matter": matter.code,
        }
    since = ctx.records_since
    circumstances = ctx.circumstances
    if since and start < since and not (circumstances and circumstances.earlier_records_checked):
        return None, gettext(
            "No earlier violation in Civicloop's records, which start on %(since)s; the years "
            "before are not known here — check them and record it in the circumstances."
        ) % {"since": _day(since)}
    checked = ctx.cache.setdefault(
        "party_cases",
        Case.objects.filter(party_links__party__in=ctx.parties, party_links__role=PartyRole.PARTY)
        .exclude(pk=ctx.case.pk)
        .distinct()
        .count(),
    )
    text = gettext(
        "No earlier violation of %(matter)s by this party since %(start)s (%(n)d other cases of the "
        "party checked)."
    ) % {"matter": matter.code, "start": _day(start), "n": checked}
    if since and start < since:
        text += gettext(" Earlier records checked elsewhere, as recorded in the circumstances.")
    return True, text


def _harm_check(limit: str, ctx: CaseContext, matter) -> tuple[bool | None, str]:
    harm = ctx.circumstances.harm if ctx.circumstances else ""
    if not harm:
        return None, gettext("The harmful consequence is not recorded yet (circumstances).")
    met = HARM_ORDER[harm] <= HARM_ORDER[limit]
    return met, gettext("Recorded: %(harm)s.") % {"harm": Harm(harm).label}


def _corrected(_value, ctx: CaseContext, matter) -> tuple[bool | None, str]:
    c = ctx.circumstances
    if c is None or c.correction_due_on is None:
        return None, gettext("No correction order with a date is recorded yet (circumstances).")
    if c.corrected_on is not None:
        params = {"done": _day(c.corrected_on), "due": _day(c.correction_due_on)}
        if c.corrected_on <= c.correction_due_on:
            return True, gettext(
                "Corrected on %(done)s, within the time ordered (by %(due)s)."
            ) % params
        return False, gettext(
            "Corrected on %(done)s, after the time ordered (by %(due)s)."
        ) % params
    if ctx.today > c.correction_due_on:
        return False, gettext("Not corrected by %(due)s as ordered.") % {
            "due": _day(c.correction_due_on)
        }
    return None, gettext("To be corrected by %(due)s; not recorded as corrected yet.") % {
        "due": _day(c.correction_due_on)
    }


def _amount_at_most(limit: str, ctx: CaseContext, matter) -> tuple[bool | None, str]:
    c = ctx.circumstances
    if c is None or c.amount_involved is None:
        return None, gettext("The amount involved is not recorded yet (circumstances).")
    return c.amount_involved <= Decimal(limit), gettext("Recorded: %(amount)s yuan.") % {
        "amount": c.amount_involved
    }


def _fine_at_most(limit: str, ctx: CaseContext, matter) -> tuple[bool | None, str]:
    case = ctx.case
    if not case.proposed_outcome:
        return None, gettext("Known when the investigation proposes a penalty.")
    fine = case.proposed_fine or Decimal("0")
    return fine <= Decimal(limit), gettext("Proposed fine: %(fine)s yuan.") % {"fine": fine}


def _party_kind_check(kind: str, ctx: CaseContext, matter) -> tuple[bool | None, str]:
    if not ctx.parties:
        return None, gettext("The case names no party.")
    kinds = {p.get_kind_display() for p in ctx.parties}
    return all(p.kind == kind for p in ctx.parties), gettext("The party is: %(kinds)s.") % {
        "kinds": "、".join(str(k) for k in kinds)
    }


def _party_admits(_value, ctx: CaseContext, matter) -> tuple[bool | None, str]:
    if ctx.case.party_admits:
        return True, gettext("Recorded on the case: the party admits the violation.")
    return False, gettext("The case does not record that the party admits the violation.")


def _no_broken_commitment(years: int, ctx: CaseContext, matter) -> tuple[bool | None, str]:
    start = years_before(ctx.violation_date, years)
    broken = list(
        Commitment.objects.filter(
            party__in=ctx.parties, state=CommitmentState.BROKEN, checked_at__date__gte=start
        ).select_related("case")
    )
    if broken:
        return False, gettext("Commitment broken: %(cases)s.") % {
            "cases": "、".join(
                f"{c.case.number} ({_day(timezone.localtime(c.checked_at).date())})" for c in broken
            )
        }
    return True, gettext("No commitment of the party found broken since %(start)s.") % {
        "start": _day(start)
    }


EVALUATORS: dict[str, Callable] = {
    "first_violation": _first_violation,
    "harm": _harm_check,
    "corrected_in_time": _corrected,
    "amount_at_most": _amount_at_most,
    "fine_at_most": _fine_at_most,
    "party_kind": _party_kind_check,
    "party_admits": _party_admits,
    "no_broken_commitment": _no_broken_commitment,
}
assert set(EVALUATORS) == set(KINDS)


def evaluate(condition: dict, ctx: CaseContext, matter) -> Check:
    code = condition["code"]
    met, evidence = EVALUATORS[code](condition.get("value"), ctx, matter)
    return Check(code=code, label=describe(condition), met=met, evidence=str(evidence))
