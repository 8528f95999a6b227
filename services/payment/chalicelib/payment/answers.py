"""The JSON answers of the payment API, each defined once: the handlers build them from the
domain, and the same classes document them in OpenAPI (motcua_shared.openapi reads them).

Plain dataclasses, so that serving a GET loads no pydantic (tests/unit/test_cold_start.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from chalicelib.payment.domain.model import Payment, PaymentStatus
from chalicelib.payment.domain.settlement import IpnAnswer
from motcua_shared.timeutil import to_iso


class _Common(TypedDict):
    """What every answer about an attempt says, but when it was paid and why it is owed back."""

    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    amount_vnd: int
    provider: str
    status: PaymentStatus
    created_at: str
    expires_at: str
    response_code: str | None
    reason: str | None
    bank_code: str | None
    transaction_no: str | None


def _common(payment: Payment) -> _Common:
    return {
        "txn_ref": payment.txn_ref,
        "dossier_id": payment.dossier_id,
        "dossier_code": payment.dossier_code,
        "amount_vnd": payment.amount_vnd,
        "provider": payment.provider,
        "status": payment.status,
        "created_at": to_iso(payment.created_at),
        "expires_at": to_iso(payment.expires_at),
        "response_code": payment.response_code,
        "reason": payment.reason,
        "bank_code": payment.bank_code,
        "transaction_no": payment.transaction_no,
    }


def _paid_at(payment: Payment) -> str | None:
    return to_iso(payment.paid_at) if payment.paid_at else None


@dataclass(frozen=True)
class PaymentOut:
    """One payment attempt. ``refund_reason``: why the money of a ``refund_due`` attempt is
    owed back."""

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
    refund_reason: str | None
    bank_code: str | None
    transaction_no: str | None

    @classmethod
    def of(cls, payment: Payment) -> PaymentOut:
        return cls(
            **_common(payment), paid_at=_paid_at(payment), refund_reason=payment.refund_reason
        )


@dataclass(frozen=True)
class StartedPaymentOut(PaymentOut):
    """The attempt to pay with: ``pay_url`` is where the browser pays; ``reused`` is true when
    it is the pending attempt started before (one open order at a time)."""

    pay_url: str
    reused: bool

    @classmethod
    def started(cls, payment: Payment, pay_url: str, reused: bool) -> StartedPaymentOut:
        return cls(
            **_common(payment),
            paid_at=_paid_at(payment),
            refund_reason=payment.refund_reason,
            pay_url=pay_url,
            reused=reused,
        )


@dataclass(frozen=True)
class PaymentListOut:
    items: list[PaymentOut]


@dataclass(frozen=True)
class RefundOut(PaymentOut):
    """An attempt whose money the provider took for a fee no longer owed (status
    ``refund_due``): when it was paid, the bank's references, and why it is owed back."""

    paid_at: str
    refund_reason: str

    @classmethod
    def of(cls, payment: Payment) -> RefundOut:
        paid_at, refund_reason = _paid_at(payment), payment.refund_reason
        if paid_at is None or refund_reason is None:  # owed back: it was paid, for a reason
            raise ValueError(f"{payment.txn_ref} is not money owed back")
        return cls(**_common(payment), paid_at=paid_at, refund_reason=refund_reason)


@dataclass(frozen=True)
class RefundListOut:
    items: list[RefundOut]


@dataclass(frozen=True)
class IpnAnswerOut:
    """What VNPay expects back from its notification, whatever it carried."""

    RspCode: str
    Message: str

    @classmethod
    def of(cls, answer: IpnAnswer) -> IpnAnswerOut:
        return cls(RspCode=answer.code, Message=answer.message)
