import pytest

from civicloop.core.identifiers import id_number_check_char, is_valid_id_number, is_valid_phone
from civicloop.privacy.masking import mask_address, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize("value, masked", [("张三丰", "张**"), ("李四", "李*"), ("", "")])
def test_names_keep_only_the_surname(value, masked):
    assert mask_name(value) == masked


def test_phone_keeps_first_three_and_last_four_digits():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("86120000") == "******00"


def test_id_number_keeps_region_code_and_last_four():
    assert mask_id_number("33042419900101123X") == "330424********123X"


def test_address_hides_the_house_details():
    masked = mask_address("海盐县武原街道枣园社区健康路12号3幢")
    assert masked.endswith("****") and "12号" not in masked


def test_id_number_check_digit_is_verified():
    body = "33042419900101123"
    good = body + id_number_check_char(body)
    assert is_valid_id_number(good)
    wrong = body + ("0" if good[-1] != "0" else "1")
    assert not is_valid_id_number(wrong)
    assert not is_valid_id_number("12345")


@pytest.mark.parametrize(
    "phone, ok",
    [
        ("13812345678", True),
        ("0573-86120000", True),
        ("1381234", True),
        ("12812345678", False),
        ("abc", False),
    ],
)
def test_phone_numbers(phone, ok):
    assert is_valid_phone(phone) is ok
