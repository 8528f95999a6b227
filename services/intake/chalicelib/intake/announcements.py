"""The events intake announces, built from the dossier after each step (the contract lives in
motcua_shared.events.dossier)."""

from __future__ import annotations

from typing import Any

from chalicelib.intake.domain.model import Action, Dossier
from motcua_shared.events import Envelope, new_event
from motcua_shared.events import dossier as schema

SOURCE = "intake"

EVENT_TYPES: dict[Action, str] = {
    Action.CREATE: "dossier.created",
    Action.SUBMIT: "dossier.submitted",
    Action.ACCEPT: "dossier.accepted",
    Action.ASSIGN: "dossier.processing_started",
    Action.APPROVE: "dossier.result_ready",
    Action.RETURN: "dossier.returned",
}


def announce(dossier: Dossier, action: Action) -> Envelope:
    step = dossier.history[-1]
    common: dict[str, Any] = {
        "dossier_id": dossier.id,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "status": str(dossier.status),
        "national_status": dossier.national_status,
        "actor": step.actor,
        "code": dossier.code,
        "applicant": schema.Contact(
            full_name=dossier.applicant.full_name,
            phone=dossier.applicant.phone,
            email=dossier.applicant.email,
        ),
    }
    data: schema.DossierEvent
    match action:
        case Action.CREATE:
            data = schema.DossierCreated(**common)
        case Action.SUBMIT:
            data = schema.DossierSubmitted(
                **common, channel=dossier.channel, submitted_at=dossier.submitted_at
            )
        case Action.ACCEPT:
            data = schema.DossierAccepted(
                **common, accepted_at=dossier.accepted_at, due_at=dossier.due_at
            )
        case Action.ASSIGN:
            data = schema.DossierProcessingStarted(
                **common, unit=dossier.unit, officer=dossier.officer
            )
        case Action.APPROVE:
            data = schema.DossierResultReady(
                **common,
                result_summary=dossier.result_summary,
                delivery_method=str(dossier.delivery_method),
                delivery_address=dossier.delivery_address,
            )
        case Action.RETURN:
            data = schema.DossierReturned(**common, returned_at=dossier.returned_at)
    return new_event(
        EVENT_TYPES[action], source=SOURCE, dossier_id=dossier.id, data=data, occurred_at=step.at
    )
