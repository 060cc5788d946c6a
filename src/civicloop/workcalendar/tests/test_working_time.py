import datetime as dt

import pytest
from django.utils import timezone

from civicloop.workcalendar.models import CalendarDay
from civicloop.workcalendar.services import (
    add_working_days,
    add_working_hours,
    is_workday,
    parse_working_hours,
    working_hours_between,
)

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


def test_national_day_holiday_is_skipped_when_counting_working_days():
    # 30 Sep 2026 is the last working day before the 1–7 October holiday.
    assert timezone.localtime(add_working_days(at(2026, 9, 30, 16, 0), 1)) == at(
        2026, 10, 8, 17, 30
    )


def test_make_up_saturday_counts_as_a_working_day():
    # Saturday 10 October 2026 is a make-up working day (调休).
    assert is_workday(dt.date(2026, 10, 10))
    assert timezone.localtime(add_working_days(at(2026, 10, 9, 10, 0), 1)) == at(
        2026, 10, 10, 17, 30
    )


def test_working_hours_skip_the_lunch_break_and_the_night():
    # 11:00 + 2 working hours: 1h until noon, lunch, 1h from 13:30.
    assert timezone.localtime(add_working_hours(at(2026, 11, 26, 11, 0), 2)) == at(
        2026, 11, 26, 14, 30
    )
    # 17:00 Friday + 1h: 0.5h today, weekend, 0.5h Monday morning.
    assert timezone.localtime(add_working_hours(at(2026, 11, 27, 17, 0), 1)) == at(
        2026, 11, 30, 9, 0
    )


def test_working_hours_between_counts_only_office_time():
    assert working_hours_between(at(2026, 11, 26, 8, 0), at(2026, 11, 26, 18, 0)) == pytest.approx(
        7.5
    )
    assert working_hours_between(at(2026, 11, 28, 9, 0), at(2026, 11, 29, 17, 0)) == 0  # weekend


def test_local_calendar_day_overrides_the_package_and_covers_unknown_years():
    # The package has no 2027 data: Monday–Friday is assumed, until the county enters the schedule.
    assert is_workday(dt.date(2027, 1, 1)) is True  # a Friday
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert is_workday(dt.date(2027, 1, 1)) is False
    assert timezone.localtime(add_working_days(at(2026, 12, 31, 9, 0), 1)) == at(2027, 1, 4, 17, 30)


@pytest.mark.parametrize("spec", ["", "12:00-08:00", "08:00-12:00,11:00-13:00", "8h"])
def test_malformed_working_hours_are_refused(spec):
    with pytest.raises(ValueError):
        parse_working_hours(spec)
