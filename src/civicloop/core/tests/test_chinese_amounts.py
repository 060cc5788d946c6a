"""Amounts in Chinese capitals (大写金额) as fines are written on documents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from civicloop.core.formatting import amount_in_figures, amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "零元整"),
        ("10", "壹拾元整"),
        ("1001", "壹仟零壹元整"),
        ("20000.50", "贰万元零伍角整"),
        ("2000", "贰仟元整"),
        ("200", "贰佰元整"),
        ("15.80", "壹拾伍元捌角整"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("1.05", "壹元零伍分"),
        ("10.05", "壹拾元零伍分"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("110", "壹佰壹拾元整"),
        ("100000", "壹拾万元整"),
        ("101000", "壹拾万壹仟元整"),
        ("1000010", "壹佰万零壹拾元整"),
        ("100010000", "壹亿零壹万元整"),
        ("1000000001", "壹拾亿零壹元整"),
        ("12345678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
    ],
)
def test_amounts_are_written_in_capitals_by_the_rules_for_bills(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_an_amount_is_rounded_to_the_fen_before_it_is_written():
    assert amount_in_words(Decimal("0.004")) == "零元整"
    assert amount_in_words(Decimal("99.995")) == "壹佰元整"
    assert amount_in_words(20000) == "贰万元整"


def test_a_negative_or_non_numeric_amount_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))
    with pytest.raises(ValueError):
        amount_in_words("two thousand")


def test_the_figures_follow_in_yuan_with_two_decimals():
    assert amount_in_figures(Decimal("20000.5")) == "¥20,000.50"
    assert amount_in_figures(0) == "¥0.00"
