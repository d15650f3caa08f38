from __future__ import annotations

import datetime as dt

import pytest

from ventanilla.core.calendar import WorkingCalendar

FRIDAY = dt.date(2026, 11, 27)
CHRISTMAS = dt.date(2026, 12, 25)  # a Friday


def test_deadlines_skip_weekends() -> None:
    calendar = WorkingCalendar()
    assert calendar.add_working_days(FRIDAY, 1) == dt.date(2026, 11, 30)  # Monday
    assert calendar.add_working_days(FRIDAY, 5) == dt.date(2026, 12, 4)


def test_deadlines_skip_holidays() -> None:
    calendar = WorkingCalendar([CHRISTMAS, dt.date(2026, 12, 28)])
    assert calendar.add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)


def test_zero_days_is_the_next_working_day_when_the_start_is_not_one() -> None:
    calendar = WorkingCalendar([CHRISTMAS])
    assert calendar.add_working_days(dt.date(2026, 11, 26), 0) == dt.date(2026, 11, 26)
    assert calendar.add_working_days(CHRISTMAS, 0) == dt.date(2026, 12, 28)


def test_working_days_between_counts_after_the_start_up_to_the_end() -> None:
    calendar = WorkingCalendar([CHRISTMAS])
    assert calendar.working_days_between(dt.date(2026, 12, 21), dt.date(2026, 12, 28)) == 4
    assert calendar.working_days_between(dt.date(2026, 12, 28), dt.date(2026, 12, 21)) == 0


def test_a_negative_number_of_days_is_refused() -> None:
    with pytest.raises(ValueError, match="days must be 0 or more"):
        WorkingCalendar().add_working_days(FRIDAY, -1)
