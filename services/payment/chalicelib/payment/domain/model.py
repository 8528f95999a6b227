"""Fees owed by dossiers and the payment attempts that settle them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from motcua_shared.timeutil import parse_iso, to_iso


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"


FINAL = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.EXPIRED})


@dataclass
class Fee:
    """A dossier's fee, as intake requested it (``dossier.fee_requested``)."""

    dossier_id: str
    dossier_code: str | None
    procedure_name: str
    owner_sub: str
    amount_vnd: int
    requested_at: datetime
    settled_by: str | None = None  # "online <txn_ref>" or "counter <receipt>"


@dataclass
class Payment:
    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    owner_sub: str
    amount_vnd: int
    provider: str
    order_info: str
    status: PaymentStatus
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None = None
    response_code: str | None = None
    reason: str | None = None
    bank_code: str | None = None
    transaction_no: str | None = None
    settled_at: datetime | None = None
    version: int | None = None

    def to_document(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("version")
        return {k: to_iso(v) if isinstance(v, datetime) else v for k, v in doc.items()}

    @classmethod
    def from_document(cls, doc: dict[str, Any], version: int | None) -> Payment:
        d = dict(doc)
        for name in ("created_at", "expires_at", "paid_at", "settled_at"):
            d[name] = parse_iso(d[name]) if d.get(name) else None
        d["status"] = PaymentStatus(d["status"])
        return cls(**d, version=version)
