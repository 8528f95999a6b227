"""A dossier's files in the attachments bucket, as intake's use cases need them (over
uploads.py): an upload slot, a link to a file — to the version frozen at submission once there is
one —, what the bucket holds when the dossier is submitted, and keeping a submitted draft's files
for good."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.intake import uploads
from chalicelib.intake.domain.attachments import StoredFile, to_freeze
from chalicelib.intake.domain.errors import AttachmentNotFound
from chalicelib.intake.domain.model import Attachment, Dossier, Status
from chalicelib.intake.settings import IntakeSettings


class EvidenceFiles:
    def __init__(self, settings: IntakeSettings) -> None:
        self.bucket = settings.attachments_bucket
        self.draft_tag = settings.attachments_draft_tag
        self.link_ttl_s = settings.download_url_ttl_s

    def upload_slot(self, dossier: Dossier, attachment: Attachment) -> dict[str, Any]:
        """The presigned upload of a reserved file. A draft may be abandoned: its files carry
        the tag a lifecycle rule expires them by; a supplement's never do."""
        tag = self.draft_tag if dossier.status is Status.DRAFT else ""
        return {
            "attachment_id": attachment.attachment_id,
            "document_code": attachment.document_code,
            **uploads.presigned_put(
                self.bucket,
                attachment.s3_key,
                attachment.content_type,
                attachment.size_bytes,
                tag or None,
            ),
        }

    def link(self, dossier: Dossier, attachment_id: str) -> dict[str, Any]:
        """A short-lived link to one file of the dossier: once submitted, to the version frozen
        then, whatever was written to its key since; before, to what was uploaded (if any)."""
        attachment = next(
            (a for a in dossier.attachments if a.attachment_id == attachment_id), None
        )
        if attachment is not None and attachment.version_id is not None:
            size: int | None = attachment.size_bytes
        else:
            size = uploads.object_size(self.bucket, attachment.s3_key) if attachment else None
        if attachment is None or size is None:
            raise AttachmentNotFound(attachment_id=attachment_id[:64])
        return {
            "attachment_id": attachment.attachment_id,
            "document_code": attachment.document_code,
            "filename": attachment.filename,
            "content_type": attachment.content_type,
            "size_bytes": size,
            "sha256": attachment.sha256,
            "download_url": uploads.presigned_get(
                self.bucket,
                attachment.s3_key,
                attachment.filename,
                attachment.content_type,
                attachment.version_id,
            ),
            "expires_in_s": self.link_ttl_s,
        }

    def stored(self, dossier: Dossier) -> dict[str, StoredFile]:
        """What the bucket holds for each file not frozen yet (one GET each); attachment id →
        file, none for a place never uploaded."""
        found = {
            a.attachment_id: uploads.stored_file(self.bucket, a.s3_key, a.size_bytes)
            for a in to_freeze(dossier)
        }
        return {key: file for key, file in found.items() if file is not None}

    def keep(self, dossier: Dossier, frozen: Mapping[str, StoredFile]) -> None:
        """Take the draft tag off the versions just frozen, so no lifecycle rule expires them."""
        if not self.draft_tag:
            return
        for attachment in dossier.attachments:
            if attachment.attachment_id in frozen and attachment.version_id:
                uploads.untag(self.bucket, attachment.s3_key, attachment.version_id)


class ResultFiles:
    """The electronic results in the results bucket: an officer's upload slot, what was stored
    under a key (read when the dossier is approved), a short-lived link to the approved version."""

    def __init__(self, settings: IntakeSettings) -> None:
        self.bucket = settings.results_bucket

    def upload_slot(self, key: str, content_type: str, size_bytes: int) -> dict[str, Any]:
        return uploads.presigned_put(self.bucket, key, content_type, size_bytes)

    def stored(self, key: str, declared_bytes: int) -> StoredFile | None:
        return uploads.stored_file(self.bucket, key, declared_bytes)

    def download_url(self, key: str, filename: str, version_id: str | None) -> str:
        return uploads.presigned_get(self.bucket, key, filename, "application/pdf", version_id)
