"""Batch helpers of the demo: reference lookups remembered only inside a batch, and
``update_or_create`` over rows read once."""

from __future__ import annotations

import datetime as dt

import pytest

from civicloop.core.reference_cache import holding_reference_data, remembered
from civicloop.core.upsert import KnownRows
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region
from civicloop.workcalendar.models import CalendarDay
from civicloop.workcalendar.services import is_workday


def test_a_lookup_is_remembered_inside_a_batch_and_computed_every_time_outside():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert remembered("key", compute) == 1
    assert remembered("key", compute) == 2
    with holding_reference_data():
        assert remembered("key", compute) == 3
        with holding_reference_data():
            assert remembered("key", compute) == 3
        assert remembered("key", compute) == 3
    assert remembered("key", compute) == 4


@pytest.mark.django_db
def test_calendar_overrides_read_in_a_batch_are_the_same_as_outside(django_assert_max_num_queries):
    holiday = dt.date(2026, 3, 4)  # a Wednesday
    CalendarDay.objects.create(date=holiday, is_workday=False)
    with holding_reference_data():
        with django_assert_max_num_queries(1):
            answers = [is_workday(holiday + dt.timedelta(days=n)) for n in range(3)]
    assert answers == [is_workday(holiday + dt.timedelta(days=n)) for n in range(3)]
    assert answers == [False, True, True]


@pytest.mark.django_db
def test_known_rows_create_the_missing_row_and_update_the_existing_one():
    rows = KnownRows(Region.objects.all(), "code")
    county = rows.update_or_create("330424000000", {"name": "海盐", "level": RegionLevel.COUNTY})
    again = KnownRows(Region.objects.all(), "code").update_or_create(
        "330424000000", {"name": "海盐县", "level": RegionLevel.COUNTY}
    )
    assert again.pk == county.pk
    assert Region.objects.get(code="330424000000").name == "海盐县"
