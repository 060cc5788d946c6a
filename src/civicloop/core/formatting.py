"""How dates, times and amounts read on pages, prints, documents and files.

Chinese forms write dates as 2026年11月28日; in English the ISO form is used. The
choice follows the active language, never the clock or the machine, so a file made
twice from the same data reads the same.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone, translation


def _chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


def as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date()
    return value


def format_date(value) -> str:
    """2026-11-28 → 2026年11月28日 (zh) or 2026-11-28 (en); empty for no date."""
    day = as_date(value)
    if day is None:
        return ""
    if _chinese():
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def format_datetime(value) -> str:
    """A moment in local time: 2026年11月28日 14时05分 (zh) or 2026-11-28 14:05 (en)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    if _chinese():
        return f"{format_date(value.date())} {value.hour:02d}时{value.minute:02d}分"
    return f"{value.date().isoformat()} {value.hour:02d}:{value.minute:02d}"


def plain_number(value) -> str:
    """Decimal('2.00') → "2"; Decimal('0.50') → "0.5"."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral_value():
        return str(int(number))
    return format(number, "f")


# --- amounts in Chinese capital numerals (大写金额), as fines are written on documents ---
#
# The rules are those for writing amounts on bills and settlement documents
# (《正确填写票据和结算凭证的基本规定》, People's Bank of China):
#
# * digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿, then 元角分; a leading 1 is written
#   壹拾 (¥15.80 → 壹拾伍元捌角整);
# * one 零 stands for any run of zeros in the middle (¥1 001 → 壹仟零壹元); a 元 digit of
#   zero followed by 角 or 分 writes 零 after 元 (¥1 680.32 → 壹仟陆佰捌拾元零叁角贰分),
#   as does a zero 角 before 分 (¥1.05 → 壹元零伍分);
# * 整 follows an amount ending in 元 or 角, never one ending in 分.

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")
CENT = Decimal("0.01")


def _group(value: int) -> tuple[str, bool]:
    """A number 1–9999 in capitals, and whether it starts with a zero (its thousands digit is 0)."""
    digits = f"{value:04d}"
    out: list[str] = []
    zero = False
    for position, ch in enumerate(digits):
        d = int(ch)
        if d == 0:
            zero = bool(out)  # a zero after a digit; leading zeros are handled by the caller
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(DIGITS[d] + SMALL_UNITS[3 - position])
    return "".join(out), digits[0] == "0"


def _integer(value: int) -> str:
    if value == 0:
        return ""
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("amount too large")
    out: list[str] = []
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        text, leading_zero = _group(group)
        if out and (pending_zero or leading_zero):
            out.append("零")
        out.append(text + GROUP_UNITS[index])
        pending_zero = False
    return "".join(out)


def amount_in_words(value) -> str:
    """Decimal("2000") → 贰仟元整; 0 → 零元整; Decimal("20000.50") → 贰万元零伍角整.

    Rounded to the fen (half up). Negative amounts are refused.
    """
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if amount < 0:
        raise ValueError("a negative amount has no capital form")
    fen_total = int(amount * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    if fen_total == 0:
        return "零元整"
    text = _integer(yuan)
    if yuan:
        text += "元"
    if jiao == 0 and fen == 0:
        return text + "整"
    if jiao:
        if yuan and yuan % 10 == 0:
            text += "零"
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        return text + DIGITS[fen] + "分"
    return text + "整"


def amount_in_figures(value) -> str:
    """Decimal("2000") → ¥2,000.00 (as it follows the capitals in brackets)."""
    amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"¥{amount:,.2f}"
