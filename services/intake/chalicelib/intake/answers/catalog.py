"""The procedure catalogue and the working calendar, as the API answers them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

from chalicelib.intake.domain.catalog import (
    STEP_NAMES,
    Document,
    FieldType,
    FormField,
    OnlineLevel,
    Procedure,
    TimeUnit,
)

DaySource = Literal["law", "law_working", "admin", "admin_working"]


@dataclass(frozen=True)
class TimeLimitOut:
    """How long the procedure takes by law."""

    value: int
    unit: TimeUnit


@dataclass(frozen=True)
class ProcedureDocumentOut:
    """A document the dossier of a procedure contains."""

    code: str
    name: str
    required: bool
    template_url: str | None

    @classmethod
    def of(cls, d: Document) -> ProcedureDocumentOut:
        return cls(d.code, d.name, d.required, d.template_url)


@dataclass(frozen=True)
class FormFieldOut:
    """One item of a procedure's form (tờ khai)."""

    name: str
    label: str
    type: FieldType
    required: bool
    options: list[str]
    max_length: int | None

    @classmethod
    def of(cls, f: FormField) -> FormFieldOut:
        return cls(f.name, f.label, f.type, f.required, list(f.options), f.max_length)


@dataclass(frozen=True)
class ProcedureStepOut:
    """A step of processing and its share of the procedure's time limit."""

    step: str
    name: str
    share: float


@dataclass(frozen=True)
class ProcedureOut:
    """A catalogued procedure with its documents, form and steps."""

    code: str
    name: str
    field: str
    field_name: str
    agency_code: str
    agency_name: str
    online_level: OnlineLevel
    fee_vnd: int
    time_limit: TimeLimitOut
    legal_basis: str
    documents: list[ProcedureDocumentOut]
    form_fields: list[FormFieldOut]
    steps: list[ProcedureStepOut]

    @classmethod
    def of(cls, p: Procedure) -> ProcedureOut:
        return cls(
            code=p.code,
            name=p.name,
            field=p.field,
            field_name=p.field_name,
            agency_code=p.agency_code,
            agency_name=p.agency_name,
            online_level=p.online_level,
            fee_vnd=p.fee_vnd,
            time_limit=TimeLimitOut(p.time_limit.value, p.time_limit.unit),
            legal_basis=p.legal_basis,
            documents=[ProcedureDocumentOut.of(d) for d in p.documents],
            form_fields=[FormFieldOut.of(f) for f in p.form_fields],
            steps=[
                ProcedureStepOut(step, STEP_NAMES.get(step, step), share)
                for step, share in p.step_shares.items()
            ],
        )


@dataclass(frozen=True)
class ProcedureListOut:
    """The procedures found in the catalogue."""

    items: list[ProcedureOut]

    @classmethod
    def of(cls, procedures: list[Procedure]) -> ProcedureListOut:
        return cls([ProcedureOut.of(p) for p in procedures])


@dataclass(frozen=True)
class CalendarDayOut:
    """A day off or a make-up working day."""

    date: str
    name: str
    source: DaySource


@dataclass(frozen=True)
class CalendarYearOut:
    """A year's days off and make-up working days, by date."""

    year: int
    days: list[CalendarDayOut]

    @classmethod
    def of(cls, year: int, days: list[tuple[date, str, str]]) -> CalendarYearOut:
        return cls(
            year, [CalendarDayOut(d.isoformat(), name, cast(DaySource, s)) for d, name, s in days]
        )
