"""The events intake announces, built from the dossier after each step (the contract lives in
motcua_shared.events.dossier).

The contract's models (pydantic) are imported by the functions that build an event, not with
this module: a cold start that announces nothing does not load them (bench/coldstart.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.intake.domain.model import NATIONAL_STATUS, Action, Dossier, HistoryEntry, Status
from motcua_shared.errors import IncompleteRecord

if TYPE_CHECKING:
    from motcua_shared.events import Envelope
    from motcua_shared.events import dossier as schema

SOURCE = "intake"

T = TypeVar("T")

EVENT_TYPES: dict[Action, str] = {
    Action.CREATE: "dossier.created",
    Action.SUBMIT: "dossier.submitted",
    Action.ACCEPT: "dossier.accepted",
    Action.ASSIGN: "dossier.processing_started",
    Action.APPROVE: "dossier.result_ready",
    Action.RETURN: "dossier.returned",
    Action.RECEIVE_ONLINE: "dossier.returned",
    Action.REQUEST_SUPPLEMENT: "dossier.supplement_requested",
    Action.RESUBMIT: "dossier.resubmitted",
    Action.REFUSE: "dossier.refused",
    Action.WITHDRAW: "dossier.withdrawn",
    Action.STOP: "dossier.stopped",
    Action.EXTEND: "dossier.extended",
    Action.RATE: "dossier.rated",
    Action.REQUEST_FEE: "dossier.fee_requested",
    Action.CONFIRM_PAYMENT: "dossier.payment_confirmed",
}


def _common(dossier: Dossier, actor: str, status: Status) -> dict[str, Any]:
    """What every dossier event carries; ``status``: the one the announced step produced."""
    from motcua_shared.events import dossier as schema

    return {
        "dossier_id": dossier.id,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "status": str(status),
        "national_status": NATIONAL_STATUS[status],
        "actor": actor,
        "code": dossier.code,
        "owner_sub": dossier.owner_sub,
        "agency_code": dossier.agency_code,
        "applicant": schema.Contact(
            full_name=dossier.applicant.full_name,
            phone=dossier.applicant.phone,
            email=dossier.applicant.email,
        ),
    }


def _given(value: T | None, name: str) -> T:
    """What the announced step has set on the dossier (a submitted dossier has its submission
    time, an assigned one its unit and officer …); missing, the record is broken."""
    if value is None:
        raise IncompleteRecord(name)
    return value


def _data(dossier: Dossier, action: Action, common: dict[str, Any]) -> schema.DossierEvent:
    from motcua_shared.events import dossier as schema

    d = dossier
    match action:
        case Action.CREATE:
            return schema.DossierCreated(**common)
        case Action.SUBMIT:
            return schema.DossierSubmitted(
                **common, channel=d.channel, submitted_at=_given(d.submitted_at, "d.submitted_at")
            )
        case Action.ACCEPT:
            return schema.DossierAccepted(
                **common,
                accepted_at=_given(d.accepted_at, "d.accepted_at"),
                due_at=_given(d.due_at, "d.due_at"),
            )
        case Action.ASSIGN:
            return schema.DossierProcessingStarted(
                **common, unit=_given(d.unit, "d.unit"), officer=_given(d.officer, "d.officer")
            )
        case Action.APPROVE:
            return schema.DossierResultReady(
                **common,
                result_summary=_given(d.result_summary, "d.result_summary"),
                delivery_method=str(d.delivery_method),
                delivery_address=d.delivery_address,
            )
        case Action.RETURN | Action.RECEIVE_ONLINE:
            return schema.DossierReturned(
                **common, returned_at=_given(d.returned_at, "d.returned_at")
            )
        case Action.REQUEST_SUPPLEMENT:
            request = d.supplement_requests[-1]
            return schema.DossierSupplementRequested(
                **common,
                reason=request.reason,
                items=[
                    schema.SupplementItem(
                        document_code=i.document_code, document_name=i.document_name, note=i.note
                    )
                    for i in request.items
                ],
                requested_count=len(d.supplement_requests),
            )
        case Action.RESUBMIT:
            return schema.DossierResubmitted(**common, due_at=d.due_at)
        case Action.REFUSE:
            return schema.DossierRefused(
                **common, reason=_given(d.refusal_reason, "d.refusal_reason")
            )
        case Action.WITHDRAW:
            return schema.DossierWithdrawn(**common, reason=d.history[-1].note)
        case Action.STOP:
            return schema.DossierStopped(**common, reason=_given(d.stop_reason, "d.stop_reason"))
        case Action.EXTEND:
            extension = d.extensions[-1]
            return schema.DossierExtended(
                **common,
                reason=extension.reason,
                previous_due_at=extension.previous_due_at,
                new_due_at=extension.new_due_at,
            )
        case Action.REQUEST_FEE:
            return schema.DossierFeeRequested(**common, amount_vnd=d.fee_vnd)
        case Action.CONFIRM_PAYMENT:
            if d.payment is None:
                raise IncompleteRecord("d.payment")
            return schema.DossierPaymentConfirmed(
                **common,
                method=d.payment.method,
                reference=d.payment.reference,
                amount_vnd=d.payment.amount_vnd,
            )
        case Action.RATE:
            if d.rating is None:
                raise IncompleteRecord("d.rating")
            return schema.DossierRated(**common, score=d.rating.score)
    raise ValueError(f"no event for {action}")


def announce(dossier: Dossier, step: HistoryEntry) -> Envelope | None:
    """The event announcing one step of the dossier's history (None: the step is another
    service's news, already announced by it). The event's status is the one this step produced:
    a write of several steps (accepting a dossier whose procedure has a fee also requests the
    fee) announces each with its own, not the status after the whole write."""
    from motcua_shared.events import new_event

    action = Action(step.action)
    if action not in EVENT_TYPES:
        return None
    data = _data(dossier, action, _common(dossier, step.actor, Status(step.to_status)))
    return new_event(
        EVENT_TYPES[action], source=SOURCE, dossier_id=dossier.id, data=data, occurred_at=step.at
    )


def deadline_alert(dossier: Dossier, kind: str, at: Any) -> Envelope:
    """``dossier.due_soon`` / ``dossier.overdue`` for the dossier's current step."""
    from motcua_shared.events import dossier as schema
    from motcua_shared.events import new_event

    if dossier.step is None:
        raise IncompleteRecord("dossier.step")
    if dossier.step_due_at is None:
        raise IncompleteRecord("dossier.step_due_at")
    data = schema.DossierDeadline(
        **_common(dossier, "system", dossier.status),
        step=dossier.step,
        step_due_at=dossier.step_due_at,
        due_at=dossier.due_at,
        unit=dossier.unit,
        officer=dossier.officer,
    )
    return new_event(
        f"dossier.{kind}", source=SOURCE, dossier_id=dossier.id, data=data, occurred_at=at
    )


def national_sync(dossier: Dossier, record: schema.NationalRecord, at: Any) -> Envelope:
    from motcua_shared.events import dossier as schema
    from motcua_shared.events import new_event

    data = schema.DossierNationalSync(dossier_id=dossier.id, record=record)
    return new_event(
        "dossier.national_sync", source=SOURCE, dossier_id=dossier.id, data=data, occurred_at=at
    )
