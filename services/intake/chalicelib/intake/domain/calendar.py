"""Working days and the appointment date (ngày hẹn trả).

For now a working day is Monday to Friday minus the holidays given; working hours, lunar
holidays and administrator-managed days extend this calendar (see README, known limits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from chalicelib.intake.domain.catalog import TimeLimit, TimeUnit
from motcua_shared.timeutil import VN_TZ

WEEKEND: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday (date.weekday())


@dataclass(frozen=True)
class WorkingCalendar:
    closing_time: time = time(17, 0)
    weekend: frozenset[int] = WEEKEND
    holidays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_holidays(cls, days: Iterable[date]) -> WorkingCalendar:
        return cls(holidays=frozenset(days))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.closing_time, tzinfo=VN_TZ)


def due_at(accepted_at: datetime, limit: TimeLimit, calendar: WorkingCalendar) -> datetime:
    """The appointment date for a dossier accepted at ``accepted_at``.

    Working-day limits count working days after the acceptance day; a limit of 0 ("on receipt")
    is due at closing time of the first working day. Calendar-day limits count every day and only
    move an end date that falls on a non-working day forward. Due at closing time.
    """
    accepted_day = accepted_at.astimezone(VN_TZ).date()
    if limit.unit is TimeUnit.WORKING_DAYS:
        if limit.value == 0:
            return calendar.closing(calendar.next_working_day(accepted_day))
        return calendar.closing(calendar.add_working_days(accepted_day, limit.value))
    end = accepted_day + timedelta(days=limit.value)
    return calendar.closing(calendar.next_working_day(end))
