"""Payment's table: fees owed (``FEE#<dossier>``), payment attempts (``PAYMENT#<txn_ref>``, with
the events announcing their settlement in the outbox attribute) and the inbox of applied events.

A fee item holds the fee as intake requested it (``doc``, absent if payment heard of its closing
first), its closure (``closed``: written once, the first one stays) and the attempt a new click
reuses (``attempt``). Starting an attempt and settling one online are each one transaction with
the fee item, so that no attempt starts on a closed fee and no two online payments both settle it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import JSONAttribute, ListAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.payment.domain.closure import ClosedBy, FeeClosure
from chalicelib.payment.domain.model import Fee, Payment, PaymentStatus
from chalicelib.payment.ports import AttemptRaced
from motcua_shared.errors import Conflict
from motcua_shared.inbox import apply_once, inbox_model
from motcua_shared.outbox import outbox_bodies
from motcua_shared.tables import Unbound, bind, table_meta
from motcua_shared.timeutil import parse_iso, to_iso
from motcua_shared.versioning import save_versioned

if TYPE_CHECKING:
    from motcua_shared.events import Envelope

__all__ = ["AttemptRaced", "PaymentRepository"]

# The sparse index ``by_pending``: what a payment still waits for.
PENDING = "PENDING"  # the provider's word (reconciliation asks for it)
REFUND_DUE = "REFUND_DUE"  # a refund (the desk, the leaders and the operator list them)
WAITING = {PaymentStatus.PENDING: PENDING, PaymentStatus.REFUND_DUE: REFUND_DUE}
REFUNDS_LISTED = 200


class DossierIndex(GlobalSecondaryIndex["PaymentItem"]):
    class Meta:
        index_name = "by_dossier"
        projection = AllProjection()

    dossier_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class PendingIndex(GlobalSecondaryIndex["PaymentItem"]):
    class Meta:
        index_name = "by_pending"
        projection = AllProjection()

    pending = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class PaymentItem(Model):
    Meta = table_meta(Unbound)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    dossier_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    pending = UnicodeAttribute(null=True)
    doc = JSONAttribute()
    outbox = ListAttribute(of=UnicodeAttribute, default=list)
    version = VersionAttribute()

    by_dossier = DossierIndex()
    by_pending = PendingIndex()


class FeeItem(Model):
    Meta = table_meta(Unbound)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    doc = JSONAttribute(null=True)
    closed = JSONAttribute(null=True)
    attempt = UnicodeAttribute(null=True)


# Why DynamoDB cancels a transaction because of one item: its condition failed, or another
# transaction was writing it at the same moment (TransactionConflict, which DynamoDB reports
# instead of waiting: two clicks at once on AWS).
_RACES = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


def _cancelled_at(exc: TransactWriteError, index: int) -> bool:
    """Whether the transaction's item ``index`` lost a race (its condition, or a conflict)."""
    reasons = exc.cancellation_reasons or []
    reason = reasons[index] if index < len(reasons) else None
    return reason is not None and reason.code in _RACES


def _fee_of(doc: dict[str, Any], item: FeeItem) -> Fee:
    fields = {k: v for k, v in doc.items() if k in Fee.__dataclass_fields__}
    fee = Fee(**{**fields, "requested_at": parse_iso(doc["requested_at"])})
    fee.attempt = item.attempt
    if item.closed:
        fee.closure = FeeClosure.from_document(item.closed)
    elif doc.get("settled_by"):  # written before closures had their own attribute
        method, _, reference = str(doc["settled_by"]).partition(" ")
        by = ClosedBy.ONLINE if method == ClosedBy.ONLINE else ClosedBy.COUNTER
        fee.closure = FeeClosure(by, fee.requested_at, reference or None)
    return fee


class PaymentRepository:
    """The payment store (:class:`chalicelib.payment.ports.PaymentStore`) on one table."""

    def __init__(self, table_name: str, region: str, inbox_retention_s: int) -> None:
        self._payments = bind(PaymentItem, table_name, region)
        self._fees = bind(FeeItem, table_name, region)
        self._inbox = inbox_model(table_name, region)
        self._inbox_retention_s = inbox_retention_s
        self._connection = Connection(region=region)

    def _fee_key(self, dossier_id: str) -> FeeItem:
        return self._fees(pk=f"FEE#{dossier_id}", sk="FEE")

    def _payment_item(self, payment: Payment, events: Iterable[Envelope]) -> PaymentItem:
        doc = payment.to_document()
        item = self._payments(
            pk=f"PAYMENT#{payment.txn_ref}",
            sk="PAYMENT",
            dossier_id=payment.dossier_id,
            created_at=doc["created_at"],
            pending=WAITING.get(payment.status),
            doc=doc,
            outbox=outbox_bodies(events),
        )
        if payment.version is not None:
            item.version = payment.version
        return item

    def get(self, txn_ref: str) -> Payment | None:
        if not 1 <= len(txn_ref) <= 100:
            return None
        try:
            item = self._payments.get(f"PAYMENT#{txn_ref}", "PAYMENT", consistent_read=True)
        except DoesNotExist:
            return None
        return Payment.from_document(item.doc, item.version)

    def save(self, payment: Payment, events: Iterable[Envelope] = ()) -> None:
        """Write the payment with its events; another writer first → :class:`Conflict`."""
        payment.version = save_versioned(self._payment_item(payment, events), payment.version)

    def start(self, payment: Payment, previous: str | None) -> None:
        """Store a new attempt and make it the fee's current one, if the fee is still open and
        its current attempt is still ``previous``; else :class:`AttemptRaced`."""
        item = self._payment_item(payment, ())
        fee = self._fee_key(payment.dossier_id)
        same_attempt = (
            FeeItem.attempt.does_not_exist() if previous is None else FeeItem.attempt == previous
        )
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(item, condition=PaymentItem.pk.does_not_exist())
                transaction.update(
                    fee,
                    actions=[FeeItem.attempt.set(payment.txn_ref)],
                    condition=FeeItem.doc.exists() & FeeItem.closed.does_not_exist() & same_attempt,
                )
        except TransactWriteError as exc:
            if _cancelled_at(exc, 1):
                raise AttemptRaced() from exc
            raise
        payment.version = int(item.version)

    def settle_online(
        self, payment: Payment, events: Iterable[Envelope], closure: FeeClosure
    ) -> FeeClosure | None:
        """Write a payment that succeeded together with the fee's closure, in one transaction.

        None if done; the fee's closure if it was already closed (nothing written: the money
        is owed back); :class:`Conflict` if another writer came first (the caller reads again
        or asks to be called again)."""
        item = self._payment_item(payment, events)
        fee = self._fee_key(payment.dossier_id)
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(item)  # the version condition: still the one read
                transaction.update(
                    fee,
                    actions=[FeeItem.closed.set(closure.to_document())],
                    condition=FeeItem.closed.does_not_exist(),
                )
        except TransactWriteError as exc:
            if _cancelled_at(exc, 0):
                raise Conflict() from exc
            if not _cancelled_at(exc, 1):
                raise
            closed = self.closure(payment.dossier_id)
            if closed is None:  # a conflict on the fee, not a closure: let it come again
                raise Conflict() from exc
            return closed
        payment.version = int(item.version)
        return None

    def for_dossier(self, dossier_id: str) -> list[Payment]:
        return [
            Payment.from_document(i.doc, i.version)
            for i in self._payments.by_dossier.query(dossier_id, scan_index_forward=False)
        ]

    def pending_before(self, created_before: str) -> Iterator[Payment]:
        created = PaymentItem.created_at <= created_before
        for item in self._payments.by_pending.query(PENDING, created):
            yield Payment.from_document(item.doc, item.version)

    def refunds_due(self, limit: int = REFUNDS_LISTED) -> list[Payment]:
        """Money owed back, newest attempts first."""
        items = self._payments.by_pending.query(REFUND_DUE, scan_index_forward=False, limit=limit)
        return [Payment.from_document(i.doc, i.version) for i in items]

    def fee(self, dossier_id: str) -> Fee | None:
        """The fee intake requested (None if it did not, or payment has not heard yet)."""
        try:
            item = self._fees.get(f"FEE#{dossier_id}", "FEE", consistent_read=True)
        except DoesNotExist:
            return None
        return _fee_of(item.doc, item) if item.doc else None

    def closure(self, dossier_id: str) -> FeeClosure | None:
        try:
            item = self._fees.get(f"FEE#{dossier_id}", "FEE", consistent_read=True)
        except DoesNotExist:
            return None
        fee = _fee_of(item.doc, item) if item.doc else None
        if fee is not None:
            return fee.closure
        return FeeClosure.from_document(item.closed) if item.closed else None

    def record_fee(self, fee: Fee, envelope: Envelope) -> bool:
        """Store the requested fee and the event's inbox mark in one transaction (both or
        neither); False if the event was already applied. A closure heard before stays."""
        doc = {
            "dossier_id": fee.dossier_id,
            "dossier_code": fee.dossier_code,
            "procedure_name": fee.procedure_name,
            "owner_sub": fee.owner_sub,
            "amount_vnd": fee.amount_vnd,
            "requested_at": to_iso(fee.requested_at),
        }
        return apply_once(
            self._inbox.of(envelope, self._inbox_retention_s),
            lambda t: t.update(self._fee_key(fee.dossier_id), actions=[FeeItem.doc.set(doc)]),
            self._connection,
        )

    def close(self, dossier_id: str, closure: FeeClosure) -> FeeClosure:
        """Close the fee unless it is closed already (idempotent); the closure that stands."""
        standing = self.closure(dossier_id)
        if standing is not None:
            return standing
        item = self._fee_key(dossier_id)
        item.update(actions=[FeeItem.closed.set(FeeItem.closed | closure.to_document())])
        return FeeClosure.from_document(item.closed) if item.closed else closure

    def mark_applied(self, envelope: Envelope) -> None:
        self._inbox.of(envelope, self._inbox_retention_s).record()
