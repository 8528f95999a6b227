"""The applicant's dossier: create, list, read, rewrite, submit, withdraw, rate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.intake.answers.dossier import DossierListOut, DossierOut
from chalicelib.intake.domain.lifecycle import roles_for
from chalicelib.intake.domain.model import Action
from chalicelib.intake.entrypoints.common import APPLICANTS, actor, page_limit
from motcua_shared.api import SIGNED_IN, ApiRequest, Routes

if TYPE_CHECKING:
    from chalicelib.intake.schemas import (
        DossierUpdate,
        NewDossier,
        NoBody,
        OptionalReason,
        RatingIn,
    )
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/dossiers",
    methods=["POST"],
    summary="Create a draft dossier",
    roles=APPLICANTS,
    body="NewDossier",
    status=201,
    response=DossierOut,
)
def create_dossier(request: ApiRequest[NewDossier], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(service.create(caller, request.body), caller)


@routes.route(
    "/dossiers",
    summary="My dossiers (citizen) or dossiers by status (officers)",
    roles=SIGNED_IN,
    query=("status", "limit", "cursor"),
    response=DossierListOut,
)
def list_dossiers(request: ApiRequest[Any], service: IntakeService) -> DossierListOut:
    caller = actor(request.user)
    limit = page_limit(request.query.get("limit"))
    items, cursor = service.list_for(
        caller, request.query.get("status"), limit, request.query.get("cursor")
    )
    return DossierListOut.of(items, caller, cursor)


@routes.route(
    "/dossiers/{id}", summary="One dossier with its history", roles=SIGNED_IN, response=DossierOut
)
def get_dossier(request: ApiRequest[Any], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(service.visible(request.path["id"], caller), caller)


@routes.route(
    "/dossiers/{id}",
    methods=["PUT"],
    summary="Rewrite a draft dossier (everything but its procedure)",
    roles=APPLICANTS,
    body="DossierUpdate",
    response=DossierOut,
)
def update_dossier(request: ApiRequest[DossierUpdate], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(service.update(request.path["id"], caller, request.body), caller)


@routes.route(
    "/dossiers/{id}/submit",
    methods=["POST"],
    summary="Submit the dossier to the one-stop desk",
    roles=roles_for(Action.SUBMIT),
    body="NoBody",
    response=DossierOut,
)
def submit_dossier(request: ApiRequest[NoBody], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(service.submit(request.path["id"], caller), caller)


@routes.route(
    "/dossiers/{id}/withdraw",
    methods=["POST"],
    body="OptionalReason",
    summary="The applicant withdraws the dossier",
    roles=roles_for(Action.WITHDRAW),
    response=DossierOut,
)
def withdraw_dossier(request: ApiRequest[OptionalReason], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(
        service.withdraw(request.path["id"], caller, request.body.reason),
        caller,
    )


@routes.route(
    "/dossiers/{id}/rating",
    methods=["POST"],
    body="RatingIn",
    status=201,
    summary="Rate the service once the result is returned",
    roles=roles_for(Action.RATE),
    response=DossierOut,
)
def rate_dossier(request: ApiRequest[RatingIn], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    body = request.body
    return DossierOut.of(
        service.rate(request.path["id"], caller, body.score, body.comment),
        caller,
    )
