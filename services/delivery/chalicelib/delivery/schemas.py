"""Request bodies of the delivery API, validated at the edge (named by the routes in app.py and
imported when a request first needs them)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from chalicelib.delivery.domain.model import Purpose, ShipmentStatus

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class PickupIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    dossier_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    address: Text
    preferred_date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class CallbackIn(BaseModel):
    """The post office's status callback; Data is a JSON string, signed as it is."""

    model_config = ConfigDict(defer_build=True)
    Data: Annotated[str, StringConstraints(min_length=2, max_length=10_000)]
    SendDate: Annotated[str, StringConstraints(max_length=40)] = ""
    SignData: Annotated[str, StringConstraints(min_length=1, max_length=256)]


# -- Responses (documentation of the JSON answers; the handlers build them) -------------------


class _Out(BaseModel):
    # the answers have at least these keys
    model_config = ConfigDict(extra="allow", defer_build=True)


class PartyOut(_Out):
    name: str
    address: str


class StatusChangeOut(_Out):
    status: str
    status_id: int | None  # the post office's OrderStatusId, when it reported the change
    note: str
    at: str


class ShipmentOut(_Out):
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


class ShipmentListOut(_Out):
    items: list[ShipmentOut]


class CallbackAnswerOut(_Out):
    """What the post office expects back from a callback."""

    Success: bool
    Changed: bool
