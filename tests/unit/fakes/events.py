"""Events as intake, payment and delivery announce them, for the consumers' unit tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from motcua_shared.events import Envelope, new_event, schema_for
from motcua_shared.events import dossier as de

APPLICANT = de.Contact(
    full_name="Nguyễn Thị Hồng Nhung", phone="0912345678", email="nhung@example.vn"
)


def dossier_event(
    event_type: str,
    dossier_id: str,
    owner_sub: str | None = "citizen-1",
    at: datetime | None = None,
    **extra: Any,
) -> tuple[Envelope, BaseModel]:
    """A dossier event (its data validated by the contract) with its envelope."""
    fields: dict[str, Any] = {
        "dossier_id": dossier_id,
        "procedure_code": "MYPHAM-01",
        "procedure_name": "Công bố sản phẩm mỹ phẩm sản xuất trong nước",
        "status": "processing",
        "national_status": 3,
        "actor": "desk1",
        "applicant": APPLICANT,
        "code": "000.00.01.H56-261203-0001",
        "owner_sub": owner_sub,
        **extra,
    }
    return event(event_type, dossier_id, fields, at)


def event(
    event_type: str, dossier_id: str, fields: dict[str, Any], at: datetime | None = None
) -> tuple[Envelope, BaseModel]:
    data = schema_for(event_type, 1).model_validate(fields)
    envelope = new_event(
        event_type, source="test", dossier_id=dossier_id, data=data, occurred_at=at
    )
    return envelope, data
