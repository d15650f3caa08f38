"""Working days: Monday to Friday, except public holidays. Pure; the holidays are given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

SATURDAY = 5


class WorkingCalendar:
    def __init__(self, holidays: Iterable[dt.date] = ()) -> None:
        self.holidays = frozenset(holidays)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < SATURDAY and day not in self.holidays

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The day ``days`` working days after ``start`` (``start`` itself not counted).

        With 0 days: ``start`` if it is a working day, else the next working day.
        """
        if days < 0:
            raise ValueError("days must be 0 or more")
        day = start
        if days == 0:
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
            return day
        while days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
