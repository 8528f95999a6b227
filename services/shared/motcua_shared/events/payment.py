"""Events the payment service announces."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class _Attempt(_Data):
    """What every payment event says of its attempt."""

    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    amount_vnd: int
    provider: str


class PaymentSucceeded(_Attempt):
    paid_at: datetime
    bank_code: str | None = None
    transaction_no: str | None = None


class PaymentFailed(_Attempt):
    response_code: str
    reason: str


class PaymentExpired(_Attempt):
    """The attempt expired unpaid."""


class PaymentRefundDue(_Attempt):
    """Money the provider took for a fee that was no longer owed (paid at the counter or online
    already, or the dossier withdrawn, refused or stopped): it is owed back to the payer."""

    paid_at: datetime
    closed_by: str  # counter / online / withdrawn / refused / stopped
    reason: str  # why, as people read it
    bank_code: str | None = None
    transaction_no: str | None = None
