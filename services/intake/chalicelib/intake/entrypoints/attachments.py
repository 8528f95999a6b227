"""The documents an applicant uploads: a presigned upload, a download link."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.intake.answers.files import AttachmentDownloadOut, AttachmentUploadOut
from chalicelib.intake.entrypoints.common import APPLICANTS, OFFICERS, actor
from motcua_shared.api import ApiRequest, Routes

if TYPE_CHECKING:
    from chalicelib.intake.schemas import (
        NewAttachment,
    )
    from chalicelib.intake.service import IntakeService

routes = Routes(__name__)


@routes.route(
    "/dossiers/{id}/attachments/{attachment_id}",
    summary="Download an uploaded document of the dossier",
    roles=(*APPLICANTS, *OFFICERS),
    response=AttachmentDownloadOut,
)
def download_attachment(request: ApiRequest[Any], service: IntakeService) -> AttachmentDownloadOut:
    return AttachmentDownloadOut.of(
        service.attachment_download(
            request.path["id"], actor(request.user), request.path["attachment_id"]
        )
    )


@routes.route(
    "/dossiers/{id}/attachments",
    methods=["POST"],
    summary="Get a presigned upload for a document",
    roles=APPLICANTS,
    body="NewAttachment",
    status=201,
    response=AttachmentUploadOut,
)
def add_attachment(
    request: ApiRequest[NewAttachment], service: IntakeService
) -> AttachmentUploadOut:
    return AttachmentUploadOut.of(
        service.attach(request.path["id"], actor(request.user), request.body)
    )
