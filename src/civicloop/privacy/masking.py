"""Masking (脱敏) of personal data for display.

The rules follow common practice in Chinese government systems (GB/T 35273 style):
keep enough to recognise, never enough to identify.
"""

from __future__ import annotations

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
