"""The leaders' exports and the statistics' counter keys against free text an officer can type:
no cell a spreadsheet takes for a formula, no unit or officer name that splits a key."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from chalicelib.intake.domain import stats
from chalicelib.intake.reports import to_csv, to_xlsx

# OWASP "CSV Injection": cells starting with = + - @, tab (0x09) or carriage return (0x0D);
# ASVS 5.0 requirement 1.2.10 adds NUL (0x00).
HOSTILE = [
    '=HYPERLINK("http://evil","x")',
    "+1",
    "-1",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
]
FIGURES = {
    "finished": 1,
    "early": 1,
    "on_time": 0,
    "late": 0,
    "on_time_rate": 100.0,
    "average_processing_hours": 2.5,
    "negative_ratings": 0,
    "satisfaction_index": 100.0,
}


def report(names: list[str]) -> dict[str, Any]:
    return {
        "from": "2031-03-01",
        "to": "2031-03-31",
        "overdue_now": 0,
        "overall": FIGURES,
        "by_status": {"withdrawn": len(names)},
        "by_unit": [{"unit": name, **FIGURES} for name in names],
        "by_officer": [{"unit": name, "officer": name, **FIGURES} for name in names],
    }


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


def test_csv_cells_that_could_start_a_formula_begin_with_a_quote() -> None:
    """OWASP CSV Injection: prefix such cells with a single quote (RFC 4180 quoting kept)."""
    rows = csv_rows(to_csv(report(HOSTILE)))
    by_unit = rows[rows.index(["Theo phòng"]) + 2 :][: len(HOSTILE)]
    assert [row[0] for row in by_unit] == ["'" + name for name in HOSTILE]
    by_officer = rows[rows.index(["Theo chuyên viên"]) + 2 :][: len(HOSTILE)]
    assert [row[:2] for row in by_officer] == [["'" + name] * 2 for name in HOSTILE]
    # numbers stay numbers, and no other cell starts with a trigger
    assert by_unit[0][1:] == ["1", "1", "0", "0", "100.0", "2.5", "0", "100.0"]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "\x00")), cell


def test_xlsx_text_cells_are_strings_never_formulas() -> None:
    """OWASP CSV Injection, for a workbook: openpyxl stores text starting with '=' as a live
    formula (data type 'f'); every text cell must be a string ('s'), and those that could start
    a formula carry quotePrefix (ECMA-376 Part 1, 18.8.45) so that editing keeps them text."""
    workbook = load_workbook(io.BytesIO(to_xlsx(report(HOSTILE))))
    # XML 1.0 has no NUL: it becomes U+FFFD (openpyxl would refuse the whole workbook); a
    # carriage return reads back as a line feed (XML 1.0, 2.11 End-of-Line Handling)
    written = [*HOSTILE[:5], "\n=1+1", "\ufffd=1+1"]
    quoted = [True] * (len(HOSTILE) - 1) + [False]
    units = list(workbook["Theo phòng"].iter_rows(min_row=2))
    assert [row[0].value for row in units] == written
    assert [(row[0].data_type, row[0].quotePrefix) for row in units] == [("s", q) for q in quoted]
    assert {row[1].data_type for row in units} == {"n"}
    officers = list(workbook["Theo chuyên viên"].iter_rows(min_row=2))
    assert [[c.value for c in row[:2]] for row in officers] == [[v, v] for v in written]
    for row, prefixed in zip(officers, quoted, strict=True):
        assert [(c.data_type, c.quotePrefix) for c in row[:2]] == [("s", prefixed)] * 2
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_unassigned_rows_are_labelled_not_written_as_a_dash() -> None:
    text = to_csv(report([stats.NO_UNIT]))
    assert "(Chưa phân công)" in text
    workbook = load_workbook(io.BytesIO(to_xlsx(report([stats.NO_UNIT]))))
    assert workbook["Theo phòng"]["A2"].value == "(Chưa phân công)"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("a#b", "c"), ("a", "b#c")),
        (("a%23b", "c"), ("a#b", "c")),
        (("a%b", "c"), ("a%25b", "c")),
        (("a", "#"), ("a#", "")),
    ],
)
def test_free_text_cannot_make_two_counter_keys_collide(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    """Composite sort keys (AWS, "Best practices for using sort keys to organize data in
    DynamoDB") need parts that cannot hold their delimiter: escaped, and read back as typed."""
    day = date(2031, 4, 2)
    assert stats.day_key(day, *first) != stats.day_key(day, *second)
    for unit, officer in (first, second):
        assert stats.parse_day_key(stats.day_key(day, unit, officer)) == (day, unit, officer)
        key = stats.status_key("processing", unit)
        assert stats.parse_status_key(key) == (unit, "processing")
    assert stats.status_key("processing", "a#b") != stats.status_key("b#processing", "a")


def test_plain_names_keep_their_keys() -> None:
    """Counters already written for names without '#' or '%' are read as before."""
    day = date(2031, 4, 2)
    assert stats.day_key(day, "Phòng Nghiệp vụ Dược", "officer1") == (
        "DAY#2031-04-02#Phòng Nghiệp vụ Dược#officer1"
    )
    assert stats.status_key("processing", "Phòng Nghiệp vụ Dược") == (
        "STATUS#Phòng Nghiệp vụ Dược#processing"
    )
