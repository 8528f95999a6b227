"""What the answers share: times as ISO 8601 strings (motcua_shared.timeutil.to_iso)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from motcua_shared.errors import IncompleteRecord
from motcua_shared.timeutil import to_iso

T = TypeVar("T")


def iso(value: datetime | None) -> str | None:
    """The time as the answers write it; None stays null."""
    return to_iso(value) if value else None


def iso_of(value: datetime | None, name: str) -> str:
    """A time the answer always has (a record without it is incomplete)."""
    if value is None:
        raise IncompleteRecord(name)
    return to_iso(value)


def present(value: T | None, name: str) -> T:
    """A value the answer always has (a record without it is incomplete)."""
    if value is None:
        raise IncompleteRecord(name)
    return value
