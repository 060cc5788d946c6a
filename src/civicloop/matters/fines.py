"""Statutory fine ranges read from article text: “处五千元以上五万元以下的罚款”.

:func:`fine_range` finds every amount of money in a passage and returns the
bounds the passage states, in yuan:

* ``X元以上Y元以下`` (also ``万元``, Arabic or Chinese numerals) → X … Y;
* ``Y元以下`` alone → no lower bound … Y;
* ``处X元的罚款`` (a fixed amount) → X … X.

Several statements in one passage (e.g. one for individuals, one for
organisations) are merged into the widest range; amounts per unit of something
(“每平方米10元至30元”, “每辆机动车五千元”) and multiples (“一倍以上三倍以下”,
“百分之五以上百分之十以下”) are not amounts of money and are ignored, so a
passage that states only those has no range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .laws import cn_to_int

_NUM = r"(?:[0-9０-９]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万亿]+)"
_AMOUNT = rf"(?P<{{name}}>{_NUM})(?P<{{name}}_wan>万)?"
RANGE_RE = re.compile(
    _AMOUNT.format(name="low") + r"元?以上" + _AMOUNT.format(name="high") + r"元以下"
)
UPPER_RE = re.compile(_AMOUNT.format(name="high") + r"元以下")
FIXED_RE = re.compile(r"处(?:以)?" + _AMOUNT.format(name="fixed") + r"元的?罚款")
PER_UNIT_RE = re.compile(r"每[^，。；,;]{0,12}$")


@dataclass(frozen=True)
class FineRange:
    minimum: Decimal | None
    maximum: Decimal | None

    @property
    def stated(self) -> bool:
        return self.maximum is not None


NO_RANGE = FineRange(None, None)


def to_yuan(number: str, wan: str | None) -> Decimal:
    number = number.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", number):
        value = Decimal(number)
    else:
        value = Decimal(cn_to_int(number))
    return value * 10_000 if wan else value


def _per_unit(text: str, start: int) -> bool:
    return bool(PER_UNIT_RE.search(text[max(0, start - 12) : start]))


def fine_ranges(text: str) -> list[FineRange]:
    """Each amount statement in ``text``, in order."""
    found: list[tuple[int, FineRange]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in RANGE_RE.finditer(text):
        if _per_unit(text, match.start()):
            continue
        low = to_yuan(match.group("low"), match.group("low_wan"))
        high = to_yuan(match.group("high"), match.group("high_wan"))
        found.append((match.start(), FineRange(low, high)))
        taken.append(match.span())
    for match in UPPER_RE.finditer(text):
        if not free(*match.span()) or _per_unit(text, match.start()):
            continue
        found.append(
            (match.start(), FineRange(None, to_yuan(match.group("high"), match.group("high_wan"))))
        )
        taken.append(match.span())
    for match in FIXED_RE.finditer(text):
        if not free(*match.span()) or _per_unit(text, match.start()):
            continue
        amount = to_yuan(match.group("fixed"), match.group("fixed_wan"))
        found.append((match.start(), FineRange(amount, amount)))
        taken.append(match.span())
    return [r for _start, r in sorted(found, key=lambda item: item[0])]


def fine_range(text: str) -> FineRange:
    """The widest statutory range stated in ``text`` (see the module docstring)."""
    ranges = fine_ranges(text)
    if not ranges:
        return NO_RANGE
    maximum = max(r.maximum for r in ranges)
    minimums = [r.minimum for r in ranges]
    minimum = None if any(m is None for m in minimums) else min(minimums)
    return FineRange(minimum, maximum)


def passage(text: str, *, start: str = "", end: str = "") -> str:
    """The part of ``text`` from the first ``start`` (inclusive) to the next ``end`` (exclusive).

    Raises ValueError when an anchor is not found, so a catalog entry whose
    anchor no longer matches its statute fails loudly instead of silently.
    """
    if start:
        index = text.find(start)
        if index < 0:
            raise ValueError(f"anchor {start!r} not found")
        text = text[index:]
    if end:
        index = text.find(end, len(start))
        if index < 0:
            raise ValueError(f"anchor {end!r} not found")
        text = text[:index]
    return text
