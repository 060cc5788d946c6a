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

:func:`statutory_ranges` is what the catalog stores: one range per party type the
passage distinguishes —

* the party is read from the words next to the amount: “对个人处…”, “对单位并处…”
  in the same clause, or a clause just before that starts with the party
  (“个人有前款规定行为之一的，处…”) or ends with it (“农药使用者为个人的，处…”);
  个人 / 公民 / 自然人 → person, 单位 / 法人 / 组织 → organisation, anything else
  (“对广告主处…”, no party named) → any;
* fixed amounts are ranges of one;
* multiples and percentages of a base ending in “罚款” (“并处违法所得一倍以上三倍以下的
  罚款”, “处建设工程造价百分之五以上百分之十以下的罚款”, “毁坏林木价值1倍至5倍的罚款”) are
  kept with the base as worded and its kind (违法所得 → illegal_income, 总投资额 →
  total_investment, 货值金额 → goods_value, 处置费用 → disposal_cost, else other);
  multiples of something else (“补种株数一倍以上三倍以下的树木”) are not fines.

Several statements for the same party and base are merged into the widest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .laws import cn_to_int
from .ranges import ANY, ORGANISATION, PERSON, StatutoryRange, canonical

_NUM = r"(?:[0-9０-９]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万亿]+)"
_AMOUNT = rf"(?P<{{name}}>{_NUM})(?P<{{name}}_wan>万)?"
RANGE_RE = re.compile(
    _AMOUNT.format(name="low") + r"元?以上" + _AMOUNT.format(name="high") + r"元以下"
)
UPPER_RE = re.compile(_AMOUNT.format(name="high") + r"元以下")
FIXED_RE = re.compile(r"处(?:以)?" + _AMOUNT.format(name="fixed") + r"元的?罚款")
TO_RE = re.compile(
    _AMOUNT.format(name="low") + r"元?[至到]" + _AMOUNT.format(name="high") + r"元的?罚款"
)
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
    return [r for _start, r in _amount_statements(text)]


def _amount_statements(text: str) -> list[tuple[int, FineRange]]:
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
    for match in TO_RE.finditer(text):
        if not free(*match.span()) or _per_unit(text, match.start()):
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
    return sorted(found, key=lambda item: item[0])


def fine_range(text: str) -> FineRange:
    """The widest statutory range stated in ``text`` (see the module docstring)."""
    ranges = fine_ranges(text)
    if not ranges:
        return NO_RANGE
    maximum = max(r.maximum for r in ranges)
    minimums = [r.minimum for r in ranges]
    minimum = None if any(m is None for m in minimums) else min(minimums)
    return FineRange(minimum, maximum)


# --- per party, fixed amounts and multiples ---------------------------------------------------

_TERM = rf"(?:百分之{_NUM}|{_NUM}[%％]|{_NUM}倍)"
MULTIPLE_RE = re.compile(
    rf"(?:(?P<low>{_TERM})以上(?P<high>{_TERM})以下"
    rf"|(?P<low2>{_TERM})[至到](?P<high2>{_TERM})"
    rf"|(?P<ceiling>{_TERM})以下"
    rf"|(?P<fixed>{_TERM}))的?罚款"
)
# 处 as the verb “impose”, not in 处置 / 处理 / 处分 (“处置费用” is a base).
_VERB_RE = re.compile(r"处(?![置理分])")
_DELIMITERS = "，,；;。：:\n"
PERSON_WORDS = ("个人", "公民", "自然人")
ORGANISATION_WORDS = ("单位", "法人", "组织")
BASE_KIND_WORDS = (
    ("违法所得", "illegal_income"),
    ("非法所得", "illegal_income"),
    ("总投资额", "total_investment"),
    ("投资额", "total_investment"),
    ("货值金额", "goods_value"),
    ("货值", "goods_value"),
    ("处置费用", "disposal_cost"),
)


def _factor(term: str) -> Decimal:
    """百分之五 → 0.05, 5% → 0.05, 三倍 → 3."""
    if term.startswith("百分之"):
        return to_yuan(term.removeprefix("百分之"), None) / 100
    if term[-1] in "%％":
        return to_yuan(term[:-1], None) / 100
    return to_yuan(term.removesuffix("倍"), None)


def _clause_start(text: str, position: int) -> int:
    return max(text.rfind(d, 0, position) for d in _DELIMITERS) + 1


def _kind_of(words: str) -> str | None:
    person = any(w in words for w in PERSON_WORDS)
    organisation = any(w in words for w in ORGANISATION_WORDS)
    if person == organisation:
        return None
    return PERSON if person else ORGANISATION


def party_at(text: str, position: int) -> str:
    """The party type an amount at ``position`` is stated for (see the module docstring)."""
    start = _clause_start(text, position)
    same = text[start:position]
    if "对" in same:
        kind = _kind_of(same[same.index("对") :])
        if kind:
            return kind
    if start == 0 or text[start - 1] not in "，,":
        return ANY
    previous = text[_clause_start(text, start - 1) : start - 1].removeprefix("对")
    for kind, words in ((PERSON, PERSON_WORDS), (ORGANISATION, ORGANISATION_WORDS)):
        if previous.startswith(words) or previous.endswith(tuple(w + "的" for w in words)):
            return kind
    return ANY


def _base(text: str, start: int) -> tuple[str, str]:
    """The base a multiple at ``start`` is of: the words after 处 / 处以 in its clause."""
    clause = text[_clause_start(text, start) : start]
    verbs = list(_VERB_RE.finditer(clause))
    base = clause[verbs[-1].end() :] if verbs else clause
    base = base.removeprefix("以").strip()
    for words, kind in BASE_KIND_WORDS:
        if words in base:
            return kind, base
    return "other", base


def _multiple_statements(text: str) -> list[tuple[int, StatutoryRange]]:
    found = []
    for match in MULTIPLE_RE.finditer(text):
        low = match["low"] or match["low2"] or match["fixed"]
        high = match["high"] or match["high2"] or match["ceiling"] or match["fixed"]
        kind, base = _base(text, match.start())
        if not base:  # “处三倍的罚款” with nothing to multiply: not a statement we can keep
            continue
        found.append(
            (
                match.start(),
                StatutoryRange(
                    party_at(text, match.start()),
                    None,
                    None,
                    base_kind=kind,
                    multiple_min=_factor(low) if low else None,
                    multiple_max=_factor(high),
                    base_text=base,
                ),
            )
        )
    return found


def _merge(first: StatutoryRange, second: StatutoryRange) -> StatutoryRange:
    def low(a, b):
        return None if a is None or b is None else min(a, b)

    return StatutoryRange(
        first.party_type,
        low(first.minimum, second.minimum) if not first.is_multiple else None,
        max(first.maximum, second.maximum) if not first.is_multiple else None,
        base_kind=first.base_kind,
        multiple_min=low(first.multiple_min, second.multiple_min) if first.is_multiple else None,
        multiple_max=max(first.multiple_max, second.multiple_max) if first.is_multiple else None,
        base_text=first.base_text,
    )


def statutory_ranges(text: str) -> tuple[StatutoryRange, ...]:
    """The statutory ranges a passage states, one per party type (and base), in the order
    person, organisation, any; amounts before multiples (see the module docstring)."""
    statements = [
        (start, StatutoryRange(party_at(text, start), rng.minimum, rng.maximum))
        for start, rng in _amount_statements(text)
    ] + _multiple_statements(text)
    merged: dict[tuple, StatutoryRange] = {}
    for _start, rng in sorted(statements, key=lambda item: item[0]):
        key = (rng.party_type, rng.base_kind, rng.base_text)
        merged[key] = _merge(merged[key], rng) if key in merged else rng
    return canonical(merged.values())


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
