"""The files a citizen submits as evidence: reserving a document's upload, and freezing what was
uploaded when the dossier is submitted.

Once submitted, a file is the one the desk checks: its S3 version and SHA-256 are kept in the
dossier and only that version is ever served. Only a draft, or the documents the desk asked to
supplement, can be uploaded again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from chalicelib.intake.domain.catalog import Procedure
from chalicelib.intake.domain.errors import (
    AttachmentSizeMismatch,
    DocumentNotRequested,
    DossierNotFound,
    FileTooLarge,
    InvalidTransition,
    MissingDocuments,
    UnknownDocument,
    UnsupportedFileType,
)
from chalicelib.intake.domain.filetypes import check_filename, check_uploaded_types
from chalicelib.intake.domain.model import Actor, Attachment, Dossier, Status


@dataclass(frozen=True)
class UploadPolicy:
    max_bytes: int
    content_types: frozenset[str]


@dataclass(frozen=True)
class StoredFile:
    """What the bucket holds for an attachment when the dossier is submitted: the version read,
    its size, its SHA-256 and its first bytes (its real type)."""

    version_id: str
    size_bytes: int
    sha256: str
    head: bytes


def attach(
    dossier: Dossier,
    procedure: Procedure,
    actor: Actor,
    document_code: str,
    filename: str,
    content_type: str,
    size_bytes: int,
    policy: UploadPolicy,
    at: datetime,
    attachment_id: str | None = None,
) -> Attachment:
    """Reserve the place of one document's file (``attachment_id``: the service's new id, a
    random UUID if none); the browser then uploads it to S3."""
    if dossier.owner_sub != actor.sub:
        raise DossierNotFound()
    request = dossier.open_supplement
    if dossier.status is Status.SUPPLEMENT_REQUESTED and request is not None:
        requested = sorted({item.document_code for item in request.items})
        if document_code not in requested:
            raise DocumentNotRequested(document_code=document_code, requested=requested)
    elif dossier.status is not Status.DRAFT:
        raise InvalidTransition(
            "Documents can be attached to a draft or while a supplement is requested.",
            "Chỉ có thể đính kèm giấy tờ khi hồ sơ là bản nháp hoặc đang được yêu cầu bổ sung.",
        )
    if procedure.document(document_code) is None:
        raise UnknownDocument(document_code=document_code)
    if content_type not in policy.content_types:
        raise UnsupportedFileType(accepted=sorted(policy.content_types), field="content_type")
    if size_bytes > policy.max_bytes:
        raise FileTooLarge(max_bytes=policy.max_bytes, field="size_bytes")
    check_filename(filename, content_type)
    attachment_id = attachment_id or str(uuid.uuid4())
    attachment = Attachment(
        attachment_id=attachment_id,
        document_code=document_code,
        filename=filename,
        content_type=content_type,
        size_bytes=size_bytes,
        s3_key=f"dossiers/{dossier.id}/{attachment_id}/{filename}",
        status="pending_upload",
        created_at=at,
    )
    # One file per document: a new upload replaces the previous one.
    dossier.attachments = [a for a in dossier.attachments if a.document_code != document_code]
    dossier.attachments.append(attachment)
    dossier.updated_at = at
    return attachment


def to_freeze(dossier: Dossier) -> list[Attachment]:
    """The attachments not frozen yet: the service reads what S3 holds for these."""
    return [a for a in dossier.attachments if a.version_id is None]


def freeze_documents(
    dossier: Dossier,
    procedure: Procedure,
    stored: Mapping[str, StoredFile],
    policy: UploadPolicy,
    at: datetime,
) -> None:
    """Check every file not frozen yet and freeze it (``stored``: attachment id → what S3 holds;
    no entry: nothing was uploaded).

    Each uploaded file — required or not — is within the limit and exactly the size declared
    when its upload was signed, its first bytes match its declared type; every required document
    has a file. Then each keeps its version and SHA-256, and reserved places never uploaded are
    dropped: the dossier lists what was submitted.
    """
    pending = to_freeze(dossier)
    for attachment in pending:
        found = stored.get(attachment.attachment_id)
        if found is None:
            continue
        if found.size_bytes > policy.max_bytes:
            raise FileTooLarge(max_bytes=policy.max_bytes, document_code=attachment.document_code)
        if found.size_bytes != attachment.size_bytes:
            raise AttachmentSizeMismatch(
                document_code=attachment.document_code,
                filename=attachment.filename,
                declared_bytes=attachment.size_bytes,
                uploaded_bytes=found.size_bytes,
                field=f"attachments.{attachment.document_code}",
            )
    missing = [
        document.code
        for document in procedure.required_documents
        if not _submitted(dossier.attachment_for(document.code), stored)
    ]
    if missing:
        raise MissingDocuments(missing=missing)
    check_uploaded_types(pending, procedure, {k: v.head for k, v in stored.items()})
    for attachment in pending:
        found = stored.get(attachment.attachment_id)
        if found is not None:
            attachment.status, attachment.uploaded_at = "uploaded", at
            attachment.version_id, attachment.sha256 = found.version_id, found.sha256
    dossier.attachments = [a for a in dossier.attachments if a.version_id is not None]


def _submitted(attachment: Attachment | None, stored: Mapping[str, StoredFile]) -> bool:
    return attachment is not None and (
        attachment.version_id is not None or attachment.attachment_id in stored
    )
