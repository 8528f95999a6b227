"""Payment's table: fees owed (``FEE#<dossier>``), payment attempts (``PAYMENT#<txn_ref>``, with
the events announcing their settlement in the outbox attribute) and the inbox of applied events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pynamodb.attributes import JSONAttribute, ListAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.payment.domain.model import Fee, Payment, PaymentStatus
from chalicelib.payment.settings import get_settings
from motcua_shared.inbox import inbox_model
from motcua_shared.outbox import outbox_bodies
from motcua_shared.timeutil import parse_iso, to_iso
from motcua_shared.versioning import save_versioned

if TYPE_CHECKING:
    from motcua_shared.events import Envelope

_settings = get_settings()
PENDING = "PENDING"

PaymentInbox = inbox_model(_settings.payments_table, _settings.region)


class _Meta:
    table_name = _settings.payments_table
    region = _settings.region


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
    Meta = _Meta

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
    Meta = _Meta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    doc = JSONAttribute()


class PaymentRepository:
    def get(self, txn_ref: str) -> Payment | None:
        if not 1 <= len(txn_ref) <= 100:
            return None
        try:
            item = PaymentItem.get(f"PAYMENT#{txn_ref}", "PAYMENT")
        except DoesNotExist:
            return None
        return Payment.from_document(item.doc, item.version)

    def save(self, payment: Payment, events: Iterable[Envelope] = ()) -> None:
        """Write the payment with its events; another writer first → :class:`Conflict`."""
        doc = payment.to_document()
        item = PaymentItem(
            pk=f"PAYMENT#{payment.txn_ref}",
            sk="PAYMENT",
            dossier_id=payment.dossier_id,
            created_at=doc["created_at"],
            pending=PENDING if payment.status is PaymentStatus.PENDING else None,
            doc=doc,
            outbox=outbox_bodies(events),
        )
        payment.version = save_versioned(item, payment.version)

    def for_dossier(self, dossier_id: str) -> list[Payment]:
        return [
            Payment.from_document(i.doc, i.version)
            for i in PaymentItem.by_dossier.query(dossier_id, scan_index_forward=False)
        ]

    def pending_before(self, created_before: str) -> Iterator[Payment]:
        for item in PaymentItem.by_pending.query(PENDING, PaymentItem.created_at <= created_before):
            yield Payment.from_document(item.doc, item.version)

    def fee(self, dossier_id: str) -> Fee | None:
        try:
            doc = FeeItem.get(f"FEE#{dossier_id}", "FEE").doc
        except DoesNotExist:
            return None
        return Fee(**{**doc, "requested_at": parse_iso(doc["requested_at"])})

    def save_fee(self, fee: Fee) -> None:
        doc = {**fee.__dict__, "requested_at": to_iso(fee.requested_at)}
        FeeItem(pk=f"FEE#{fee.dossier_id}", sk="FEE", doc=doc).save()
