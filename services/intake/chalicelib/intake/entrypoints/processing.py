"""Processing: the worklist, assigning, approving, stopping, extending the appointment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.intake.answers.dossier import DossierListOut, DossierOut
from chalicelib.intake.domain.lifecycle import roles_for
from chalicelib.intake.domain.model import Action
from chalicelib.intake.entrypoints.common import actor, page_limit
from motcua_shared.api import ApiRequest, Routes
from motcua_shared.roles import WORKLIST

if TYPE_CHECKING:
    from chalicelib.intake.schemas import (
        Approval,
        Assignment,
        ExtensionIn,
        Reason,
    )
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/worklist",
    roles=WORKLIST,
    query=("unit", "officer", "limit", "cursor"),
    summary="Dossiers under processing by unit or officer, earliest deadline first",
    response=DossierListOut,
)
def worklist(request: ApiRequest[Any], service: IntakeService) -> DossierListOut:
    caller = actor(request.user)
    q = request.query
    items, cursor = service.worklist(
        caller,
        q.get("unit"),
        q.get("officer"),
        page_limit(q.get("limit")),
        q.get("cursor"),
    )
    return DossierListOut.of(items, caller, cursor)


@routes.route(
    "/dossiers/{id}/assign",
    methods=["POST"],
    summary="Hand the dossier to a processing unit",
    roles=roles_for(Action.ASSIGN),
    body="Assignment",
    response=DossierOut,
)
def assign_dossier(request: ApiRequest[Assignment], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    body = request.body
    return DossierOut.of(
        service.assign(request.path["id"], caller, body.unit, body.officer),
        caller,
    )


@routes.route(
    "/dossiers/{id}/approve",
    methods=["POST"],
    summary="Approve: the result is ready",
    roles=roles_for(Action.APPROVE),
    body="Approval",
    response=DossierOut,
)
def approve_dossier(request: ApiRequest[Approval], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(
        service.approve(request.path["id"], caller, request.body.result_summary),
        caller,
    )


@routes.route(
    "/dossiers/{id}/stop",
    methods=["POST"],
    body="Reason",
    summary="Stop processing the dossier",
    roles=roles_for(Action.STOP),
    response=DossierOut,
)
def stop_dossier(request: ApiRequest[Reason], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    return DossierOut.of(
        service.stop(request.path["id"], caller, request.body.reason),
        caller,
    )


@routes.route(
    "/dossiers/{id}/extend",
    methods=["POST"],
    body="ExtensionIn",
    summary="Apologise and set a new appointment date (form 04)",
    roles=roles_for(Action.EXTEND),
    response=DossierOut,
)
def extend_dossier(request: ApiRequest[ExtensionIn], service: IntakeService) -> DossierOut:
    caller = actor(request.user)
    body = request.body
    return DossierOut.of(
        service.extend(request.path["id"], caller, body.reason, body.new_due_at),
        caller,
    )
