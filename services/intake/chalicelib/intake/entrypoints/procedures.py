"""The procedure catalogue: search, one procedure, the administrator's edit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    response="ProcedureListOut",
)
def list_procedures(request: ApiRequest[Any], service: IntakeService) -> dict[str, Any]:
    found = service.catalog.search(request.query.get("field"), request.query.get("q"))
    return {"items": [p.to_dict() for p in found]}


@routes.route(
    "/procedures/{code}",
    summary="One procedure with its documents",
    roles=PUBLIC,
    response="ProcedureOut",
)
def get_procedure(request: ApiRequest[Any], service: IntakeService) -> dict[str, Any]:
    return service.catalog.get(request.path["code"]).to_dict()


@routes.route(
    "/procedures/{code}",
    methods=["PUT"],
    summary="Change a catalogued procedure (fee, time limit, documents, form)",
    roles=(Role.ADMIN,),
    body="ProcedureEdit",
    response="ProcedureOut",
)
def edit_procedure(request: ApiRequest[ProcedureEdit], service: IntakeService) -> dict[str, Any]:
    return service.edit_procedure(actor(request.user), request.path["code"], request.body).to_dict()
