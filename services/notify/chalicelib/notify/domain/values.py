"""The values of a template's ``((placeholders))``, formatted the way people read them.

Dates in Vietnam's time ("05/01/2024", "08:15 05/01/2024"), amounts "1.500.000 đồng", the step and
the delivery method in words. ``name`` and ``link`` depend on the recipient and are added by
:func:`for_recipient`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from motcua_shared.timeutil import VN_TZ

if TYPE_CHECKING:
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


def _delivery_method(data: Any) -> str:
    text = DELIVERY_METHODS.get(data.delivery_method, data.delivery_method)
    if data.delivery_method == "postal" and data.delivery_address:
        text += f" đến {data.delivery_address}"
    return str(text)


def _items(data: Any) -> str:
    return "\n".join(
        f"- {item.document_name}" + (f": {item.note}" if item.note else "") for item in data.items
    )


def event_values(
    event_type: str, data: Any, facts: DossierFacts, assignee: str | None = None
) -> dict[str, str]:
    """Every value the event's templates may use (recipient-specific ones excluded)."""
    values = {
        "code": facts.reference,
        "procedure_name": facts.procedure_name,
        "procedure_code": facts.procedure_code,
    }
    fields = data.__class__.model_fields
    if "submitted_at" in fields:
        values["submitted_date"] = date_time(data.submitted_at)
    if "due_at" in fields and data.due_at is not None:
        values["due_date"] = date(data.due_at)
    if "reason" in fields:
        values["reason"] = data.reason or ""
    if "amount_vnd" in fields:
        values["amount"] = amount(data.amount_vnd)
    if "txn_ref" in fields:
        values["txn_ref"] = data.txn_ref
    if "result_summary" in fields:
        values["result_summary"] = data.result_summary
    if "delivery_method" in fields:
        values["delivery_method_text"] = _delivery_method(data)
    if "returned_at" in fields:
        values["returned_date"] = date(data.returned_at)
    if "new_due_at" in fields:
        values["new_due_date"] = date(data.new_due_at)
        values["previous_due_date"] = date(data.previous_due_at)
    if "items" in fields:
        values["items"] = _items(data)
    if "step" in fields:
        values["step"] = STEP_NAMES.get(data.step, data.step)
        values["step_due_date"] = date_time(data.step_due_at)
        values["assignee"] = assignee or NOT_ASSIGNED
    if event_type.startswith("shipment."):
        values["item_code"] = data.item_code or ""
        values["reason"] = data.note
    return values
