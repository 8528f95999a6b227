"""Printable slips and the national portal's record of a dossier."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.intake import documents
from chalicelib.intake.answers.catalog import ProcedureOut
from chalicelib.intake.answers.dossier import DossierOut
from chalicelib.intake.entrypoints.common import OFFICERS, actor
from motcua_shared import links
from motcua_shared.api import SIGNED_IN, ApiRequest, Routes, answer_dict
from motcua_shared.errors import NotFound

if TYPE_CHECKING:
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/dossiers/{id}/documents/{kind}",
    roles=SIGNED_IN,
    summary="A printable slip: receipt, supplement_request, refusal, apology, control_sheet, "
    "result (with a QR to the result's public verification)",
    content_types=("text/html",),
)
def printable_document(request: ApiRequest[Any], service: IntakeService) -> Response:
    caller = actor(request.user)
    kind = request.path["kind"]
    if kind not in documents.KINDS:
        raise NotFound(
            f"No document '{kind}'; choose one of {', '.join(documents.KINDS)}.",
            "Không có mẫu văn bản này.",
        )
    dossier = service.visible(request.path["id"], caller)
    procedure = service.catalog.get(dossier.procedure_code)
    context = {
        "agency_name": procedure.agency_name,
        "tracking_url": links.tracking(service.settings.public_base_url, dossier.code)
        if dossier.code
        else None,
        "verification_url": links.verification(
            service.settings.public_base_url, dossier.result.verification_code
        )
        if dossier.result and dossier.result.verification_code
        else None,
        "dossier": answer_dict(DossierOut.of(dossier, caller)),
        "documents": answer_dict(ProcedureOut.of(procedure))["documents"],
    }
    return Response(
        body=documents.render(kind, context),
        status_code=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


@routes.route(
    "/dossiers/{id}/national-record",
    roles=OFFICERS,
    summary="The dossier in the national public service portal's fields",
    response="NationalRecord",
)
def national_record(request: ApiRequest[Any], service: IntakeService) -> dict[str, Any]:
    return service.national_record(request.path["id"])
