"""Delivery's table: shipments (``SHIPMENT#<dossier>.<purpose>``, with the events announcing their
changes in the outbox attribute), what delivery knows of each dossier (``DOSSIER#<id>``, from
intake's events) and the inbox of applied events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import JSONAttribute, ListAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.delivery.domain.model import Shipment
from motcua_shared.outbox import outbox_bodies
from motcua_shared.tables import Unbound, bind, table_meta
from motcua_shared.versioning import save_versioned

if TYPE_CHECKING:
    from motcua_shared.events import Envelope


class DossierIndex(GlobalSecondaryIndex["ShipmentItem"]):
    class Meta:
        index_name = "by_dossier"
        projection = AllProjection()

    dossier_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ItemCodeIndex(GlobalSecondaryIndex["ShipmentItem"]):
    class Meta:
        index_name = "by_item_code"
        projection = AllProjection()

    item_code = UnicodeAttribute(hash_key=True)


class ShipmentItem(Model):
    Meta = table_meta(Unbound)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    dossier_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    item_code = UnicodeAttribute(null=True)
    doc = JSONAttribute()
    outbox = ListAttribute(of=UnicodeAttribute, default=list)
    version = VersionAttribute()

    by_dossier = DossierIndex()
    by_item_code = ItemCodeIndex()


class DossierCopy(Model):
    Meta = table_meta(Unbound)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    doc = JSONAttribute()


class ShipmentRepository:
    """The shipment store (:class:`chalicelib.delivery.ports.ShipmentStore`) on one table."""

    def __init__(self, table_name: str, region: str) -> None:
        self._shipments = bind(ShipmentItem, table_name, region)
        self._dossiers = bind(DossierCopy, table_name, region)

    def get(self, shipment_id: str) -> Shipment | None:
        if not 1 <= len(shipment_id) <= 200:
            return None
        try:
            item = self._shipments.get(f"SHIPMENT#{shipment_id}", "SHIPMENT")
        except DoesNotExist:
            return None
        return Shipment.from_document(item.doc, item.version)

    def by_item_code(self, item_code: str) -> Shipment | None:
        if not 1 <= len(item_code) <= 100:
            return None
        for item in self._shipments.by_item_code.query(item_code, limit=1):
            return Shipment.from_document(item.doc, item.version)
        return None

    def for_dossier(self, dossier_id: str) -> list[Shipment]:
        return [
            Shipment.from_document(i.doc, i.version)
            for i in self._shipments.by_dossier.query(dossier_id)
        ]

    def save(self, shipment: Shipment, events: Iterable[Envelope] = ()) -> None:
        """Write the shipment with its events; a new shipment that exists, or a stale copy →
        :class:`Conflict`."""
        doc = shipment.to_document()
        item = self._shipments(
            pk=f"SHIPMENT#{shipment.id}",
            sk="SHIPMENT",
            dossier_id=shipment.dossier_id,
            created_at=doc["created_at"],
            item_code=shipment.item_code,
            doc=doc,
            outbox=outbox_bodies(events),
        )
        shipment.version = save_versioned(item, shipment.version)

    def dossier(self, dossier_id: str) -> dict[str, Any] | None:
        try:
            return dict(self._dossiers.get(f"DOSSIER#{dossier_id}", "DOSSIER").doc)
        except DoesNotExist:
            return None

    def save_dossier(self, dossier_id: str, doc: dict[str, Any]) -> None:
        self._dossiers(pk=f"DOSSIER#{dossier_id}", sk="DOSSIER", doc=doc).save()
