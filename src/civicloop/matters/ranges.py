"""Statutory fine ranges of a matter version by party type (个人 / 单位 / 不分).

The interface other apps use (discretion, cases): :func:`ranges_of` and :func:`range_for`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class StatutoryRange:
    """One statutory range: an amount range in yuan (a fixed amount has minimum = maximum), or
    multiples of a base (``base_kind``: illegal_income, total_investment …)."""

    party_type: str  # "person" | "organisation" | "any"
    minimum: Decimal | None
    maximum: Decimal | None
    base_kind: str = ""
    multiple_min: Decimal | None = None
    multiple_max: Decimal | None = None

    @property
    def is_fixed(self) -> bool:
        return self.minimum is not None and self.minimum == self.maximum

    @property
    def is_multiple(self) -> bool:
        return bool(self.base_kind)


def ranges_of(version) -> list[StatutoryRange]:
    """Every statutory range of a matter version, one per party type it distinguishes."""
    if version is None or (version.fine_min is None and version.fine_max is None):
        return []
    return [StatutoryRange("any", version.fine_min, version.fine_max)]


def range_for(version, party_type: str) -> StatutoryRange | None:
    """The range for ``party_type`` ("person" / "organisation"), else the one for any party."""
    ranges = ranges_of(version)
    for wanted in (party_type, "any"):
        for rng in ranges:
            if rng.party_type == wanted:
                return rng
    return None
