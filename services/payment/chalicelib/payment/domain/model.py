"""Fees owed by dossiers and the payment attempts that settle them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.payment.domain.closure import FeeClosure
from motcua_shared.timeutil import parse_iso, to_iso


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"
    # the provider took the money for a fee no longer owed: it is owed back to the payer
    REFUND_DUE = "refund_due"


FINAL = frozenset(
    {
        PaymentStatus.SUCCEEDED,
        PaymentStatus.FAILED,
        PaymentStatus.EXPIRED,
        PaymentStatus.REFUND_DUE,
    }
)


@dataclass
class Fee:
    """A dossier's fee, as intake requested it (``dossier.fee_requested``), with what payment
    knows of it since: closed (see :mod:`.closure`) and the attempt a new click reuses."""

    dossier_id: str
    dossier_code: str | None
    procedure_name: str
    owner_sub: str
    amount_vnd: int
    requested_at: datetime
    closure: FeeClosure | None = None
    attempt: str | None = None  # txn_ref of the latest attempt started


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
    client_ip: str | None = None  # vnp_IpAddr of its URL: the same URL when the attempt is reused
    refund_reason: str | None = None  # why the money is owed back (status refund_due)
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
