"""The JSON answers of the delivery API, each defined once: the handlers build them from the
domain, and the same classes document them in OpenAPI (motcua_shared.openapi reads them).

Plain dataclasses, so that serving a GET loads no pydantic (tests/unit/test_cold_start.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.delivery.domain.model import (
    Party,
    Purpose,
    Shipment,
    ShipmentStatus,
    StatusChange,
)
from motcua_shared.timeutil import to_iso


@dataclass(frozen=True)
class PartyOut:
    """Who sends or receives a shipment (the phone and e-mail are not shown)."""

    name: str
    address: str

    @classmethod
    def of(cls, party: Party) -> PartyOut:
        return cls(name=party.name, address=party.address)


@dataclass(frozen=True)
class StatusChangeOut:
    """One change of a shipment; ``status_id``: the post office's OrderStatusId, when it
    reported the change."""

    status: str
    status_id: int | None
    note: str
    at: str

    @classmethod
    def of(cls, change: StatusChange) -> StatusChangeOut:
        return cls(
            status=change.status, status_id=change.status_id, note=change.note, at=to_iso(change.at)
        )


@dataclass(frozen=True)
class ShipmentOut:
    """A shipment (the result to the applicant, or the originals to the desk) and its changes."""

    id: str
    dossier_id: str
    dossier_code: str | None
    purpose: Purpose
    status: ShipmentStatus
    item_code: str | None
    attempt: int
    receiver: PartyOut
    sender: PartyOut
    preferred_date: str | None
    last_error: str | None
    created_at: str
    updated_at: str
    history: list[StatusChangeOut]

    @classmethod
    def of(cls, s: Shipment) -> ShipmentOut:
        return cls(
            id=s.id,
            dossier_id=s.dossier_id,
            dossier_code=s.dossier_code,
            purpose=s.purpose,
            status=s.status,
            item_code=s.item_code,
            attempt=s.attempt,
            receiver=PartyOut.of(s.receiver),
            sender=PartyOut.of(s.sender),
            preferred_date=s.preferred_date,
            last_error=s.last_error,
            created_at=to_iso(s.created_at),
            updated_at=to_iso(s.updated_at),
            history=[StatusChangeOut.of(h) for h in s.history],
        )


@dataclass(frozen=True)
class ShipmentListOut:
    items: list[ShipmentOut]


@dataclass(frozen=True)
class CallbackAnswerOut:
    """What the post office expects back from a callback; ``Changed`` is false for a repeat."""

    Success: bool
    Changed: bool
