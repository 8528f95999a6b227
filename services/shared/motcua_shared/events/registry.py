"""(event type, version) → schema of its ``data``. Adding a type here is changing the contract."""

from __future__ import annotations

from pydantic import BaseModel

from motcua_shared.events import dossier, payment, shipment

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
