import datetime as dt
import logging

import chinese_calendar
import holidays
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


def test_years_chinesecalendar_does_not_know_use_the_holidays_package():
    # chinesecalendar stops at 2026; the deadlines must not go blind on 1 January 2027.
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(dt.date(2027, 1, 1))
    assert is_workday(dt.date(2027, 1, 1)) is False  # 元旦, a Friday
    assert is_workday(dt.date(2027, 10, 1)) is False  # 国庆节
    assert is_workday(dt.date(2027, 1, 5)) is True  # an ordinary Tuesday
    # Thursday 31 Dec 2026 + 1 working day: the holiday, the weekend, then Monday.
    assert timezone.localtime(add_working_days(at(2026, 12, 31, 9, 0), 1)) == at(2027, 1, 4, 17, 30)


def test_the_two_calendar_sources_agree_on_the_years_both_know():
    # The fallback is only trustworthy if it gives the same answer where both have data.
    fallback = holidays.China(years=[2025, 2026])
    day = dt.date(2025, 1, 1)
    while day.year < 2027:
        from_fallback = day not in fallback and (
            day.weekday() < 5 or day in fallback.weekend_workdays
        )
        assert from_fallback == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_admin_calendar_days_override_both_packages():
    # A make-up Saturday (调休) the fallback does not know yet, entered by the county.
    saturday = dt.date(2027, 2, 20)
    assert is_workday(saturday) is False
    CalendarDay.objects.create(date=saturday, is_workday=True, name="春节调休上班")
    assert is_workday(saturday) is True
    # And a day the package calls a working day can be declared a holiday.
    CalendarDay.objects.create(date=dt.date(2026, 11, 27), is_workday=False, name="地方停工")
    assert is_workday(dt.date(2026, 11, 27)) is False


def test_a_year_no_source_knows_falls_back_to_weekdays_and_says_so(caplog):
    with caplog.at_level(logging.ERROR, logger="civicloop.workcalendar.services"):
        assert is_workday(dt.date(2101, 1, 3)) is True  # a Monday
        assert is_workday(dt.date(2101, 1, 1)) is False  # a Saturday
    assert "No statutory holiday data for 2101" in caplog.text


@pytest.mark.parametrize("spec", ["", "12:00-08:00", "08:00-12:00,11:00-13:00", "8h"])
def test_malformed_working_hours_are_refused(spec):
    with pytest.raises(ValueError):
        parse_working_hours(spec)
