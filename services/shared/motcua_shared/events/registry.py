"""(event type, version) → schema of its ``data``. Adding a type here is changing the contract.

The schemas are imported module by module, not through the ``motcua_shared.events`` package,
whose ``__init__`` imports this module.
"""

from __future__ import annotations

from pydantic import BaseModel

import motcua_shared.events.dossier as dossier
import motcua_shared.events.payment as payment
import motcua_shared.events.shipment as shipment


class UnknownEventType(ValueError):
    """No schema is registered for this event type and version."""


EVENT_SCHEMAS: dict[tuple[str, int], type[BaseModel]] = {
    ("dossier.created", 1): dossier.DossierCreated,
    ("dossier.submitted", 1): dossier.DossierSubmitted,
    ("dossier.accepted", 1): dossier.DossierAccepted,
    ("dossier.processing_started", 1): dossier.DossierProcessingStarted,
    ("dossier.result_ready", 1): dossier.DossierResultReady,
    ("dossier.returned", 1): dossier.DossierReturned,
    ("dossier.supplement_requested", 1): dossier.DossierSupplementRequested,
    ("dossier.resubmitted", 1): dossier.DossierResubmitted,
    ("dossier.refused", 1): dossier.DossierRefused,
    ("dossier.withdrawn", 1): dossier.DossierWithdrawn,
    ("dossier.stopped", 1): dossier.DossierStopped,
    ("dossier.extended", 1): dossier.DossierExtended,
    ("dossier.rated", 1): dossier.DossierRated,
    ("dossier.due_soon", 1): dossier.DossierDeadline,
    ("dossier.overdue", 1): dossier.DossierDeadline,
    ("dossier.national_sync", 1): dossier.DossierNationalSync,
    ("dossier.fee_requested", 1): dossier.DossierFeeRequested,
    ("dossier.payment_confirmed", 1): dossier.DossierPaymentConfirmed,
    ("payment.succeeded", 1): payment.PaymentSucceeded,
    ("payment.failed", 1): payment.PaymentFailed,
    ("payment.expired", 1): payment.PaymentExpired,
    ("payment.refund_due", 1): payment.PaymentRefundDue,
    ("shipment.booked", 1): shipment.ShipmentEvent,
    ("shipment.booking_failed", 1): shipment.ShipmentEvent,
    ("shipment.delivered", 1): shipment.ShipmentEvent,
    ("shipment.failed", 1): shipment.ShipmentEvent,
    ("shipment.returned", 1): shipment.ShipmentEvent,
}


def schema_for(event_type: str, version: int) -> type[BaseModel]:
    """The schema of the ``data`` of events of this type and version."""
    try:
        return EVENT_SCHEMAS[(event_type, version)]
    except KeyError:
        raise UnknownEventType(f"{event_type} v{version}") from None
