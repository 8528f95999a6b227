"""Fakes of delivery's ports: the store of shipments and dossier copies (with its outbox) and
the post office."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.delivery.domain.model import Shipment
from chalicelib.delivery.ports import StatusReport
from motcua_shared.errors import Conflict
from motcua_shared.events import Envelope


@dataclass
class FakeShipmentStore:
    """Keeps what the DynamoDB store keeps: a version per shipment (a new one that exists, or
    a stale copy, is a Conflict), its events in the outbox."""

    shipments: dict[str, Shipment] = field(default_factory=dict)
    dossiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    outbox: list[Envelope] = field(default_factory=list)
    writes: int = 0

    def get(self, shipment_id: str) -> Shipment | None:
        stored = self.shipments.get(shipment_id)
        return copy.deepcopy(stored) if stored is not None else None

    def by_item_code(self, item_code: str) -> Shipment | None:
        found = (s for s in self.shipments.values() if s.item_code == item_code)
        return copy.deepcopy(next(found, None))

    def for_dossier(self, dossier_id: str) -> list[Shipment]:
        return [copy.deepcopy(s) for s in self.shipments.values() if s.dossier_id == dossier_id]

    def save(self, shipment: Shipment, events: Iterable[Envelope] = ()) -> None:
        stored = self.shipments.get(shipment.id)
        if (stored.version if stored else None) != shipment.version:
            raise Conflict()
        shipment.version = (shipment.version or 0) + 1
        self.shipments[shipment.id] = copy.deepcopy(shipment)
        self.outbox.extend(events)
        self.writes += 1

    def dossier(self, dossier_id: str) -> dict[str, Any] | None:
        known = self.dossiers.get(dossier_id)
        return copy.deepcopy(known) if known is not None else None

    def save_dossier(self, dossier_id: str, doc: dict[str, Any]) -> None:
        self.dossiers[dossier_id] = copy.deepcopy(doc)

    def events(self) -> list[str]:
        return [e.type for e in self.outbox]


class FakePostOffice:
    """Books with waybill numbers EK000001VN, EK000002VN…, or fails as the test says;
    callbacks are already verified reports."""

    def __init__(self) -> None:
        self.booked: list[str] = []  # order numbers, in booking order
        self.failures: list[Exception] = []  # raised by the next bookings, first first

    def book(self, shipment: Shipment) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.booked.append(shipment.order_number)
        return f"EK{len(self.booked):06d}VN"

    def read_callback(self, body: Any) -> StatusReport:
        return StatusReport(
            item_code=body["ItemCode"],
            order_code=body.get("OrderCode", ""),
            status_id=int(body["OrderStatusId"]),
            note=body.get("DeliveryNote", ""),
            reported_at=body["LastUpdateTime"],
            reported=None,
        )
