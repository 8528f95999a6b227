"""The electronic result: the officer's upload, the applicant's download."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.intake.answers.files import ResultDownloadOut, ResultUploadOut
from chalicelib.intake.domain.lifecycle import roles_for
from chalicelib.intake.domain.model import Action
from chalicelib.intake.entrypoints.common import actor
from motcua_shared.api import SIGNED_IN, ApiRequest, Routes

if TYPE_CHECKING:
    from chalicelib.intake.schemas import (
        ResultFileIn,
    )
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/dossiers/{id}/result-file",
    methods=["POST"],
    body="ResultFileIn",
    status=201,
    summary="Get a presigned upload for the electronic result (before approving)",
    roles=roles_for(Action.APPROVE),
    response=ResultUploadOut,
)
def prepare_result(request: ApiRequest[ResultFileIn], service: IntakeService) -> ResultUploadOut:
    return ResultUploadOut.of(
        service.prepare_result(request.path["id"], actor(request.user), request.body)
    )


@routes.route(
    "/dossiers/{id}/result",
    summary="Download the electronic result",
    roles=SIGNED_IN,
    response=ResultDownloadOut,
)
def download_result(request: ApiRequest[Any], service: IntakeService) -> ResultDownloadOut:
    return ResultDownloadOut.of(service.download_result(request.path["id"], actor(request.user)))
