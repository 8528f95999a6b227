"""Working time and the appointment date (ngày hẹn trả).

A limit in working days is counted in working hours (1 working day = ``WorkingHours.per_day``),
skipping weekends, public holidays and days an administrator closes; a limit in calendar days
counts every day and only rolls an end date that falls on a non-working day forward. All
instants are on Vietnam's clock; a naive datetime is taken as Vietnam time (as ``parse_iso``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType

from chalicelib.intake.domain.catalog import TimeLimit, TimeUnit
from motcua_shared.timeutil import VN_TZ

WEEKEND: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday (date.weekday())

# Names for days that come without one (administrator's sets, ``with_holidays``).
HOLIDAY_NAME = "Ngày nghỉ lễ"
ADMIN_DAY_OFF_NAME = "Ngày nghỉ theo thông báo"
MAKE_UP_WORKING_DAY_NAME = "Ngày làm việc bù"

# Sources in ``WorkingCalendar.days_off``.
SOURCE_LAW = "law"
SOURCE_LAW_WORKING = "law_working"
SOURCE_ADMIN = "admin"
SOURCE_ADMIN_WORKING = "admin_working"

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# A calendar without any working day would make every search loop forever; no real closure
# (Tết is at most nine days) comes near this.
_MAX_DAYS_OFF_IN_A_ROW = 366


def _since_midnight(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _vn(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ)


@dataclass(frozen=True)
class WorkingHours:
    """Office hours of one working day, in Vietnam time, as ordered ``(start, end)`` periods."""

    periods: tuple[tuple[time, time], ...] = (
        (time(7, 0), time(11, 30)),
        (time(13, 30), time(17, 0)),
    )

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("working hours need at least one period")
        previous_end: time | None = None
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working hours are naive times on Vietnam's clock")
            if not start < end:
                raise ValueError(f"a working period must end after it starts: {start}–{end}")
            if previous_end is not None and start < previous_end:
                raise ValueError("working periods must be in order and must not overlap")
            previous_end = end

    @property
    def per_day(self) -> timedelta:
        """Working time in one working day: what one working day of a time limit is worth."""
        return sum(
            (_since_midnight(end) - _since_midnight(start) for start, end in self.periods),
            _ZERO,
        )


DEFAULT_HOURS = WorkingHours()


@dataclass(frozen=True)
class CalendarAdjustments:
    """What an administrator sets for one year."""

    extra_days_off: frozenset[date] = frozenset()  # e.g. swap days announced by the government
    # Make-up working days (usually Saturdays); they override the weekend and public holidays.
    extra_working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if both := self.extra_days_off & self.extra_working_days:
            listed = ", ".join(str(day) for day in sorted(both))
            raise ValueError(f"days both off and working: {listed}")


NO_ADJUSTMENTS = CalendarAdjustments()


@lru_cache(maxsize=64)
def _vietnam_year(year: int) -> tuple[Mapping[date, str], frozenset[date]]:
    # Imported here: the package is large and only the national calendar needs it.
    import holidays

    found = holidays.country_holidays("VN", years=year, language="vi")
    days_off = MappingProxyType(dict(sorted(found.items())))
    # The package records the Saturdays worked in exchange for a swapped day off
    # (e.g. 22/8/2026 for 31/8/2026); it keeps those of other years too.
    working = frozenset(day for day in found.weekend_workdays if day.year == year)
    return days_off, working


def _vietnam_public_holidays(year: int) -> Mapping[date, str]:
    return _vietnam_year(year)[0]


def _vietnam_make_up_days(year: int) -> frozenset[date]:
    return _vietnam_year(year)[1]


class WorkingCalendar:
    """Which days are working days, and how working time adds up."""

    def __init__(
        self,
        hours: WorkingHours = DEFAULT_HOURS,
        weekend: frozenset[int] = WEEKEND,
        public_holidays: Callable[[int], Mapping[date, str]] | None = None,
        adjustments: Mapping[int, CalendarAdjustments] | None = None,
        *,
        make_up_working_days: Callable[[int], frozenset[date]] | None = None,
    ) -> None:
        """``public_holidays(year)`` gives ``{date: name}``; ``make_up_working_days(year)``
        gives weekend days that the law makes working days (swaps)."""
        if not weekend <= frozenset(range(7)):
            raise ValueError(f"weekend days are date.weekday() values 0–6, not {sorted(weekend)}")
        for year, adjustment in (adjustments or {}).items():
            days = adjustment.extra_days_off | adjustment.extra_working_days
            if stray := sorted(day for day in days if day.year != year):
                raise ValueError(f"adjustments for {year} list days of another year: {stray}")
        self.hours = hours
        self.weekend = weekend
        self.adjustments: Mapping[int, CalendarAdjustments] = MappingProxyType(
            dict(adjustments or {})
        )
        self._public_holidays = public_holidays
        self._make_up_working_days = make_up_working_days
        self._years: dict[int, tuple[Mapping[date, str], frozenset[date]]] = {}

    @classmethod
    def vietnam(
        cls,
        adjustments: Mapping[int, CalendarAdjustments] | None = None,
        hours: WorkingHours = DEFAULT_HOURS,
    ) -> WorkingCalendar:
        """Public holidays of Vietnam (package ``holidays``) plus the administrator's changes."""
        return cls(
            hours=hours,
            public_holidays=_vietnam_public_holidays,
            adjustments=adjustments,
            make_up_working_days=_vietnam_make_up_days,
        )

    @classmethod
    def with_holidays(cls, days: Iterable[date]) -> WorkingCalendar:
        """A fixed set of public holidays, default hours and weekend."""
        by_year: dict[int, dict[date, str]] = {}
        for day in days:
            by_year.setdefault(day.year, {})[day] = HOLIDAY_NAME
        return cls(public_holidays=lambda year: by_year.get(year, {}))

    # --- days -----------------------------------------------------------------------------

    def _year(self, year: int) -> tuple[Mapping[date, str], frozenset[date]]:
        # Asked once per day looked at: keep what the (possibly costly) sources said.
        cached = self._years.get(year)
        if cached is None:
            holidays = self._public_holidays(year) if self._public_holidays else {}
            make_up = self._make_up_working_days(year) if self._make_up_working_days else None
            cached = (holidays, make_up or frozenset())
            self._years[year] = cached
        return cached

    def is_working_day(self, day: date) -> bool:
        adjustment = self.adjustments.get(day.year, NO_ADJUSTMENTS)
        if day in adjustment.extra_working_days:
            return True
        if day in adjustment.extra_days_off:
            return False
        holidays, make_up = self._year(day.year)
        if day in make_up:
            return True
        return day.weekday() not in self.weekend and day not in holidays

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        for _ in range(_MAX_DAYS_OFF_IN_A_ROW):
            if self.is_working_day(day):
                return day
            day += _ONE_DAY
        raise ValueError(f"no working day within {_MAX_DAYS_OFF_IN_A_ROW} days of {day}")

    def days_off(self, year: int) -> list[tuple[date, str, str]]:
        """``(date, name, source)`` of that year's public holidays (``law``), the law's make-up
        working days (``law_working``) and the administrator's days off and working days
        (``admin``, ``admin_working``), sorted by date."""
        holidays, make_up = self._year(year)
        adjustment = self.adjustments.get(year, NO_ADJUSTMENTS)
        listed = [(day, name, SOURCE_LAW) for day, name in holidays.items() if day.year == year]
        listed += [
            (day, MAKE_UP_WORKING_DAY_NAME, SOURCE_LAW_WORKING)
            for day in make_up
            if day.year == year
        ]
        listed += [(day, ADMIN_DAY_OFF_NAME, SOURCE_ADMIN) for day in adjustment.extra_days_off]
        listed += [
            (day, MAKE_UP_WORKING_DAY_NAME, SOURCE_ADMIN_WORKING)
            for day in adjustment.extra_working_days
        ]
        return sorted(listed)

    # --- instants -------------------------------------------------------------------------

    def _periods(self, day: date) -> list[tuple[datetime, datetime]]:
        return [
            (datetime.combine(day, start, VN_TZ), datetime.combine(day, end, VN_TZ))
            for start, end in self.hours.periods
        ]

    def _periods_from(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working periods that end after ``at``, in order, the first one cut to begin at ``at``.

        Endless; raises ValueError after a year without any working day."""
        day = at.date()
        while True:
            day = self.next_working_day(day)
            for start, end in self._periods(day):
                if end > at:
                    yield max(start, at), end
            day += _ONE_DAY

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.hours.periods[0][0], VN_TZ)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.hours.periods[-1][1], VN_TZ)

    def is_inside_working_hours(self, at: datetime) -> bool:
        """On a working day, within a period; both ends of a period count as inside."""
        at = _vn(at)
        return self.is_working_day(at.date()) and any(
            start <= at <= end for start, end in self._periods(at.date())
        )

    def next_working_instant(self, at: datetime) -> datetime:
        """``at`` if it lies in a period ``[start, end)`` of a working day, else the next start."""
        return next(self._periods_from(_vn(at)))[0]

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of working time has passed since ``start``.

        Ends inside working hours, a period's end included: 8 h from 07:00 is 17:00 that day."""
        if duration < _ZERO:
            raise ValueError(f"working time to add must not be negative: {duration}")
        start = _vn(start)
        if duration == _ZERO:
            inside = self.is_inside_working_hours(start)
            return start if inside else self.next_working_instant(start)
        remaining = duration
        periods = self._periods_from(start)
        while True:
            begin, end = next(periods)
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside ``[start, end]``; zero if ``end`` is not after ``start``."""
        start, end = _vn(start), _vn(end)
        total = _ZERO
        if end <= start:
            return total
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                for begin, finish in self._periods(day):
                    overlap = min(finish, end) - max(begin, start)
                    if overlap > _ZERO:
                        total += overlap
            day += _ONE_DAY
        return total


def due_at(accepted_at: datetime, limit: TimeLimit, calendar: WorkingCalendar) -> datetime:
    """The appointment date for a dossier accepted at ``accepted_at`` (Vietnam time).

    Working days: counted in working hours from the first working instant at or after
    acceptance; 0 ("on receipt") is closing time of that instant's day. Calendar days: closing
    time of the end date, rolled forward to a working day.
    """
    if limit.value < 0:
        raise ValueError(f"a time limit must not be negative: {limit.value}")
    accepted = _vn(accepted_at)
    if limit.unit is TimeUnit.WORKING_DAYS:
        start = calendar.next_working_instant(accepted)
        if limit.value == 0:
            return calendar.closing(start.date())
        return calendar.add_working_time(start, limit.value * calendar.hours.per_day)
    end = calendar.next_working_day(accepted.date() + timedelta(days=limit.value))
    return calendar.closing(end)


def resume_after_pause(
    due: datetime,
    paused_from: datetime,
    resumed_at: datetime,
    unit: TimeUnit,
    calendar: WorkingCalendar,
) -> datetime:
    """The due date once a supplement wait from ``paused_from`` to ``resumed_at`` is over.

    The clock stops while the supplement is outstanding, so the due date moves by the working
    time (working-day limits) or the whole calendar days (calendar-day limits) spent waiting.
    Never earlier than ``due``.
    """
    due, paused_from, resumed_at = _vn(due), _vn(paused_from), _vn(resumed_at)
    if unit is TimeUnit.WORKING_DAYS:
        waited = calendar.working_time_between(paused_from, resumed_at)
        return calendar.add_working_time(due, waited)
    days = max(0, (resumed_at.date() - paused_from.date()).days)
    end = calendar.next_working_day(due.date() + timedelta(days=days))
    # A due time after closing (not one due_at gives) must not move the date back within its day.
    if calendar.closing(end) < due:
        end = calendar.next_working_day(end + _ONE_DAY)
    return calendar.closing(end)
