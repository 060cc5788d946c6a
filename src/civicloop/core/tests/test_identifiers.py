"""Identifier checks: resident ID numbers (GB 11643) and unified social credit codes (GB 32100-2015)."""

from __future__ import annotations

import pytest

from civicloop.core.identifiers import (
    credit_code_check_char,
    id_number_check_char,
    is_valid_credit_code,
    is_valid_id_number,
)

# Computed here with the standard's weights (3**i mod 31) and checked by hand for the first:
# 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4 → check 3 (the code printed on a real Fuzhou licence).
VALID_CREDIT_CODES = [
    "91350100M000100Y43",  # 工商 (9), enterprise (1), Fuzhou 350100
    "91330424MA2CXL8P2C",  # an enterprise of Haiyan (330424)
    "92330424MA2D1Y2K5E",  # an individual business (个体工商户, 92)
    "12330424002594321Q",  # a public institution (事业单位, 12)
    "52330424MJ9007051Q",  # a social organisation under civil affairs (民政, 52)
]


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_a_credit_code_with_its_check_character_is_valid(code):
    assert is_valid_credit_code(code)
    assert credit_code_check_char(code[:17]) == code[17]


def test_a_credit_code_is_accepted_in_lower_case_and_with_spaces():
    assert is_valid_credit_code(" 91330424ma2cxl8p2c ")


@pytest.mark.parametrize(
    "code, why",
    [
        ("91330424MA2CXL8P2D", "wrong check character"),
        ("91330424MA2CXL8P2", "17 characters"),
        ("91330424MA2CXL8P2CC", "19 characters"),
        ("91330424MA2CXI8P2C", "I is not in the alphabet"),
        ("91330424MA2CXO8P2C", "O is not in the alphabet"),
        ("B1330424MA2CXL8P2C", "B is no registration authority"),
        ("913304X4MA2CXL8P2C", "the division code is six digits"),
        ("", "empty"),
    ],
)
def test_a_malformed_credit_code_is_refused(code, why):
    assert not is_valid_credit_code(code), why


def test_every_single_character_change_of_a_credit_code_is_caught():
    code = VALID_CREDIT_CODES[1]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(8, 17):
        for ch in alphabet:
            if ch != code[position]:
                assert not is_valid_credit_code(code[:position] + ch + code[position + 1 :])


def test_resident_id_numbers_are_checked_with_their_check_digit():
    first17 = "33042419850315201"
    assert id_number_check_char(first17) == "0"
    assert is_valid_id_number("330424198503152010")
    assert not is_valid_id_number("330424198503152011")
    assert is_valid_id_number("11010519491231002x")  # X in lower case
