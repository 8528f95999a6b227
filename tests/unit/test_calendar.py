"""Working time and appointment dates: worked examples on Vietnam's calendar, and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.intake.domain.calendar import (
    CalendarAdjustments,
    WorkingCalendar,
    WorkingHours,
    due_at,
    resume_after_pause,
)
from chalicelib.intake.domain.catalog import TimeLimit, TimeUnit
from motcua_shared.timeutil import VN_TZ

WD = TimeUnit.WORKING_DAYS
DAYS = TimeUnit.DAYS
PLAIN = WorkingCalendar()  # Monday to Friday, no holidays
VIETNAM = WorkingCalendar.vietnam()


def vn(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def wd(value: int) -> TimeLimit:
    return TimeLimit(value, WD)


def days(value: int) -> TimeLimit:
    return TimeLimit(value, DAYS)


# --- working hours and the plain calendar -----------------------------------------------------


def test_default_hours() -> None:
    assert WorkingHours().per_day == timedelta(hours=8)
    assert PLAIN.opening(date(2026, 11, 23)) == vn(2026, 11, 23, 7)
    assert PLAIN.closing(date(2026, 11, 23)) == vn(2026, 11, 23, 17)


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(9), time(8)),),
        ((time(7), time(12)), (time(11), time(17))),
        ((time(13), time(17)), (time(7), time(11))),
    ],
)
def test_bad_working_hours(periods: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError, match="working"):
        WorkingHours(periods)


def test_bad_adjustments() -> None:
    with pytest.raises(ValueError, match="both off and working"):
        CalendarAdjustments(frozenset({date(2026, 1, 2)}), frozenset({date(2026, 1, 2)}))
    with pytest.raises(ValueError, match="another year"):
        WorkingCalendar.vietnam({2025: CalendarAdjustments(frozenset({date(2026, 1, 2)}))})


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (vn(2026, 11, 23, 6, 59), vn(2026, 11, 23, 7)),
        (vn(2026, 11, 23, 7), vn(2026, 11, 23, 7)),
        (vn(2026, 11, 23, 11, 29), vn(2026, 11, 23, 11, 29)),
        (vn(2026, 11, 23, 11, 30), vn(2026, 11, 23, 13, 30)),  # a period is [start, end)
        (vn(2026, 11, 23, 12), vn(2026, 11, 23, 13, 30)),
        (vn(2026, 11, 23, 17), vn(2026, 11, 24, 7)),
        (vn(2026, 11, 27, 18), vn(2026, 11, 30, 7)),  # Friday evening → Monday morning
        (datetime(2026, 11, 23, 3, tzinfo=UTC), vn(2026, 11, 23, 10)),  # any timezone in
    ],
)
def test_next_working_instant(at: datetime, expected: datetime) -> None:
    found = PLAIN.next_working_instant(at)
    assert found == expected
    assert found.tzinfo == VN_TZ


def test_add_working_time_ends_at_closing_not_next_morning() -> None:
    monday = vn(2026, 11, 23, 7)
    assert PLAIN.add_working_time(monday, timedelta(hours=8)) == vn(2026, 11, 23, 17)
    assert PLAIN.add_working_time(monday, timedelta(hours=4, minutes=30)) == vn(
        2026, 11, 23, 11, 30
    )
    assert PLAIN.add_working_time(monday, timedelta(hours=5)) == vn(2026, 11, 23, 14)
    # zero: a period's end is inside working hours, the lunch break is not
    assert PLAIN.add_working_time(vn(2026, 11, 23, 17), timedelta(0)) == vn(2026, 11, 23, 17)
    assert PLAIN.add_working_time(vn(2026, 11, 23, 12), timedelta(0)) == vn(2026, 11, 23, 13, 30)
    with pytest.raises(ValueError, match="negative"):
        PLAIN.add_working_time(monday, timedelta(hours=-1))


def test_working_time_between() -> None:
    friday_morning, monday_noon = vn(2026, 11, 27, 8), vn(2026, 11, 30, 12)
    assert PLAIN.working_time_between(friday_morning, monday_noon) == timedelta(
        hours=11, minutes=30
    )
    assert PLAIN.working_time_between(monday_noon, friday_morning) == timedelta(0)
    assert PLAIN.working_time_between(vn(2026, 11, 28, 8), vn(2026, 11, 29, 16)) == timedelta(0)


@pytest.mark.parametrize(
    ("accepted", "limit", "expected"),
    [
        # Monday 09:00 + 3 working days → Thursday 09:00
        (vn(2026, 11, 23), wd(3), vn(2026, 11, 26)),
        # Friday + 3 working days skips the weekend → Wednesday
        (vn(2026, 11, 27), wd(3), vn(2026, 12, 2)),
        # accepted on Saturday: counting starts Monday 07:00, one day later is 17:00
        (vn(2026, 11, 28), wd(1), vn(2026, 11, 30, 17)),
        # "on receipt" accepted on Sunday → Monday closing
        (vn(2026, 11, 29), wd(0), vn(2026, 11, 30, 17)),
        # 15 calendar days from Monday 23/11 → Tuesday 8/12 at closing
        (vn(2026, 11, 23), days(15), vn(2026, 12, 8, 17)),
        # calendar days ending on a Saturday roll forward to Monday
        (vn(2026, 11, 23), days(5), vn(2026, 11, 30, 17)),
    ],
)
def test_due_dates_without_holidays(
    accepted: datetime, limit: TimeLimit, expected: datetime
) -> None:
    assert due_at(accepted, limit, PLAIN) == expected


def test_fixed_holidays_are_skipped() -> None:
    calendar = WorkingCalendar.with_holidays([date(2026, 12, 31), date(2027, 1, 1)])
    assert due_at(vn(2026, 12, 30), wd(1), calendar) == vn(2027, 1, 4)
    assert [d for d, _, source in calendar.days_off(2027) if source == "law"] == [date(2027, 1, 1)]


def test_other_hours() -> None:
    hours = WorkingHours(((time(7, 30), time(11, 30)), (time(13), time(16, 30))))
    calendar = WorkingCalendar(hours)
    assert hours.per_day == timedelta(hours=7, minutes=30)
    assert due_at(vn(2026, 11, 23, 18), wd(1), calendar) == vn(2026, 11, 24, 16, 30)
    assert due_at(vn(2026, 11, 23, 18), days(1), calendar) == vn(2026, 11, 24, 16, 30)


# --- worked examples on Vietnam's calendar (holidays package, language "vi") ------------------


@pytest.mark.parametrize(
    ("accepted", "limit", "expected"),
    [
        # Tết 2026: Mon 16 – Fri 20 February off. Fri 13/2 10:00 leaves 5 h that day; then
        # Mon 23 (13 h), Tue 24 (21 h) and 3 h on Wed 25 → 10:00.
        (vn(2026, 2, 13, 10), wd(3), vn(2026, 2, 25, 10)),
        (vn(2026, 2, 13, 10), wd(2), vn(2026, 2, 24, 10)),
        (vn(2026, 2, 13, 10), wd(1), vn(2026, 2, 23, 10)),
        # 30/4 and 1/5/2026 are Thursday and Friday: Wed 29/4 14:00 has 3 h left, the other
        # 5 h are Mon 4/5 07:00–11:30 and 13:30–14:00.
        (vn(2026, 4, 29, 14), wd(1), vn(2026, 5, 4, 14)),
        # 2/9/2026: Mon 31/8 (swapped for Sat 22/8), Tue 1/9 and Wed 2/9 off.
        # Fri 28/8 09:00 has 6 h left; Thu 3/9 gives 8 h; the last 2 h end Fri 4/9 09:00.
        (vn(2026, 8, 28), wd(2), vn(2026, 9, 4)),
        # ... and Saturday 22/8/2026 is worked: Fri 21/8 16:00 + 1 day → Sat 22/8 16:00.
        (vn(2026, 8, 21, 16), wd(1), vn(2026, 8, 22, 16)),
        # accepted after closing: counting starts the next working morning
        (vn(2026, 11, 9, 17, 30), wd(1), vn(2026, 11, 10, 17)),
        # ... and 24/11/2026 (Vietnamese Culture Day) is off: Monday evening → Wednesday
        (vn(2026, 11, 23, 17, 30), wd(1), vn(2026, 11, 25, 17)),
        # accepted at 10:00 Monday, 1 day → 10:00 Tuesday
        (vn(2026, 11, 9, 10), wd(1), vn(2026, 11, 10, 10)),
        # accepted in the lunch break: counting starts 13:30; 3.5 h Monday + 4.5 h Tuesday
        (vn(2026, 11, 9, 12), wd(1), vn(2026, 11, 10, 11, 30)),
        # 7 calendar days from Mon 24/8 end on Mon 31/8 (off), roll to Thu 3/9 at closing
        (vn(2026, 8, 24), days(7), vn(2026, 9, 3, 17)),
        # "on receipt" accepted on a holiday (Thu 30/4) → closing of Mon 4/5
        (vn(2026, 4, 30), wd(0), vn(2026, 5, 4, 17)),
        # "on receipt" accepted on a working day → that day's closing
        (vn(2026, 11, 9, 16), wd(0), vn(2026, 11, 9, 17)),
    ],
)
def test_due_dates_vietnam(accepted: datetime, limit: TimeLimit, expected: datetime) -> None:
    due = due_at(accepted, limit, VIETNAM)
    assert due == expected
    assert due.tzinfo == VN_TZ


def test_the_next_working_instant_in_the_lunch_break_is_1330() -> None:
    assert VIETNAM.next_working_instant(vn(2026, 11, 9, 12)) == vn(2026, 11, 9, 13, 30)


def test_vietnam_holidays_2026() -> None:
    # Fri 13/2 worked, Sat 14 – Sun 22 off (weekends around Tết), Mon 23/2 worked
    around_tet = [date(2026, 2, 13) + timedelta(days=i) for i in range(11)]
    assert [VIETNAM.is_working_day(d) for d in around_tet] == [True] + [False] * 9 + [True]
    assert not VIETNAM.is_working_day(date(2026, 4, 30))
    assert not VIETNAM.is_working_day(date(2026, 5, 1))
    assert [VIETNAM.is_working_day(date(2026, 8, 31) + timedelta(days=i)) for i in range(4)] == [
        False,
        False,
        False,
        True,
    ]
    assert VIETNAM.is_working_day(date(2026, 8, 22))  # Saturday worked for 31/8


def test_days_off_lists_law_and_admin() -> None:
    adjustments = {
        2026: CalendarAdjustments(
            extra_days_off=frozenset({date(2026, 1, 2)}),
            extra_working_days=frozenset({date(2026, 1, 10)}),
        )
    }
    listed = WorkingCalendar.vietnam(adjustments).days_off(2026)
    assert listed == sorted(listed)
    sources = {(d, source) for d, _, source in listed}
    tet = {(date(2026, 2, 16) + timedelta(days=i), "law") for i in range(5)}
    assert tet <= sources
    assert (date(2026, 1, 2), "admin") in sources
    assert (date(2026, 1, 10), "admin_working") in sources
    assert (date(2026, 8, 22), "law_working") in sources
    assert all(name for _, name, _ in listed)
    assert {d: name for d, name, _ in listed}[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert {d.year for d, _, _ in listed} == {2026}


# --- the administrator's adjustments ----------------------------------------------------------


def test_extra_day_off_moves_the_due_date() -> None:
    # Wed 31/12/2025 + 1 day: Thu 1/1 is New Year, so Fri 2/1; closed on 2/1 too → Mon 5/1
    accepted = vn(2025, 12, 31)
    assert due_at(accepted, wd(1), VIETNAM) == vn(2026, 1, 2)
    closed = WorkingCalendar.vietnam({2026: CalendarAdjustments(frozenset({date(2026, 1, 2)}))})
    assert due_at(accepted, wd(1), closed) == vn(2026, 1, 5)
    assert due_at(vn(2025, 12, 26), days(7), closed) == vn(2026, 1, 5, 17)


def test_extra_working_saturday_is_counted() -> None:
    saturday = date(2026, 1, 10)
    calendar = WorkingCalendar.vietnam(
        {2026: CalendarAdjustments(extra_working_days=frozenset({saturday}))}
    )
    assert calendar.is_working_day(saturday)
    assert due_at(vn(2026, 1, 9), wd(1), VIETNAM) == vn(2026, 1, 12)
    assert due_at(vn(2026, 1, 9), wd(1), calendar) == vn(2026, 1, 10)


def test_extra_working_day_beats_a_public_holiday() -> None:
    culture_day = date(2026, 11, 24)
    calendar = WorkingCalendar.vietnam(
        {2026: CalendarAdjustments(extra_working_days=frozenset({culture_day}))}
    )
    assert not VIETNAM.is_working_day(culture_day)
    assert calendar.is_working_day(culture_day)
    assert due_at(vn(2026, 11, 23), wd(1), VIETNAM) == vn(2026, 11, 25)
    assert due_at(vn(2026, 11, 23), wd(1), calendar) == vn(2026, 11, 24)


# --- supplements: the clock stops ------------------------------------------------------------


def test_resume_after_pause_working_days() -> None:
    due = vn(2026, 11, 26)  # Thursday 09:00
    # paused Monday 16:00, resumed Tuesday 09:00: 1 h + 2 h of working time
    moved = resume_after_pause(due, vn(2026, 11, 23, 16), vn(2026, 11, 24), WD, PLAIN)
    assert moved == vn(2026, 11, 26, 14)  # 09:00 + 2.5 h to lunch + 0.5 h after it


def test_resume_after_pause_calendar_days() -> None:
    due = vn(2026, 8, 28, 17)  # Friday closing
    # three calendar days waited → Mon 31/8, off until Thu 3/9
    moved = resume_after_pause(due, vn(2026, 8, 10), vn(2026, 8, 13), DAYS, VIETNAM)
    assert moved == vn(2026, 9, 3, 17)
    assert resume_after_pause(due, vn(2026, 8, 13), vn(2026, 8, 10), DAYS, VIETNAM) == due


# --- properties -------------------------------------------------------------------------------

_FIRST, _LAST = datetime(2024, 1, 1), datetime(2030, 12, 31, 23, 59, 59)
_EDGES = [time(0), time(7), time(11, 30), time(12), time(13, 30), time(17), time(23, 59)]
instants = st.one_of(
    st.datetimes(min_value=_FIRST, max_value=_LAST, timezones=st.just(VN_TZ)),
    # the boundaries of working periods, which random instants almost never hit
    st.builds(
        lambda day, moment: datetime.combine(day, moment, VN_TZ),
        st.dates(_FIRST.date(), _LAST.date()),
        st.sampled_from(_EDGES),
    ),
)
values = st.integers(min_value=0, max_value=60)
units = st.sampled_from(list(TimeUnit))
PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(accepted=instants, value=values, unit=units)
def test_due_is_inside_working_hours_and_not_too_early(
    accepted: datetime, value: int, unit: TimeUnit
) -> None:
    due = due_at(accepted, TimeLimit(value, unit), VIETNAM)
    assert due.tzinfo == VN_TZ
    assert VIETNAM.is_inside_working_hours(due)
    if unit is WD:
        start = VIETNAM.next_working_instant(accepted)
        assert due >= start
        if value:
            assert VIETNAM.working_time_between(start, due) == value * VIETNAM.hours.per_day


@PROPERTY
@given(accepted=instants, values=st.tuples(values, values), unit=units)
def test_longer_limit_is_never_earlier(
    accepted: datetime, values: tuple[int, int], unit: TimeUnit
) -> None:
    shorter, longer = sorted(values)
    due = due_at(accepted, TimeLimit(shorter, unit), VIETNAM)
    assert due <= due_at(accepted, TimeLimit(longer, unit), VIETNAM)


@PROPERTY
@given(acceptances=st.tuples(instants, instants), value=values, unit=units)
def test_later_acceptance_is_never_due_earlier(
    acceptances: tuple[datetime, datetime], value: int, unit: TimeUnit
) -> None:
    earlier, later = sorted(acceptances)
    limit = TimeLimit(value, unit)
    assert due_at(earlier, limit, VIETNAM) <= due_at(later, limit, VIETNAM)


@PROPERTY
@given(
    accepted=instants,
    value=values,
    unit=units,
    pause_after=st.timedeltas(timedelta(0), timedelta(days=40)),
    pause_for=st.timedeltas(timedelta(days=-1), timedelta(days=40)),
)
def test_resume_after_pause_is_never_earlier(
    accepted: datetime, value: int, unit: TimeUnit, pause_after: timedelta, pause_for: timedelta
) -> None:
    due = due_at(accepted, TimeLimit(value, unit), VIETNAM)
    paused_from = accepted + pause_after
    resumed_at = paused_from + pause_for
    moved = resume_after_pause(due, paused_from, resumed_at, unit, VIETNAM)
    assert moved >= due
    assert VIETNAM.is_inside_working_hours(moved)
    if unit is WD:
        waited = VIETNAM.working_time_between(paused_from, resumed_at)
        assert VIETNAM.working_time_between(due, moved) == waited
