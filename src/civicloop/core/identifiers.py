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


# --- unified social credit code (统一社会信用代码, GB 32100-2015) ---------------------

# The 31 characters of the code (digits and capitals without I, O, Z, S, V), in the
# order of their values 0–30; the check character is taken from the same alphabet.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}
# Weight of position i is 3**i mod 31 (GB 32100-2015, 5.2).
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# First character: the registration authority (登记管理部门代码): 1 机构编制, 2 外交,
# 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商/市场监管, A 中央军委改革和编制,
# N 农业, Y 其他.
_CREDIT_AUTHORITIES = frozenset("123456789ANY")


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code, from its first 17 (GB 32100-2015)."""
    total = sum(_CREDIT_VALUES[ch] * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def is_valid_credit_code(value: str) -> bool:
    """An 18-character unified social credit code (统一社会信用代码, GB 32100-2015):
    registration authority, organisation kind, 6-digit division code, 9-character
    organisation identifier and a check character over the first 17."""
    value = normalise_credit_code(value)
    if len(value) != 18 or any(ch not in _CREDIT_VALUES for ch in value):
        return False
    if value[0] not in _CREDIT_AUTHORITIES or not value[2:8].isdigit():
        return False
    return credit_code_check_char(value[:17]) == value[17]
