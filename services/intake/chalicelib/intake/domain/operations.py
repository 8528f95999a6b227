"""What people do to a dossier. Each operation checks the lifecycle and changes the aggregate;
storage and announcements are the service layer's business."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.intake.domain.calendar import WorkingCalendar, due_at
from chalicelib.intake.domain.catalog import Procedure
from chalicelib.intake.domain.errors import (
    DossierNotFound,
    FileTooLarge,
    InvalidTransition,
    MissingDocuments,
    NotAssignedOfficer,
    UnknownDocument,
    UnsupportedFileType,
)
from chalicelib.intake.domain.lifecycle import next_status
from chalicelib.intake.domain.model import (
    OFFICER_ROLES,
    Action,
    Actor,
    Applicant,
    Attachment,
    Channel,
    DeliveryMethod,
    Dossier,
    Role,
    Status,
)


@dataclass(frozen=True)
class UploadPolicy:
    max_bytes: int
    content_types: frozenset[str]


def can_view(dossier: Dossier, actor: Actor) -> bool:
    """Officers see every dossier; a citizen or postal agent only those they created."""
    return dossier.owner_sub == actor.sub or not OFFICER_ROLES.isdisjoint(actor.roles)


def create(
    procedure: Procedure,
    actor: Actor,
    applicant: Applicant,
    request_content: str,
    form_data: dict[str, Any],
    delivery_method: DeliveryMethod,
    delivery_address: str | None,
    at: datetime,
) -> Dossier:
    channel = Channel.PUBLIC_POSTAL if Role.POSTAL_AGENT in actor.roles else Channel.ONLINE
    dossier = Dossier(
        id=str(uuid.uuid4()),
        owner_sub=actor.sub,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        agency_code=procedure.agency_code,
        applicant=applicant,
        request_content=request_content,
        form_data=form_data,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        channel=channel,
        status=Status.DRAFT,
        created_at=at,
        updated_at=at,
    )
    dossier.record(Action.CREATE, Status.DRAFT, actor, at)
    return dossier


def _require_owner(dossier: Dossier, actor: Actor) -> None:
    if dossier.owner_sub != actor.sub:
        raise DossierNotFound()


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
) -> Attachment:
    """Reserve the place of one document's file; the browser then uploads it to S3."""
    _require_owner(dossier, actor)
    if dossier.status is not Status.DRAFT:
        raise InvalidTransition(
            "Documents can only be attached while the dossier is a draft.",
            "Chỉ có thể đính kèm giấy tờ khi hồ sơ đang ở trạng thái nháp.",
        )
    if procedure.document(document_code) is None:
        raise UnknownDocument(document_code=document_code)
    if content_type not in policy.content_types:
        raise UnsupportedFileType(accepted=sorted(policy.content_types))
    if size_bytes > policy.max_bytes:
        raise FileTooLarge(max_bytes=policy.max_bytes)
    attachment_id = str(uuid.uuid4())
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


def submit(
    dossier: Dossier,
    procedure: Procedure,
    actor: Actor,
    uploaded_sizes: dict[str, int | None],
    policy: UploadPolicy,
    at: datetime,
) -> None:
    """Send the dossier to the desk.

    ``uploaded_sizes``: attachment id → size of its object in S3 (None: nothing uploaded).
    """
    _require_owner(dossier, actor)
    target = next_status(dossier.status, Action.SUBMIT, actor.roles)
    missing: list[str] = []
    for document in procedure.required_documents:
        attachment = dossier.attachment_for(document.code)
        size = uploaded_sizes.get(attachment.attachment_id) if attachment else None
        if attachment is None or size is None:
            missing.append(document.code)
        elif size > policy.max_bytes:
            raise FileTooLarge(max_bytes=policy.max_bytes, document_code=document.code)
    if missing:
        raise MissingDocuments(missing=missing)
    for attachment in dossier.attachments:
        size = uploaded_sizes.get(attachment.attachment_id)
        if size is not None:
            attachment.status, attachment.size_bytes, attachment.uploaded_at = "uploaded", size, at
    dossier.submitted_at = at
    dossier.record(Action.SUBMIT, target, actor, at)


def accept(
    dossier: Dossier,
    procedure: Procedure,
    actor: Actor,
    code: str,
    calendar: WorkingCalendar,
    at: datetime,
) -> None:
    target = next_status(dossier.status, Action.ACCEPT, actor.roles)
    dossier.code = code
    dossier.accepted_at = at
    dossier.due_at = due_at(at, procedure.time_limit, calendar)
    dossier.record(Action.ACCEPT, target, actor, at)


def assign(dossier: Dossier, actor: Actor, unit: str, officer: str, at: datetime) -> None:
    target = next_status(dossier.status, Action.ASSIGN, actor.roles)
    dossier.unit, dossier.officer = unit, officer
    dossier.record(Action.ASSIGN, target, actor, at, note=f"{unit} / {officer}")


def approve(dossier: Dossier, actor: Actor, result_summary: str, at: datetime) -> None:
    target = next_status(dossier.status, Action.APPROVE, actor.roles)
    if dossier.officer != actor.username:
        raise NotAssignedOfficer()
    dossier.result_summary = result_summary
    dossier.record(Action.APPROVE, target, actor, at)


def return_result(dossier: Dossier, actor: Actor, at: datetime) -> None:
    target = next_status(dossier.status, Action.RETURN, actor.roles)
    dossier.returned_at = at
    dossier.record(Action.RETURN, target, actor, at)
