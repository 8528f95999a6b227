"""Dossier codes and appointment dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.intake.domain.calendar import WorkingCalendar, due_at
from chalicelib.intake.domain.catalog import TimeLimit, TimeUnit, default_catalog
from chalicelib.intake.domain.codes import format_code, is_dossier_code
from motcua_shared.timeutil import VN_TZ


def test_code_format() -> None:
    assert format_code("000.00.01.H56", date(2024, 1, 1), 1) == "000.00.01.H56-240101-0001"
    assert format_code("000.00.01.H56", date(2026, 11, 22), 123) == "000.00.01.H56-261122-0123"
    assert is_dossier_code("000.00.01.H56-261122-0123")
    assert not is_dossier_code("000.00.01.H56-2611-0123")


def test_sequence_starts_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        format_code("X", date(2026, 1, 1), 0)


def vn(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


CALENDAR = WorkingCalendar()


@pytest.mark.parametrize(
    ("accepted", "limit", "expected"),
    [
        # Monday + 3 working days → Thursday
        (vn(2026, 11, 23), TimeLimit(3, TimeUnit.WORKING_DAYS), vn(2026, 11, 26, 17)),
        # Friday + 3 working days skips the weekend → Wednesday
        (vn(2026, 11, 27), TimeLimit(3, TimeUnit.WORKING_DAYS), vn(2026, 12, 2, 17)),
        # accepted on Saturday: counting starts Monday
        (vn(2026, 11, 28), TimeLimit(1, TimeUnit.WORKING_DAYS), vn(2026, 11, 30, 17)),
        # "on receipt" accepted on Sunday → Monday closing
        (vn(2026, 11, 29), TimeLimit(0, TimeUnit.WORKING_DAYS), vn(2026, 11, 30, 17)),
        # 15 calendar days from Monday 23/11 → Tuesday 8/12
        (vn(2026, 11, 23), TimeLimit(15, TimeUnit.DAYS), vn(2026, 12, 8, 17)),
        # calendar days ending on a Saturday roll forward to Monday
        (vn(2026, 11, 23), TimeLimit(5, TimeUnit.DAYS), vn(2026, 11, 30, 17)),
    ],
)
def test_due_dates(accepted: datetime, limit: TimeLimit, expected: datetime) -> None:
    assert due_at(accepted, limit, CALENDAR) == expected


def test_holidays_are_skipped() -> None:
    calendar = WorkingCalendar.with_holidays([date(2026, 12, 31), date(2027, 1, 1)])
    assert due_at(vn(2026, 12, 30), TimeLimit(1, TimeUnit.WORKING_DAYS), calendar) == vn(
        2027, 1, 4, 17
    )


@given(
    accepted=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),
    value=st.integers(min_value=0, max_value=60),
    unit=st.sampled_from(list(TimeUnit)),
)
def test_due_date_invariants(accepted: datetime, value: int, unit: TimeUnit) -> None:
    accepted = accepted.replace(tzinfo=VN_TZ)
    due = due_at(accepted, TimeLimit(value, unit), CALENDAR)
    assert CALENDAR.is_working_day(due.date())
    assert due.time() == CALENDAR.closing_time
    assert due.date() >= accepted.date()
    if unit is TimeUnit.WORKING_DAYS:
        working = sum(
            1
            for i in range(1, (due.date() - accepted.date()).days + 1)
            if CALENDAR.is_working_day(accepted.date() + timedelta(days=i))
        )
        on_receipt_shift = 0 if CALENDAR.is_working_day(accepted.date()) else 1
        assert working == (value if value else on_receipt_shift)


def test_catalogue_has_fifteen_procedures_across_six_fields() -> None:
    catalog = default_catalog()
    procedures = catalog.search()
    assert len(procedures) >= 15
    assert {p.field for p in procedures} == set(catalog.fields)
    assert len(catalog.fields) == 6
    for procedure in procedures:
        assert procedure.required_documents, procedure.code
        assert procedure.fee_vnd >= 0
        codes = [d.code for d in procedure.documents]
        assert len(codes) == len(set(codes)), procedure.code
