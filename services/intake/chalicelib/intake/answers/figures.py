"""The leaders' figures: the overdue list and the statistics of a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from chalicelib.intake.answers.base import iso
from chalicelib.intake.domain.model import Dossier, Status
from chalicelib.intake.domain.stats import Figures, Report
from motcua_shared.api import json_name


@dataclass(frozen=True)
class OverdueOut:
    """A line of the leaders' overdue list."""

    id: str
    code: str | None
    procedure_name: str
    status: Status
    due_at: str | None
    step: str | None
    step_due_at: str | None
    unit: str | None
    officer: str | None
    overdue_hours: float  # working hours past the deadline

    @classmethod
    def of(cls, d: Dossier, overdue_hours: float) -> OverdueOut:
        return cls(
            id=d.id,
            code=d.code,
            procedure_name=d.procedure_name,
            status=d.status,
            due_at=iso(d.due_at),
            step=d.step,
            step_due_at=iso(d.step_due_at),
            unit=d.unit,
            officer=d.officer,
            overdue_hours=overdue_hours,
        )


@dataclass(frozen=True)
class OverdueListOut:
    """A page of overdue dossiers, most overdue first."""

    items: list[OverdueOut]
    next_cursor: str | None

    @classmethod
    def of(cls, late: list[tuple[Dossier, float]], cursor: str | None) -> OverdueListOut:
        return cls([OverdueOut.of(d, hours) for d, hours in late], cursor)


@dataclass(frozen=True)
class FiguresOut:
    """On-time rate, processing time and satisfaction of the dossiers finished in the period
    (rates in percent; null when nothing was finished on the clock)."""

    finished: int
    early: int
    on_time: int
    late: int
    on_time_rate: float | None
    average_processing_hours: float | None
    negative_ratings: int
    satisfaction_index: float | None

    @classmethod
    def of(cls, figures: Figures) -> FiguresOut:
        return cls(**_figures(figures))


@dataclass(frozen=True)
class UnitFiguresOut:
    """The figures of one processing unit."""

    unit: str
    finished: int
    early: int
    on_time: int
    late: int
    on_time_rate: float | None
    average_processing_hours: float | None
    negative_ratings: int
    satisfaction_index: float | None


@dataclass(frozen=True)
class OfficerFiguresOut:
    """The figures of one officer of a unit."""

    unit: str
    officer: str
    finished: int
    early: int
    on_time: int
    late: int
    on_time_rate: float | None
    average_processing_hours: float | None
    negative_ratings: int
    satisfaction_index: float | None


@dataclass(frozen=True)
class StatisticsOut:
    """The leaders' statistics of a period (as JSON; the route also answers CSV and xlsx)."""

    # ``from_`` is answered as ``from`` (motcua_shared.api.json_name), and documented so
    __pydantic_config__: ClassVar[dict[str, Any]] = {"alias_generator": json_name}

    from_: str
    to: str
    unit: str | None
    overdue_now: int
    by_status: dict[str, int]
    overall: FiguresOut
    by_unit: list[UnitFiguresOut]
    by_officer: list[OfficerFiguresOut]

    @classmethod
    def of(
        cls, start: date, end: date, unit: str | None, overdue_now: int, report: Report
    ) -> StatisticsOut:
        return cls(
            from_=start.isoformat(),
            to=end.isoformat(),
            unit=unit,
            overdue_now=overdue_now,
            by_status=dict(sorted((k, v) for k, v in report.by_status.items() if v)),
            overall=FiguresOut.of(report.overall),
            by_unit=[UnitFiguresOut(u, **_figures(f)) for u, f in sorted(report.by_unit.items())],
            by_officer=[
                OfficerFiguresOut(u, o, **_figures(f))
                for (u, o), f in sorted(report.by_officer.items())
            ],
        )


def _figures(figures: Figures) -> dict[str, Any]:
    return dict(figures.report())
