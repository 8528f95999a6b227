"""The procedure catalogue (danh mục thủ tục hành chính): data, loaded from catalog/*.json and
overlaid with the administrator's edits (which a repository supplies: no I/O here)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.intake.domain.errors import UnknownProcedure

CATALOG_FILE = Path(__file__).resolve().parent.parent / "catalog" / "procedures.json"


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"


class OnlineLevel(StrEnum):
    PARTIAL = "partial"  # một phần (level 3)
    FULL = "full"  # toàn trình (level 4)


class FieldType(StrEnum):
    """How the portal asks for one item of a procedure's form (tờ khai)."""

    TEXT = "text"
    TEXTAREA = "textarea"
    DATE = "date"  # ISO date, 2026-11-23
    NUMBER = "number"
    SELECT = "select"  # one of the field's options


# How a procedure's time limit is split between the steps of processing (desk, unit, return)
# unless its catalogue entry has its own "steps".
DEFAULT_STEP_SHARES: dict[str, float] = {"desk": 0.1, "processing": 0.8, "return": 0.1}

# What each step is called where citizens read it (the portal's progress bar).
STEP_NAMES: dict[str, str] = {
    "desk": "Tiếp nhận và chuyển hồ sơ (Bộ phận Một cửa)",
    "processing": "Thẩm định, giải quyết (phòng chuyên môn)",
    "return": "Trả kết quả",
}

# What an administrator may change of a procedure; its code, field, agency and step shares stay.
EDITABLE_KEYS = (
    "name",
    "fee_vnd",
    "time_limit",
    "online_level",
    "legal_basis",
    "documents",
    "form_fields",
)


@dataclass(frozen=True)
class TimeLimit:
    value: int
    unit: TimeUnit


@dataclass(frozen=True)
class Document:
    code: str
    name: str
    required: bool
    template_url: str | None = None  # where the blank form can be downloaded (web/forms/)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: FieldType
    required: bool = False
    options: tuple[str, ...] = ()  # select only
    max_length: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "type": str(self.type),
            "required": self.required,
            "options": list(self.options),
            "max_length": self.max_length,
        }


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    field_name: str
    agency_code: str
    agency_name: str
    online_level: OnlineLevel
    fee_vnd: int
    time_limit: TimeLimit
    documents: tuple[Document, ...]
    legal_basis: str = ""
    national_code: str | None = None
    step_shares: dict[str, float] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_STEP_SHARES)
    )
    form_fields: tuple[FormField, ...] = ()

    @property
    def required_documents(self) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.required)

    def document(self, code: str) -> Document | None:
        return next((d for d in self.documents if d.code == code), None)

    def form_field(self, name: str) -> FormField | None:
        return next((f for f in self.form_fields if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "field": self.field,
            "field_name": self.field_name,
            "agency_code": self.agency_code,
            "agency_name": self.agency_name,
            "online_level": str(self.online_level),
            "fee_vnd": self.fee_vnd,
            "time_limit": {"value": self.time_limit.value, "unit": str(self.time_limit.unit)},
            "legal_basis": self.legal_basis,
            "documents": [
                {
                    "code": d.code,
                    "name": d.name,
                    "required": d.required,
                    "template_url": d.template_url,
                }
                for d in self.documents
            ],
            "form_fields": [f.to_dict() for f in self.form_fields],
            "steps": [
                {"step": step, "name": STEP_NAMES.get(step, step), "share": share}
                for step, share in self.step_shares.items()
            ],
        }

    def edited(self, edit: Mapping[str, Any]) -> Procedure:
        """This procedure with an administrator's edit (the ``EDITABLE_KEYS`` of ``edit``)."""
        return dataclasses.replace(
            self,
            name=str(edit["name"]),
            fee_vnd=int(edit["fee_vnd"]),
            time_limit=_time_limit(edit["time_limit"]),
            online_level=OnlineLevel(edit["online_level"]),
            legal_basis=str(edit.get("legal_basis") or ""),
            documents=_documents(edit["documents"]),
            form_fields=_form_fields(edit.get("form_fields") or []),
        )


def _time_limit(data: Mapping[str, Any]) -> TimeLimit:
    return TimeLimit(int(data["value"]), TimeUnit(data["unit"]))


def _documents(data: list[Mapping[str, Any]]) -> tuple[Document, ...]:
    return tuple(
        Document(d["code"], d["name"], bool(d["required"]), d.get("template_url")) for d in data
    )


def _form_fields(data: list[Mapping[str, Any]]) -> tuple[FormField, ...]:
    return tuple(
        FormField(
            name=f["name"],
            label=f["label"],
            type=FieldType(f["type"]),
            required=bool(f.get("required", False)),
            options=tuple(f.get("options") or ()),
            max_length=f.get("max_length"),
        )
        for f in data
    )


class ProcedureCatalog:
    def __init__(self, procedures: list[Procedure], fields: dict[str, str]) -> None:
        self._by_code = {p.code: p for p in procedures}
        self.fields = fields

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ProcedureCatalog:
        fields = {f["code"]: f["name"] for f in data["fields"]}
        agencies = {a["code"]: a["name"] for a in data["agencies"]}
        procedures = [
            Procedure(
                code=p["code"],
                name=p["name"],
                field=p["field"],
                field_name=fields[p["field"]],
                agency_code=p["agency_code"],
                agency_name=agencies[p["agency_code"]],
                online_level=OnlineLevel(p["online_level"]),
                fee_vnd=int(p["fee_vnd"]),
                time_limit=_time_limit(p["time_limit"]),
                documents=_documents(p["documents"]),
                legal_basis=p.get("legal_basis", ""),
                national_code=p.get("national_code"),
                step_shares=dict(p.get("steps") or DEFAULT_STEP_SHARES),
                form_fields=_form_fields(p.get("form_fields") or []),
            )
            for p in data["procedures"]
        ]
        return cls(procedures, fields)

    def with_edits(self, edits: Mapping[str, Mapping[str, Any]]) -> ProcedureCatalog:
        """This catalogue overlaid with the administrator's edits, by procedure code; an edit of
        a code the catalogue does not have is ignored (edits never add procedures)."""
        procedures = [
            p.edited(edits[code]) if code in edits else p for code, p in self._by_code.items()
        ]
        return ProcedureCatalog(procedures, self.fields)

    @property
    def codes(self) -> list[str]:
        return list(self._by_code)

    @property
    def agencies(self) -> list[str]:
        return sorted({p.agency_code for p in self._by_code.values()})

    def get(self, code: str) -> Procedure:
        try:
            return self._by_code[code]
        except KeyError:
            raise UnknownProcedure(procedure_code=code) from None

    def search(self, field: str | None = None, text: str | None = None) -> list[Procedure]:
        needle = (text or "").casefold().strip()
        return [
            p
            for p in self._by_code.values()
            if (field is None or p.field == field) and needle in p.name.casefold()
        ]


@cache
def default_catalog() -> ProcedureCatalog:
    return ProcedureCatalog.from_data(json.loads(CATALOG_FILE.read_text(encoding="utf-8")))
