"""Fakes of payment's ports: the store of fees and attempts (with its outbox and inbox) and the
payment provider."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from chalicelib.payment.domain.closure import FeeClosure
from chalicelib.payment.domain.model import Fee, Payment, PaymentStatus
from chalicelib.payment.ports import AttemptRaced
from chalicelib.payment.providers.base import (
    InvalidSignature,
    MalformedCallback,
    Outcome,
    PaymentProvider,
    ProviderNotReady,
)
from motcua_shared.errors import Conflict
from motcua_shared.events import Envelope
from motcua_shared.timeutil import to_iso


@dataclass
class FeeRecord:
    fee: Fee | None = None
    closed: FeeClosure | None = None
    attempt: str | None = None


@dataclass
class FakePaymentStore:
    """Keeps what the DynamoDB store keeps, with its conditions: a version per attempt, an
    attempt started only on an open fee whose current attempt is the one read, a fee closed
    once, each event applied once."""

    payments: dict[str, Payment] = field(default_factory=dict)
    fees: dict[str, FeeRecord] = field(default_factory=dict)
    outbox: list[Envelope] = field(default_factory=list)
    applied: set[str] = field(default_factory=set)

    def get(self, txn_ref: str) -> Payment | None:
        stored = self.payments.get(txn_ref)
        return copy.deepcopy(stored) if stored is not None else None

    def _write(self, payment: Payment, events: Iterable[Envelope]) -> None:
        stored = self.payments.get(payment.txn_ref)
        if (stored.version if stored else None) != payment.version:
            raise Conflict()
        payment.version = (payment.version or 0) + 1
        self.payments[payment.txn_ref] = copy.deepcopy(payment)
        self.outbox.extend(events)

    def save(self, payment: Payment, events: Iterable[Envelope] = ()) -> None:
        self._write(payment, events)

    def start(self, payment: Payment, previous: str | None) -> None:
        record = self.fees.get(payment.dossier_id)
        if (
            record is None
            or record.fee is None
            or record.closed is not None
            or record.attempt != previous
        ):
            raise AttemptRaced()
        self._write(payment, ())
        record.attempt = payment.txn_ref

    def settle_online(
        self, payment: Payment, events: Iterable[Envelope], closure: FeeClosure
    ) -> FeeClosure | None:
        record = self.fees.setdefault(payment.dossier_id, FeeRecord())
        stored = self.payments.get(payment.txn_ref)
        if (stored.version if stored else None) != payment.version:
            raise Conflict()
        if record.closed is not None:
            return record.closed
        self._write(payment, events)
        record.closed = closure
        return None

    def for_dossier(self, dossier_id: str) -> list[Payment]:
        found = [copy.deepcopy(p) for p in self.payments.values() if p.dossier_id == dossier_id]
        return sorted(found, key=lambda p: p.created_at, reverse=True)

    def pending_before(self, created_before: str) -> Iterator[Payment]:
        for payment in list(self.payments.values()):
            pending = payment.status is PaymentStatus.PENDING
            if pending and to_iso(payment.created_at) <= created_before:
                yield copy.deepcopy(payment)

    def refunds_due(self) -> list[Payment]:
        due = [p for p in self.payments.values() if p.status is PaymentStatus.REFUND_DUE]
        return [copy.deepcopy(p) for p in sorted(due, key=lambda p: p.created_at, reverse=True)]

    def fee(self, dossier_id: str) -> Fee | None:
        record = self.fees.get(dossier_id)
        if record is None or record.fee is None:
            return None
        fee = copy.deepcopy(record.fee)
        fee.closure, fee.attempt = record.closed, record.attempt
        return fee

    def closure(self, dossier_id: str) -> FeeClosure | None:
        record = self.fees.get(dossier_id)
        return record.closed if record is not None else None

    def record_fee(self, fee: Fee, envelope: Envelope) -> bool:
        if envelope.id in self.applied:
            return False
        self.fees.setdefault(fee.dossier_id, FeeRecord()).fee = copy.deepcopy(fee)
        self.applied.add(envelope.id)
        return True

    def close(self, dossier_id: str, closure: FeeClosure) -> FeeClosure:
        record = self.fees.setdefault(dossier_id, FeeRecord())
        if record.closed is None:
            record.closed = closure
        return record.closed

    def mark_applied(self, envelope: Envelope) -> None:
        self.applied.add(envelope.id)

    def events(self, event_type: str | None = None) -> list[Envelope]:
        return [e for e in self.outbox if event_type is None or e.type == event_type]


SIGNATURE = "vnp_SecureHash"


class FakeProvider(PaymentProvider):
    """A provider whose notifications are plain dictionaries: signed when they carry
    ``vnp_SecureHash=ok``; its answers to status queries are set by the test."""

    name = "vnpay"

    def __init__(self) -> None:
        self.ready = True
        self.urls: list[tuple[str, str]] = []
        self.answers: dict[str, Outcome | Exception] = {}

    def ready_to_pay(self) -> None:
        if not self.ready:
            raise ProviderNotReady("not configured")

    def payment_url(self, payment: Payment, client_ip: str) -> str:
        self.urls.append((payment.txn_ref, client_ip))
        return f"https://pay.example/{payment.txn_ref}?ip={client_ip}"

    def parse_callback(self, params: dict[str, str]) -> Outcome:
        if params.get(SIGNATURE) != "ok":
            raise InvalidSignature()
        if "vnp_TxnRef" not in params or "vnp_ResponseCode" not in params:
            raise MalformedCallback()
        code = params["vnp_ResponseCode"]
        return Outcome(
            txn_ref=params["vnp_TxnRef"],
            amount_vnd=int(params["vnp_Amount"]) // 100 if "vnp_Amount" in params else None,
            state="succeeded" if code == "00" else "failed",
            response_code=code,
            reason="Giao dịch thành công" if code == "00" else "Khách hàng hủy giao dịch",
            bank_code=params.get("vnp_BankCode"),
            transaction_no=params.get("vnp_TransactionNo"),
        )

    def query(self, payment: Payment, client_ip: str) -> Outcome:
        answer = self.answers.get(payment.txn_ref)
        if isinstance(answer, Exception):
            raise answer
        if answer is None:
            return Outcome(payment.txn_ref, payment.amount_vnd, "pending", "01", "Chưa hoàn tất")
        return answer
