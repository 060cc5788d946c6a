"""The arithmetic of the third-party assessment (一镇一评估).

Each of the seven dimensions is scored 0–100 and carries a weight; the weights of
a round add up to 100. The **total** is the weighted mean

    total = Σ (weight_d × score_d) / Σ weight_d

rounded half-up to two decimals — with weights adding up to 100 that is simply
Σ weight_d × score_d / 100. A total exists only when every dimension is scored.

Towns are **ranked** by total, highest first; equal totals share a rank and the
next rank is skipped (1, 2, 2, 4 — "standard competition ranking"). Towns without a
total are listed last, unranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from .choices import Dimension

DIMENSIONS: tuple[str, ...] = tuple(Dimension.values)
TWO_PLACES = Decimal("0.01")


def weighted_total(pairs: Iterable[tuple[Decimal | int, Decimal | int | None]]) -> Decimal | None:
    """``pairs`` of (weight, score); None while any score is missing or no weight is set."""
    pairs = list(pairs)
    if not pairs or any(score is None for _weight, score in pairs):
        return None
    weights = sum(Decimal(w) for w, _s in pairs)
    if weights <= 0:
        return None
    total = sum(Decimal(w) * Decimal(s) for w, s in pairs) / weights
    return total.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def rate_score(rate: Decimal | None) -> Decimal | None:
    """A rate between 0 and 1 as a score out of 100 (0.9473 → 94.73)."""
    if rate is None:
        return None
    return (Decimal(rate) * 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def rank(totals: Sequence[Decimal | None]) -> list[int | None]:
    """Competition ranks for ``totals`` (same order as given)."""
    ordered = sorted((t for t in totals if t is not None), reverse=True)
    first = {}
    for position, total in enumerate(ordered, start=1):
        first.setdefault(total, position)
    return [first[t] if t is not None else None for t in totals]
