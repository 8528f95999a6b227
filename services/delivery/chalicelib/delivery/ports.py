"""What delivery's use cases need of the world: its store of shipments and of what it knows of
each dossier, the post office and a clock.

The DynamoDB store is :class:`chalicelib.delivery.storage.ShipmentRepository`, the post office
:class:`chalicelib.delivery.postoffice.PostOffice`; in-memory fakes of each drive the use cases
in tests/unit/fakes/delivery.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.delivery.domain.model import Shipment

if TYPE_CHECKING:
    from motcua_shared.events import Envelope

Clock = Callable[[], datetime]


class TransientBookingError(Exception):
    """Timeout, connection error or 5xx: try again later."""


class PermanentBookingError(Exception):
    """The post office refused the booking (4xx): retrying will not help."""


@dataclass(frozen=True)
class StatusReport:
    """A verified status callback of the post office."""

    item_code: str
    order_code: str
    status_id: int
    note: str
    reported_at: str  # LastUpdateTime, dd/MM/yyyy HH:mm:ss
    reported: datetime | None


class ShipmentStore(Protocol):
    """Shipments (with the events announcing their changes: the outbox) and what delivery knows
    of each dossier, from intake's events."""

    def get(self, shipment_id: str) -> Shipment | None: ...

    def by_item_code(self, item_code: str) -> Shipment | None:
        """The shipment of a waybill number (the post office's ItemCode)."""

    def for_dossier(self, dossier_id: str) -> list[Shipment]: ...

    def save(self, shipment: Shipment, events: Iterable[Envelope] = ()) -> None:
        """Write the shipment with its events; a new shipment that exists, or a stale copy →
        ``Conflict``."""

    def dossier(self, dossier_id: str) -> dict[str, Any] | None:
        """What delivery knows of a dossier: owner_sub, code, applicant, agency_code."""

    def save_dossier(self, dossier_id: str, doc: dict[str, Any]) -> None: ...


class Courier(Protocol):
    """The post office: books shipments and signs its status callbacks."""

    def book(self, shipment: Shipment) -> str:
        """The waybill number; :class:`TransientBookingError` or :class:`PermanentBookingError`."""

    def read_callback(self, body: Any) -> StatusReport:
        """Verify and read a status callback."""
