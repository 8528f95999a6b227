"""How a provider's word settles a payment, and what the IPN answers (VNPay's RspCode)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.payment.domain.closure import FeeClosure
from chalicelib.payment.domain.model import FINAL, Payment, PaymentStatus
from chalicelib.payment.providers.base import Outcome


@dataclass(frozen=True)
class IpnAnswer:
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}


CONFIRMED = IpnAnswer("00", "Confirm Success")
ORDER_NOT_FOUND = IpnAnswer("01", "Order not found")
ALREADY_CONFIRMED = IpnAnswer("02", "Order already confirmed")
INVALID_AMOUNT = IpnAnswer("04", "Invalid amount")
INVALID_SIGNATURE = IpnAnswer("97", "Invalid signature")
UNKNOWN_ERROR = IpnAnswer("99", "Unknown error")


def check(payment: Payment, outcome: Outcome) -> IpnAnswer | None:
    """Why a verified callback cannot be applied, or None if it can.

    An attempt we expired (reconciliation found it unpaid) was never confirmed to VNPay: a
    success that comes later is money taken all the same, and is applied."""
    if outcome.amount_vnd != payment.amount_vnd:
        return INVALID_AMOUNT
    late_success = payment.status is PaymentStatus.EXPIRED and outcome.state == "succeeded"
    if payment.status in FINAL and not late_success:
        return ALREADY_CONFIRMED
    return None


def settle(payment: Payment, outcome: Outcome, at: datetime) -> None:
    """Apply the provider's verdict to a pending payment."""
    payment.status = (
        PaymentStatus.SUCCEEDED if outcome.state == "succeeded" else PaymentStatus.FAILED
    )
    payment.response_code = outcome.response_code
    payment.reason = outcome.reason
    payment.paid_at = outcome.paid_at or (at if outcome.state == "succeeded" else None)
    payment.bank_code = outcome.bank_code
    payment.transaction_no = outcome.transaction_no
    payment.settled_at = at


def owe_back(payment: Payment, closure: FeeClosure) -> None:
    """The money of a successful payment is owed back: its fee was closed (``closure``)."""
    payment.status = PaymentStatus.REFUND_DUE
    payment.refund_reason = closure.reason


def expire(payment: Payment, at: datetime) -> None:
    payment.status = PaymentStatus.EXPIRED
    payment.reason = "Hết thời gian chờ thanh toán"
    payment.settled_at = at
