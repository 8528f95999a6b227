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


class PaymentRefundDue(_Data):
    """Money the provider took for a fee that was no longer owed (paid at the counter or online
    already, or the dossier withdrawn, refused or stopped): it is owed back to the payer."""

    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    amount_vnd: int
    provider: str
    paid_at: datetime
    closed_by: str  # counter / online / withdrawn / refused / stopped
    reason: str  # why, as people read it
    bank_code: str | None = None
    transaction_no: str | None = None
