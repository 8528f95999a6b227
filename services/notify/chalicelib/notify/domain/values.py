"""The values of a template's ``((placeholders))``, formatted the way people read them.

Dates in Vietnam's time ("05/01/2024", "08:15 05/01/2024"), amounts "1.500.000 đồng", the step and
the delivery method in words. ``name`` and ``link`` depend on the recipient and are added by
:func:`for_recipient`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from motcua_shared.timeutil import VN_TZ

if TYPE_CHECKING:
    from pydantic import BaseModel

    from motcua_shared.events.dossier import DossierEvent

STEP_NAMES = {
    "desk": "tiếp nhận và chuyển xử lý",
    "processing": "thẩm định, giải quyết",
    "return": "trả kết quả",
}

DELIVERY_METHODS = {
    "online": "nhận bản điện tử trên Cổng dịch vụ công",
    "in_person": "nhận trực tiếp tại Bộ phận Một cửa",
    "postal": "gửi qua dịch vụ bưu chính công ích",
}

NOT_ASSIGNED = "chưa phân công"


@dataclass(frozen=True)
class DossierFacts:
    """What notify knows of a dossier, from the dossier events it has seen."""

    dossier_id: str
    code: str | None = None
    procedure_code: str = ""
    procedure_name: str = ""
    owner_sub: str | None = None
    applicant_name: str = ""
    applicant_phone: str | None = None
    applicant_email: str | None = None

    @property
    def reference(self) -> str:
        """The dossier code, or (before acceptance) a short reference of its id."""
        return self.code or self.dossier_id[:8].upper()

    def to_document(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> DossierFacts:
        return cls(**{k: v for k, v in doc.items() if k in cls.__dataclass_fields__})

    @classmethod
    def from_event(cls, data: DossierEvent) -> DossierFacts:
        """From a dossier event (every one carries the applicant's contact)."""
        return cls(
            dossier_id=data.dossier_id,
            code=data.code,
            procedure_code=data.procedure_code,
            procedure_name=data.procedure_name,
            owner_sub=data.owner_sub,
            applicant_name=data.applicant.full_name,
            applicant_phone=data.applicant.phone,
            applicant_email=data.applicant.email,
        )


def date(value: datetime) -> str:
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y")


def date_time(value: datetime) -> str:
    return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def amount(vnd: int) -> str:
    return f"{vnd:,}".replace(",", ".") + " đồng"


Fields = Mapping[str, Any]  # an event's data, field by field (its contract's model)


def _delivery_method(fields: Fields) -> dict[str, str]:
    method = fields["delivery_method"]
    text = str(DELIVERY_METHODS.get(method, method))
    if method == "postal" and fields.get("delivery_address"):
        text += f" đến {fields['delivery_address']}"
    return {"delivery_method_text": text}


def _items(fields: Fields) -> dict[str, str]:
    lines = (
        f"- {item.document_name}" + (f": {item.note}" if item.note else "")
        for item in fields["items"]
    )
    return {"items": "\n".join(lines)}


def _due(fields: Fields) -> dict[str, str]:
    return {"due_date": date(fields["due_at"])} if fields["due_at"] is not None else {}


def _extension(fields: Fields) -> dict[str, str]:
    return {
        "new_due_date": date(fields["new_due_at"]),
        "previous_due_date": date(fields["previous_due_at"]),
    }


def _step(fields: Fields) -> dict[str, str]:
    step = str(fields["step"])
    return {"step": STEP_NAMES.get(step, step), "step_due_date": date_time(fields["step_due_at"])}


# The values a field of an event's data gives its templates, whichever event carries it (in
# this order: a later one may replace an earlier one's value).
VALUES_OF_FIELD: dict[str, Callable[[Fields], dict[str, str]]] = {
    "submitted_at": lambda f: {"submitted_date": date_time(f["submitted_at"])},
    "due_at": _due,
    "reason": lambda f: {"reason": f["reason"] or ""},
    "amount_vnd": lambda f: {"amount": amount(f["amount_vnd"])},
    "txn_ref": lambda f: {"txn_ref": f["txn_ref"]},
    "result_summary": lambda f: {"result_summary": f["result_summary"]},
    "delivery_method": _delivery_method,
    "returned_at": lambda f: {"returned_date": date(f["returned_at"])},
    "new_due_at": _extension,
    "items": _items,
    "step": _step,
}


def event_values(
    event_type: str, data: BaseModel, facts: DossierFacts, assignee: str | None = None
) -> dict[str, str]:
    """Every value the event's templates may use (recipient-specific ones excluded)."""
    from motcua_shared.events.shipment import ShipmentEvent  # loaded with the event

    values = {
        "code": facts.reference,
        "procedure_name": facts.procedure_name,
        "procedure_code": facts.procedure_code,
    }
    fields = dict(data)  # field by field, nested models kept as they are
    for name, values_of in VALUES_OF_FIELD.items():
        if name in fields:
            values.update(values_of(fields))
    if "step" in fields:
        values["assignee"] = assignee or NOT_ASSIGNED
    if isinstance(data, ShipmentEvent):
        values["item_code"] = data.item_code or ""
        values["reason"] = data.note
    return values
