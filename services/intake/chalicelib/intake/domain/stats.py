"""Leaders' statistics: on-time rates, processing time and satisfaction, kept as counters that
every dossier change adjusts (no scan per request), and recomputable from raw dossiers."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from chalicelib.intake.domain.calendar import WorkingCalendar
from chalicelib.intake.domain.model import Dossier
from chalicelib.intake.domain.steps import Timeliness, dossier_timeliness

# A rating at or below this score counts as a complaint in the satisfaction index.
NEGATIVE_RATING_MAX = 2
NO_UNIT = "-"
COUNTERS = ("finished", "early", "on_time", "late", "processing_minutes", "negative")


class UnfinishedSnapshot(ValueError):
    """A day's counters asked of a dossier that has not finished."""


@dataclass(frozen=True)
class Snapshot:
    """What of a dossier the statistics depend on."""

    status: str
    unit: str
    officer: str
    finished_day: date | None
    timeliness: str | None
    processing_minutes: int  # whole working minutes, so that sums are exact
    negative: bool

    @classmethod
    def of(cls, dossier: Dossier, calendar: WorkingCalendar) -> Snapshot:
        finished = dossier.finished_at
        timeliness: str | None = None
        minutes = 0
        if finished is not None and dossier.accepted_at is not None and dossier.due_at is not None:
            timeliness = str(
                dossier_timeliness(finished, dossier.due_at, len(dossier.supplement_requests))
            )
            worked = calendar.working_time_between(dossier.accepted_at, finished) - _paused(
                dossier, calendar
            )
            minutes = round(max(worked, timedelta(0)) / timedelta(minutes=1))
        return cls(
            status=str(dossier.status),
            unit=dossier.unit or NO_UNIT,
            officer=dossier.officer or NO_UNIT,
            finished_day=finished.date() if finished else None,
            timeliness=timeliness,
            processing_minutes=minutes,
            negative=dossier.rating is not None and dossier.rating.score <= NEGATIVE_RATING_MAX,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "unit": self.unit,
            "officer": self.officer,
            "finished_day": self.finished_day.isoformat() if self.finished_day else None,
            "timeliness": self.timeliness,
            "processing_minutes": self.processing_minutes,
            "negative": self.negative,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        day = data.get("finished_day")
        return cls(
            status=str(data["status"]),
            unit=str(data["unit"]),
            officer=str(data["officer"]),
            finished_day=date.fromisoformat(day) if day else None,
            timeliness=data.get("timeliness"),
            processing_minutes=int(data.get("processing_minutes") or 0),
            negative=bool(data.get("negative")),
        )

    def finished_counters(self) -> dict[str, float]:
        if self.finished_day is None:
            return {}
        counters: dict[str, float] = {"finished": 1}
        if self.timeliness is not None:
            counters[self.timeliness] = 1
            counters["processing_minutes"] = self.processing_minutes
        if self.negative:
            counters["negative"] = 1
        return counters

    @property
    def day_key(self) -> str:
        """The key of the day's counters of the dossier's unit and officer (finished only)."""
        if self.finished_day is None:
            raise UnfinishedSnapshot(self.status)
        return day_key(self.finished_day, self.unit, self.officer)


# Counter keys are "#"-separated parts, some of them free text (unit and officer names): each
# part is escaped so that its own "#" cannot split it ("a#b" + "c" and "a" + "b#c" would share a
# key), and the escape character itself so that the escaping stays reversible.
_ESCAPES = {"%": "%25", "#": "%23"}
_UNESCAPE = re.compile("%(25|23)")


def key_part(text: str) -> str:
    """One part of a counter key: ``%`` and ``#`` percent-encoded, the rest as it is."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def _unescape(part: str) -> str:
    return _UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), part)


def day_key(day: date, unit: str, officer: str) -> str:
    return f"DAY#{day.isoformat()}#{key_part(unit)}#{key_part(officer)}"


def status_key(status: str, unit: str) -> str:
    return f"STATUS#{key_part(unit)}#{key_part(status)}"


def parse_status_key(key: str) -> tuple[str, str]:
    """(unit, status) of a ``STATUS#…`` key."""
    unit, status = key.split("#", 1)[1].rsplit("#", 1)  # a status never holds "#"
    return _unescape(unit), _unescape(status)


def parse_day_key(key: str) -> tuple[date, str, str]:
    """(day, unit, officer) of a ``DAY#…`` key."""
    _, day, unit, officer = key.split("#", 3)  # (keys written before escaping: no error)
    return date.fromisoformat(day), _unescape(unit), _unescape(officer)


def delta(before: Snapshot | None, after: Snapshot) -> dict[str, dict[str, float]]:
    """Counter increments (item key → counter → amount) turning ``before`` into ``after``."""
    changes: dict[str, dict[str, float]] = {}

    def add(key: str, counters: dict[str, float], sign: int) -> None:
        bucket = changes.setdefault(key, {})
        for name, value in counters.items():
            bucket[name] = bucket.get(name, 0) + sign * value

    if before is None or (before.status, before.unit) != (after.status, after.unit):
        if before is not None:
            add(status_key(before.status, before.unit), {"count": 1}, -1)
        add(status_key(after.status, after.unit), {"count": 1}, +1)
    old = before.finished_counters() if before is not None else {}
    new = after.finished_counters()
    if old != new or (before is not None and old and before.day_key != after.day_key):
        if old and before is not None:
            add(before.day_key, old, -1)
        if new:
            add(after.day_key, new, +1)
    return {k: {n: v for n, v in c.items() if v} for k, c in changes.items() if any(c.values())}


@dataclass
class Figures:
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    processing_minutes: int = 0
    negative: int = 0

    def add(self, counters: dict[str, float]) -> None:
        self.finished += int(counters.get("finished", 0))
        self.early += int(counters.get("early", 0))
        self.on_time += int(counters.get("on_time", 0))
        self.late += int(counters.get("late", 0))
        self.processing_minutes += int(counters.get("processing_minutes", 0))
        self.negative += int(counters.get("negative", 0))

    def report(self) -> dict[str, float | int | None]:
        timed = self.early + self.on_time + self.late
        late_pct = 100 * self.late / timed if timed else 0.0
        negative_pct = 100 * self.negative / self.finished if self.finished else 0.0
        return {
            "finished": self.finished,
            "early": self.early,
            "on_time": self.on_time,
            "late": self.late,
            "on_time_rate": round(100 * (self.early + self.on_time) / timed, 2) if timed else None,
            "average_processing_hours": (
                round(self.processing_minutes / 60 / timed, 2) if timed else None
            ),
            "negative_ratings": self.negative,
            "satisfaction_index": round(100 - late_pct - negative_pct, 2)
            if self.finished
            else None,
        }


@dataclass
class Report:
    by_status: Counter[str] = field(default_factory=Counter)
    overall: Figures = field(default_factory=Figures)
    by_unit: dict[str, Figures] = field(default_factory=dict)
    by_officer: dict[tuple[str, str], Figures] = field(default_factory=dict)

    def add_day(self, unit: str, officer: str, counters: dict[str, float]) -> None:
        self.overall.add(counters)
        self.by_unit.setdefault(unit, Figures()).add(counters)
        self.by_officer.setdefault((unit, officer), Figures()).add(counters)

    def to_dict(self) -> dict[str, object]:
        return {
            "by_status": dict(sorted((k, v) for k, v in self.by_status.items() if v)),
            "overall": self.overall.report(),
            "by_unit": [{"unit": u, **f.report()} for u, f in sorted(self.by_unit.items())],
            "by_officer": [
                {"unit": u, "officer": o, **f.report()}
                for (u, o), f in sorted(self.by_officer.items())
            ],
        }


def in_period(day: date, start: date, end: date) -> bool:
    return start <= day <= end


def recompute(
    dossiers: Iterable[Dossier],
    start: date,
    end: date,
    unit: str | None,
    calendar: WorkingCalendar,
) -> Report:
    """The statistics from raw dossiers: what the counters must always agree with."""
    report = Report()
    for dossier in dossiers:
        snap = Snapshot.of(dossier, calendar)
        if unit is not None and snap.unit != unit:
            continue
        report.by_status[snap.status] += 1
        if snap.finished_day is not None and in_period(snap.finished_day, start, end):
            report.add_day(snap.unit, snap.officer, snap.finished_counters())
    return report


def _paused(dossier: Dossier, calendar: WorkingCalendar) -> timedelta:
    total = timedelta(0)
    for request in dossier.supplement_requests:
        if request.resolved_at is not None:
            total += calendar.working_time_between(request.requested_at, request.resolved_at)
    return total


__all__ = ["Report", "Snapshot", "Timeliness", "delta", "recompute"]
