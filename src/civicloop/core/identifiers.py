"""Checks for Chinese identifiers: resident ID numbers (GB 11643) and phone numbers."""

from __future__ import annotations

import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$|^\d{7,8}$")


def id_number_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """An 18-character resident ID: 17 digits and a check character (GB 11643-1999)."""
    value = (value or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return id_number_check_char(value[:17]) == value[17]


def is_valid_phone(value: str) -> bool:
    """A mainland mobile number or a landline (with or without area code)."""
    value = (value or "").strip().replace(" ", "")
    return bool(_MOBILE.match(value) or _LANDLINE.match(value))
