"""Time as the administration counts it: Vietnam's clock (UTC+7), ISO 8601 with the offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")


def now() -> datetime:
    """The current instant on Vietnam's clock."""
    return datetime.now(UTC).astimezone(VN_TZ)


def to_iso(value: datetime) -> str:
    """ISO 8601 in Vietnam time, seconds precision, e.g. ``2026-11-23T09:30:00+07:00``."""
    return value.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 timestamp; a value without offset is taken as Vietnam time."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    return parsed.astimezone(VN_TZ)
