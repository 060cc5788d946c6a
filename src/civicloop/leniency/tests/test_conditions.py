"""The condition language of the 一免一减 list: written in English or Chinese names, each error
names the problem, and what is read writes back the same."""

from __future__ import annotations

import pytest

from civicloop.leniency.conditions import (
    KINDS,
    ConditionError,
    describe,
    format_conditions,
    parse_conditions,
    years_before,
)


def test_conditions_are_read_from_english_or_chinese_names_and_values():
    english = parse_conditions(
        "first_violation=2; harm=minor; corrected_in_time; party_kind=person"
    )
    chinese = parse_conditions("首次违法=2；危害后果=轻微；及时改正；当事人类型=个人")
    assert (
        english
        == chinese
        == [
            {"code": "first_violation", "value": 2},
            {"code": "harm", "value": "minor"},
            {"code": "corrected_in_time"},
            {"code": "party_kind", "value": "person"},
        ]
    )


def test_amounts_are_normalised_and_written_back_the_same():
    conditions = parse_conditions("amount_at_most=5,000元\nfine_at_most：200.50")
    assert conditions == [
        {"code": "amount_at_most", "value": "5000"},
        {"code": "fine_at_most", "value": "200.50"},
    ]
    assert parse_conditions(format_conditions(conditions)) == conditions


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("first_offence=2", "Unknown condition. Known: first_violation"),
        ("first_violation", "“first_violation” needs a value."),
        ("first_violation=zwei", "Give the number of years"),
        ("first_violation=11", "between 1 and 10"),
        ("harm=serious", "The harm is “none” or “minor”"),
        ("corrected_in_time=yes", "“corrected_in_time” takes no value."),
        ("amount_at_most=-5", "positive number of yuan"),
        ("party_kind=robot", "“person” or “organisation”"),
        ("harm=none; 危害后果=轻微", "“harm” is given twice."),
        ("；；", "at least one condition"),
    ],
)
def test_a_wrongly_written_condition_is_refused_with_what_to_write(text, message):
    with pytest.raises(ConditionError) as refused:
        parse_conditions(text)
    assert message in refused.value.message


def test_every_condition_is_described_in_words():
    assert (
        describe({"code": "first_violation", "value": 2})
        == "first violation of this matter within 2 years"
    )
    assert (
        describe({"code": "harm", "value": "none"})
        == "harmful consequence at most: no harmful consequence"
    )
    assert describe({"code": "party_kind", "value": "organisation"}).startswith("the party is: ")
    assert set(KINDS) == {
        "first_violation",
        "harm",
        "corrected_in_time",
        "amount_at_most",
        "fine_at_most",
        "party_kind",
        "party_admits",
        "no_broken_commitment",
    }


def test_the_look_back_window_handles_the_29th_of_february():
    import datetime as dt

    assert years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)
    assert years_before(dt.date(2026, 6, 1), 2) == dt.date(2024, 6, 1)
