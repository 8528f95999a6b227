"""Events the delivery service announces about shipments with the post office."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class ShipmentEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    shipment_id: str
    dossier_id: str
    dossier_code: str | None
    purpose: str  # "result" (the result to the applicant) / "pickup" (originals to the desk)
    status: str
    item_code: str | None
    note: str
    at: datetime
    receiver_name: str
    receiver_phone: str | None = None
    receiver_email: str | None = None
