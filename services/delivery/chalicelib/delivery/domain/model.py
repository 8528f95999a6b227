"""Shipments with the public postal service, and how its status callbacks move them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from motcua_shared.timeutil import parse_iso, to_iso


class ShipmentStatus(StrEnum):
    BOOKING = "booking"
    BOOKED = "booked"
    BOOKING_FAILED = "booking_failed"
    ACCEPTED_BY_POST = "accepted_by_post"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    FAILED = "failed"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class Purpose(StrEnum):
    RESULT = "result"  # the result, from the desk to the applicant
    PICKUP = "pickup"  # the paper originals, from the applicant to the desk


# OrderStatusId of the post office's callbacks → our status (80: the sandbox's "đang phát").
POSTAL_STATUSES: dict[int, ShipmentStatus] = {
    10: ShipmentStatus.CANCELLED,
    20: ShipmentStatus.BOOKED,
    60: ShipmentStatus.CANCELLED,
    70: ShipmentStatus.ACCEPTED_BY_POST,
    80: ShipmentStatus.DELIVERING,
    91: ShipmentStatus.FAILED,
    100: ShipmentStatus.DELIVERED,
    161: ShipmentStatus.FAILED,
    170: ShipmentStatus.RETURNED,
}

# How far along a status is: a callback never moves a shipment backwards.
RANK: dict[ShipmentStatus, int] = {
    ShipmentStatus.BOOKING: 0,
    ShipmentStatus.BOOKING_FAILED: 1,
    ShipmentStatus.BOOKED: 1,
    ShipmentStatus.ACCEPTED_BY_POST: 2,
    ShipmentStatus.DELIVERING: 3,
    ShipmentStatus.FAILED: 4,
    ShipmentStatus.DELIVERED: 5,
    ShipmentStatus.RETURNED: 5,
    ShipmentStatus.CANCELLED: 5,
}

REBOOKABLE = frozenset(
    {ShipmentStatus.FAILED, ShipmentStatus.RETURNED, ShipmentStatus.BOOKING_FAILED}
)
# Statuses announced as events (the others are only recorded).
ANNOUNCED = {
    ShipmentStatus.BOOKED: "shipment.booked",
    ShipmentStatus.BOOKING_FAILED: "shipment.booking_failed",
    ShipmentStatus.DELIVERED: "shipment.delivered",
    ShipmentStatus.FAILED: "shipment.failed",
    ShipmentStatus.RETURNED: "shipment.returned",
}


@dataclass
class StatusChange:
    status: str
    status_id: int | None
    note: str
    at: datetime
    reported_at: str | None = None  # the post office's LastUpdateTime, as sent


@dataclass
class Party:
    name: str
    phone: str
    address: str
    email: str | None = None


@dataclass
class Shipment:
    id: str
    dossier_id: str
    dossier_code: str | None
    purpose: Purpose
    owner_sub: str
    sender: Party
    receiver: Party
    status: ShipmentStatus
    created_at: datetime
    updated_at: datetime
    attempt: int = 1
    item_code: str | None = None
    preferred_date: str | None = None
    last_error: str | None = None
    history: list[StatusChange] = field(default_factory=list)
    version: int | None = None

    @property
    def order_number(self) -> str:
        """The post office's OrderNumber: one per (dossier, purpose, attempt), so a repeated booking
        of the same attempt is recognised and a rebooking is a new order."""
        return f"{self.dossier_code or self.dossier_id}-{self.purpose}-{self.attempt}"

    def move(self, status: ShipmentStatus, note: str, at: datetime) -> None:
        self.history.append(StatusChange(str(status), None, note, at))
        self.status = status
        self.updated_at = at

    def apply_callback(self, status_id: int, note: str, reported_at: str, at: datetime) -> bool:
        """Record a post office status; True if the shipment moved. A status already recorded
        changes nothing; an older one is recorded but never moves the shipment backwards."""
        if any(h.status_id == status_id and h.reported_at == reported_at for h in self.history):
            return False
        status = POSTAL_STATUSES.get(status_id)
        label = str(status) if status else f"postal_{status_id}"
        self.history.append(StatusChange(label, status_id, note, at, reported_at))
        self.updated_at = at
        if status is None or RANK[status] <= RANK[self.status]:
            return False
        self.status = status
        return True

    def to_document(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("version")
        return {key: _encode(value) for key, value in doc.items()}

    @classmethod
    def from_document(cls, doc: dict[str, Any], version: int | None) -> Shipment:
        d = dict(doc)
        d["purpose"] = Purpose(d["purpose"])
        d["status"] = ShipmentStatus(d["status"])
        d["sender"] = Party(**d["sender"])
        d["receiver"] = Party(**d["receiver"])
        d["created_at"] = parse_iso(d["created_at"])
        d["updated_at"] = parse_iso(d["updated_at"])
        d["history"] = [StatusChange(**{**h, "at": parse_iso(h["at"])}) for h in d["history"]]
        return cls(**d, version=version)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_iso(value)
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value
