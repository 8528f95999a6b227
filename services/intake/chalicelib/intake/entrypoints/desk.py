"""The one-stop desk: its queue, accepting, refusing, supplements, counter fees, returning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.intake.answers.dossier import DossierListOut, DossierOut
from chalicelib.intake.domain.lifecycle import roles_for
from chalicelib.intake.domain.model import Action, Role
from chalicelib.intake.entrypoints.common import actor, page_limit
from motcua_shared.api import ApiRequest, Routes
from motcua_shared.roles import RECEPTION

if TYPE_CHECKING:
    from chalicelib.intake.schemas import (
        CounterPayment,
        NoBody,
        Reason,
        SupplementRequestIn,
    )
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/desk/queue",
    roles=RECEPTION,
    query=("limit", "cursor"),
    summary="Submitted dossiers waiting at the desk, oldest first",
    response=DossierListOut,
)
def desk_queue(request: ApiRequest[Any], service: IntakeService) -> DossierListOut:
    items, cursor = service.desk_queue(
        page_limit(request.query.get("limit")), request.query.get("cursor")
    )
    return DossierListOut.of(items, actor(request.user), cursor)


@routes.route(
    "/dossiers/{id}/accept",
    methods=["POST"],
    summary="Accept: issue the code and the appointment date",
    roles=roles_for(Action.ACCEPT),
    body="NoBody",
    response=DossierOut,
)
def accept_dossier(request: ApiRequest[NoBody], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(service.accept(request.path["id"], caller), caller)


@routes.route(
    "/dossiers/{id}/record-payment",
    methods=["POST"],
    body="CounterPayment",
    summary="Record a fee paid at the counter (level 3)",
    roles=(Role.DESK_OFFICER,),
    response=DossierOut,
)
def record_payment(request: ApiRequest[CounterPayment], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    body = request.body
    dossier = service.record_payment(
        request.path["id"], caller, "counter", body.receipt_no, body.amount_vnd
    )
    return DossierOut.of(dossier, caller)


@routes.route(
    "/dossiers/{id}/request-supplement",
    methods=["POST"],
    body="SupplementRequestIn",
    summary="Ask the applicant to add or correct documents (the clock stops)",
    roles=roles_for(Action.REQUEST_SUPPLEMENT),
    response=DossierOut,
)
def request_supplement(
    request: ApiRequest[SupplementRequestIn], service: IntakeService
) -> DossierOut:
    caller = actor(request.user)
    items = [(i.document_code, i.note) for i in request.body.items]
    return DossierOut.of(
        service.request_supplement(request.path["id"], caller, request.body.reason, items),
        caller,
    )


@routes.route(
    "/dossiers/{id}/refuse",
    methods=["POST"],
    body="Reason",
    summary="Refuse the dossier at reception",
    roles=roles_for(Action.REFUSE),
    response=DossierOut,
)
def refuse_dossier(request: ApiRequest[Reason], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(
        service.refuse(request.path["id"], caller, request.body.reason),
        caller,
    )


@routes.route(
    "/dossiers/{id}/return",
    methods=["POST"],
    summary="Return the result to the applicant",
    roles=roles_for(Action.RETURN),
    body="NoBody",
    response=DossierOut,
)
def return_dossier(request: ApiRequest[NoBody], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(service.return_result(request.path["id"], caller), caller)
