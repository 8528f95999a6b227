"""The procedure catalogue: search, one procedure, the administrator's edit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.intake.answers.catalog import ProcedureListOut, ProcedureOut
from chalicelib.intake.domain.model import Role
from chalicelib.intake.entrypoints.common import actor
from motcua_shared.api import PUBLIC, ApiRequest, Routes

if TYPE_CHECKING:
    from chalicelib.intake.schemas import (
        ProcedureEdit,
    )
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/procedures",
    summary="Search the procedure catalogue",
    roles=PUBLIC,
    query=("field", "q"),
    response=ProcedureListOut,
)
def list_procedures(request: ApiRequest[Any], service: IntakeService) -> ProcedureListOut:
    found = service.catalog.search(request.query.get("field"), request.query.get("q"))
    return ProcedureListOut.of(found)


@routes.route(
    "/procedures/{code}",
    summary="One procedure with its documents",
    roles=PUBLIC,
    response=ProcedureOut,
)
def get_procedure(request: ApiRequest[Any], service: IntakeService) -> ProcedureOut:
    return ProcedureOut.of(service.catalog.get(request.path["code"]))


@routes.route(
    "/procedures/{code}",
    methods=["PUT"],
    summary="Change a catalogued procedure (fee, time limit, documents, form)",
    roles=(Role.ADMIN,),
    body="ProcedureEdit",
    response=ProcedureOut,
)
def edit_procedure(request: ApiRequest[ProcedureEdit], service: IntakeService) -> ProcedureOut:
    return ProcedureOut.of(
        service.edit_procedure(actor(request.user), request.path["code"], request.body)
    )
