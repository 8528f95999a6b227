"""Dossier codes and the procedure catalogue (appointment dates: test_calendar.py)."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.intake.domain.catalog import default_catalog
from chalicelib.intake.domain.codes import format_code, is_dossier_code


def test_code_format() -> None:
    assert format_code("000.00.01.H56", date(2024, 1, 1), 1) == "000.00.01.H56-240101-0001"
    assert format_code("000.00.01.H56", date(2026, 11, 22), 123) == "000.00.01.H56-261122-0123"
    assert is_dossier_code("000.00.01.H56-261122-0123")
    assert not is_dossier_code("000.00.01.H56-2611-0123")


def test_sequence_starts_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        format_code("X", date(2026, 1, 1), 0)


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
