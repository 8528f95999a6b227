"""Values as a slip prints them: plain text, escaped later by the templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.intake.documents.labels import DASH
from motcua_shared.timeutil import VN_TZ


def display(value: Any) -> str:
    """The text shown for a value: "—" for None or an empty string."""
    if value is None:
        return DASH
    text = str(value).strip()
    return text if text else DASH


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    # Slips are read in Vietnam: show aware times in Vietnam time, naive ones as they are.
    return parsed.astimezone(VN_TZ) if parsed.tzinfo is not None else parsed


def format_time(value: Any) -> str:
    """Display time: "2026-11-23T09:30:00+07:00" -> "09:30 ngày 23/11/2026"; "—" if missing."""
    parsed = _parse_time(value)
    if parsed is None:
        return display(value)
    if isinstance(value, str) and len(value.strip()) == 10:  # a date without a time
        return parsed.strftime("%d/%m/%Y")
    return parsed.strftime("%H:%M ngày %d/%m/%Y")


def format_date_line(value: Any) -> str:
    """The dated line under the motto: "Ngày 23 tháng 11 năm 2026" (blanks when unknown)."""
    parsed = _parse_time(value)
    if parsed is None:
        return "Ngày …… tháng …… năm ……"
    return f"Ngày {parsed:%d} tháng {parsed:%m} năm {parsed:%Y}"


def format_hours(value: Any) -> str:
    """8 -> "8", 7.5 -> "7,5" (Vietnamese decimal comma); "—" when missing."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return display(value)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
