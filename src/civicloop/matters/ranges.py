"""Statutory fine ranges of a matter version by party type (个人 / 单位 / 不分).

The interface other apps use (discretion, cases): :func:`ranges_of` and :func:`range_for`.

The ranges are read from the article's words (:func:`civicloop.matters.fines.statutory_ranges`),
written into the catalog CSV as compact text (:func:`format_ranges_text`, e.g.
``person:200-3000;organisation:10000-50000`` or ``any:x1-x3@illegal_income(违法所得)``) and
stored as :class:`civicloop.matters.models.StatutoryRange` rows of each ``MatterVersion``.

Nothing at module level needs Django (the catalog builder uses the dataclass and the text
format).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

PERSON, ORGANISATION, ANY = "person", "organisation", "any"
PARTY_TYPES = (PERSON, ORGANISATION, ANY)
# What a fine may be a multiple (or percentage) of; "other" keeps the words in base_text.
BASE_KINDS = ("illegal_income", "total_investment", "goods_value", "disposal_cost", "other")


@dataclass(frozen=True)
class StatutoryRange:
    """One statutory range: an amount range in yuan (a fixed amount has minimum = maximum), or
    multiples of a base (``base_kind``: illegal_income, total_investment …).

    ``minimum`` None means the law states only a ceiling (“五百元以下”). Multiples are factors:
    “一倍以上三倍以下” is 1 … 3, “百分之五以上百分之十以下” is 0.05 … 0.1. ``base_text`` is the
    base as the law words it (“违法所得”, “建设工程造价”)."""

    party_type: str  # "person" | "organisation" | "any"
    minimum: Decimal | None
    maximum: Decimal | None
    base_kind: str = ""
    multiple_min: Decimal | None = None
    multiple_max: Decimal | None = None
    base_text: str = ""

    @property
    def is_fixed(self) -> bool:
        return self.minimum is not None and self.minimum == self.maximum

    @property
    def is_multiple(self) -> bool:
        return bool(self.base_kind)

    @property
    def is_percentage(self) -> bool:
        """Written as 百分之… in the law (every factor below one)."""
        return self.is_multiple and self.multiple_max is not None and self.multiple_max < 1

    def contains(self, amount: Decimal) -> bool:
        """Whether an amount in yuan lies in an amount range (a multiple can't say)."""
        if self.is_multiple or self.maximum is None:
            return True
        return (self.minimum is None or amount >= self.minimum) and amount <= self.maximum


_PARTY_ORDER = {PERSON: 0, ORGANISATION: 1, ANY: 2}


def sort_key(rng: StatutoryRange):
    return (_PARTY_ORDER.get(rng.party_type, 3), rng.is_multiple, rng.base_kind, rng.base_text)


def canonical(ranges: Iterable[StatutoryRange]) -> tuple[StatutoryRange, ...]:
    """The ranges in the order they are stored and shown: person, organisation, any;
    amounts before multiples."""
    return tuple(sorted(ranges, key=sort_key))


def widest(ranges: Iterable[StatutoryRange]) -> tuple[Decimal | None, Decimal | None]:
    """(minimum, maximum) over the amount ranges: the lowest minimum (None when one range has
    no minimum) and the highest maximum; (None, None) without an amount range.
    This is what ``MatterVersion.fine_min`` / ``fine_max`` keep."""
    amounts = [r for r in ranges if not r.is_multiple and r.maximum is not None]
    if not amounts:
        return None, None
    minimums = [r.minimum for r in amounts]
    minimum = None if any(m is None for m in minimums) else min(minimums)
    return minimum, max(r.maximum for r in amounts)


# --- the compact text of the catalog CSV ------------------------------------------------------

PARTY_ALIASES = {
    PERSON: PERSON,
    "个人": PERSON,
    "公民": PERSON,
    ORGANISATION: ORGANISATION,
    "organization": ORGANISATION,
    "单位": ORGANISATION,
    ANY: ANY,
    "不分": ANY,
}
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_AMOUNT_TEXT = re.compile(rf"^(?:(?P<low>{_NUMBER})?-(?P<high>{_NUMBER})|(?P<fixed>{_NUMBER}))$")
_MULTIPLE_TEXT = re.compile(
    rf"^(?:(?:x(?P<low>{_NUMBER}))?-x(?P<high>{_NUMBER})|x(?P<fixed>{_NUMBER}))"
    r"@(?P<kind>[a-z_]+)(?:\((?P<base>[^()]*)\))?$"
)


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    normal = value.normalize()
    return f"{normal:f}"


def format_range_text(rng: StatutoryRange) -> str:
    if rng.is_multiple:
        if rng.multiple_min is not None and rng.multiple_min == rng.multiple_max:
            body = f"x{_number(rng.multiple_max)}"
        else:
            low = f"x{_number(rng.multiple_min)}" if rng.multiple_min is not None else ""
            body = f"{low}-x{_number(rng.multiple_max)}"
        body += f"@{rng.base_kind}"
        if rng.base_text:
            body += f"({rng.base_text})"
    elif rng.is_fixed:
        body = _number(rng.maximum)
    else:
        body = f"{_number(rng.minimum)}-{_number(rng.maximum)}"
    return f"{rng.party_type}:{body}"


def format_ranges_text(ranges: Iterable[StatutoryRange]) -> str:
    """``person:200-3000;organisation:10000-50000``; ``any:-20000`` (a ceiling only);
    ``any:50`` (a fixed amount); ``any:x1-x3@illegal_income(违法所得)`` (multiples)."""
    return ";".join(format_range_text(r) for r in canonical(ranges))


def parse_ranges_text(text: str) -> tuple[StatutoryRange, ...]:
    """The reverse of :func:`format_ranges_text`; raises ValueError naming the bad part.
    Party types may be written in Chinese (个人 / 单位 / 不分)."""
    ranges = []
    for part in re.split(r"[;；\n]", (text or "").strip()):
        part = part.strip().replace("：", ":").replace(" ", "")
        if not part:
            continue
        party, sep, body = part.partition(":")
        party_type = PARTY_ALIASES.get(party.lower())
        if not sep or party_type is None:
            raise ValueError(part)
        body = body.replace("－", "-").replace("X", "x").replace("×", "x")
        try:
            if "@" in body:
                match = _MULTIPLE_TEXT.match(body)
                if match is None or match["kind"] not in BASE_KINDS:
                    raise ValueError(part)
                low = match["fixed"] or match["low"]
                high = match["fixed"] or match["high"]
                rng = StatutoryRange(
                    party_type,
                    None,
                    None,
                    base_kind=match["kind"],
                    multiple_min=Decimal(low) if low else None,
                    multiple_max=Decimal(high),
                    base_text=match["base"] or "",
                )
                if rng.multiple_min is not None and rng.multiple_min > rng.multiple_max:
                    raise ValueError(part)
            else:
                match = _AMOUNT_TEXT.match(body)
                if match is None:
                    raise ValueError(part)
                low = match["fixed"] or match["low"]
                high = match["fixed"] or match["high"]
                rng = StatutoryRange(party_type, Decimal(low) if low else None, Decimal(high))
                if rng.minimum is not None and rng.minimum > rng.maximum:
                    raise ValueError(part)
        except InvalidOperation:
            raise ValueError(part) from None
        ranges.append(rng)
    return canonical(ranges)


# --- reading the stored rows -------------------------------------------------------------------


def ranges_of(version) -> list[StatutoryRange]:
    """Every statutory range of a matter version (person, organisation, any; amounts before
    multiples). Reads ``version.statutory_ranges`` — prefetch it
    (``prefetch_related("statutory_ranges")``, or ``"version__statutory_ranges"`` from a
    case's matter links) to read many versions in one query.

    A version without stored rows (made before ranges were stored, or built in a test by
    hand) has one range for any party from its ``fine_min`` / ``fine_max``."""
    if version is None:
        return []
    rows = list(version.statutory_ranges.all()) if version.pk else []
    if rows:
        return list(canonical(row.as_range() for row in rows))
    if version.fine_max is None:
        return []
    return [StatutoryRange(ANY, version.fine_min, version.fine_max)]


def range_for(version, party_type: str) -> StatutoryRange | None:
    """The range for ``party_type`` ("person" / "organisation"), else the one for any party.

    An amount range is preferred to a multiple for the same party (it is the one a fine can
    be checked against); None when the article states nothing for that party (e.g. “对个人
    依法处以罚款”)."""
    ranges = ranges_of(version)
    for wanted in (party_type, ANY):
        of_party = [r for r in ranges if r.party_type == wanted]
        if of_party:
            return next((r for r in of_party if not r.is_multiple), of_party[0])
    return None
