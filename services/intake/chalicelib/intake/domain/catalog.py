"""The procedure catalogue (danh mục thủ tục hành chính): data, loaded from catalog/*.json."""

from __future__ import annotations

import dataclasses
import json
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


# How a procedure's time limit is split between the steps of processing (desk, unit, return)
# unless its catalogue entry has its own "steps".
DEFAULT_STEP_SHARES: dict[str, float] = {"desk": 0.1, "processing": 0.8, "return": 0.1}


@dataclass(frozen=True)
class TimeLimit:
    value: int
    unit: TimeUnit


@dataclass(frozen=True)
class Document:
    code: str
    name: str
    required: bool


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

    @property
    def required_documents(self) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.required)

    def document(self, code: str) -> Document | None:
        return next((d for d in self.documents if d.code == code), None)

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
                {"code": d.code, "name": d.name, "required": d.required} for d in self.documents
            ],
        }


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
                time_limit=TimeLimit(
                    int(p["time_limit"]["value"]), TimeUnit(p["time_limit"]["unit"])
                ),
                documents=tuple(
                    Document(d["code"], d["name"], bool(d["required"])) for d in p["documents"]
                ),
                legal_basis=p.get("legal_basis", ""),
                national_code=p.get("national_code"),
                step_shares=dict(p.get("steps") or DEFAULT_STEP_SHARES),
            )
            for p in data["procedures"]
        ]
        return cls(procedures, fields)

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
