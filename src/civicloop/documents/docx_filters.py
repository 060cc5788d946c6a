"""Filters of the document templates (``layout.py``): Chinese dates, amounts in capitals,
the Chinese terms of codes. Built in to the documents' template engine only."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import translation

from civicloop.core.formatting import (
    amount_in_figures,
    amount_in_words,
    as_date,
    format_date,
    format_datetime,
    plain_number,
)

from .choices import TITLES
from .wording import NO_PENALTY_GROUNDS, term

register = template.Library()

BLANK_DATE = "　　年　　月　　日"
BLANK = "＿＿＿＿＿＿"


@register.filter
def cn_date(value) -> str:
    """2026-11-28 → 2026年11月28日; a blank to fill in by hand when there is no date."""
    if not value:
        return BLANK_DATE
    with translation.override("zh-hans"):
        return format_date(value)


@register.filter
def cn_datetime(value) -> str:
    """2026-11-28T14:05 → 2026年11月28日 14时05分."""
    if not value:
        return BLANK_DATE
    with translation.override("zh-hans"):
        return format_datetime(value).replace(" ", "")


CN_DIGITS = "零一二三四五六七八九"


@register.filter
def cn_num(value) -> str:
    """3 → 三, 15 → 十五, 60 → 六十 (small counts of days written in words)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return str(value or "")
    if not 0 <= n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[units]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[units] if units else "")


@register.filter
def year(value) -> str:
    day = as_date(value)
    return str(day.year) if day else ""


@register.filter
def daxie(value) -> str:
    """2000 → 贰仟元整 (大写金额)."""
    if value in (None, ""):
        return ""
    return amount_in_words(Decimal(str(value)))


@register.filter
def figures(value) -> str:
    """2000 → ¥2,000.00."""
    if value in (None, ""):
        return ""
    return amount_in_figures(value)


@register.filter
def yuan(value) -> str:
    """2000.00 → 2000."""
    return plain_number(value)


@register.filter
def zh(value, group: str) -> str:
    """The Chinese term of a code (``wording.TERMS``)."""
    return term(value, group)


@register.filter
def zh_list(values, group: str) -> str:
    """Several codes as their Chinese terms, joined with 、."""
    return "、".join(term(v, group) for v in values or [])


@register.filter
def clause(text) -> str:
    """A sentence to continue: without its closing punctuation (初次违法。 → 初次违法)."""
    return (text or "").rstrip().rstrip("。；，.;,")


@register.filter
def title(kind: str) -> str:
    return TITLES.get(kind, kind)


@register.filter
def ground(code: str) -> str:
    return NO_PENALTY_GROUNDS.get(code, ("", ""))[0]


@register.filter
def ground_basis(code: str) -> str:
    return NO_PENALTY_GROUNDS.get(code, ("", ""))[1]


@register.filter
def blank(value, width: int = 6) -> str:
    """The value, or a line to write on."""
    return value if value not in (None, "") else "＿" * int(width)


@register.filter
def names(people, key: str = "name") -> str:
    return "、".join(p[key] for p in people or [] if p.get(key))
