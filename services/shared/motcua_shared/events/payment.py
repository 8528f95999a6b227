"""Events the payment service announces."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class PaymentSucceeded(_Data):
    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    amount_vnd: int
    provider: str
    paid_at: datetime
    bank_code: str | None = None
    transaction_no: str | None = None


class PaymentFailed(_Data):
    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    amount_vnd: int
    provider: str
    response_code: str
    reason: str


class PaymentExpired(_Data):
    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    amount_vnd: int
    provider: str
