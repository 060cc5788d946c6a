"""Masking (脱敏) of personal data for display.

The rules follow common practice in Chinese government systems (GB/T 35273 style):
keep enough to recognise, never enough to identify.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "*"


def mask_name(name: str) -> str:
    """张三丰 → 张**; keeps the surname only."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + MASK * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    digits = (phone or "").strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return digits[:3] + MASK * 4 + digits[-4:]
    if len(digits) > 4:
        return MASK * (len(digits) - 2) + digits[-2:]
    return MASK * len(digits)


def mask_id_number(value: str) -> str:
    """330424199001011234 → 330424********1234 (region code and last four kept)."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) >= 10:
        return value[:6] + MASK * (len(value) - 10) + value[-4:]
    return MASK * len(value)


def mask_address(address: str) -> str:
    """Keep the first part (town/village level) and hide the house details."""
    address = (address or "").strip()
    if not address:
        return ""
    keep = min(len(address) // 2, 8)
    return address[:keep] + MASK * 4


# Personal data inside free text (a handler's feedback shown to the public): mobile and
# landline numbers, resident ID numbers, and the names the caller knows to be in it.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """Free text with the personal data in it masked: ID numbers, phone numbers, and each of
    ``names`` (the reporter's, a party's) wherever it appears (张三 → 张*)."""
    text = text or ""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    text = _LANDLINE.sub(lambda m: mask_phone(m.group().replace("-", "")), text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len)[::-1]:
        text = text.replace(name, mask_name(name))
    return text
