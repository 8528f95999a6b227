"""Request bodies of the payment API, validated at the edge (named by the routes in app.py and
imported when a request first needs them)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from chalicelib.payment.domain.model import PaymentStatus


class NewPayment(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    dossier_id: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
    ]


# -- Responses (documentation of the JSON answers; the handlers build them) -------------------


class _Out(BaseModel):
    # the answers have at least these keys
    model_config = ConfigDict(extra="allow", defer_build=True)


class PaymentOut(_Out):
    """One payment attempt; ``pay_url`` and ``reused`` only in the answer that starts it.
    ``refund_reason``: why the money of a ``refund_due`` attempt is owed back."""

    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    amount_vnd: int
    provider: str
    status: PaymentStatus
    created_at: str
    expires_at: str
    paid_at: str | None
    response_code: str | None
    reason: str | None
    refund_reason: str | None = None
    bank_code: str | None = None
    transaction_no: str | None = None
    pay_url: str | None = None
    reused: bool | None = None


class PaymentListOut(_Out):
    items: list[PaymentOut]


class RefundOut(PaymentOut):
    """An attempt whose money the provider took for a fee no longer owed (status
    ``refund_due``): when it was paid, the bank's references, and why it is owed back."""

    paid_at: str
    refund_reason: str


class RefundListOut(_Out):
    items: list[RefundOut]


class IpnAnswerOut(_Out):
    """What VNPay expects back from its notification, whatever it carried."""

    RspCode: str
    Message: str
