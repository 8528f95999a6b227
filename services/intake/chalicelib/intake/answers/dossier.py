"""The dossier as its owner and the officers see it (with what the caller may do now), and a
page of dossiers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from chalicelib.intake.answers.base import iso, iso_of
from chalicelib.intake.domain.model import (
    Action,
    Actor,
    Applicant,
    Attachment,
    DeliveryMethod,
    Dossier,
    Extension,
    FeePayment,
    Handoff,
    HistoryEntry,
    Rating,
    ResultDocument,
    Status,
    SupplementRequest,
)
from chalicelib.intake.domain.permissions import allowed_actions
from chalicelib.intake.domain.steps import Timeliness

# Times are ISO 8601 strings (timeutil.to_iso); a key typed ``X | None`` is always present and
# may be null. The domain writes the values of the Literal types below, and only those.

FormValue = str | int | float | bool | None

AllowedAction = Literal[
    "edit",
    "submit",
    "accept",
    "assign",
    "approve",
    "return",
    "request_supplement",
    "resubmit",
    "refuse",
    "withdraw",
    "stop",
    "extend",
    "rate",
    "receive_online",
    "confirm_payment",
]


@dataclass(frozen=True)
class ApplicantOut:
    """Who the dossier is for, as the applicant wrote it."""

    full_name: str
    id_number: str
    phone: str
    email: str | None
    address: str
    kind: str  # citizen / enterprise / state_agency / organisation

    @classmethod
    def of(cls, a: Applicant) -> ApplicantOut:
        return cls(a.full_name, a.id_number, a.phone, a.email, a.address, a.kind)


@dataclass(frozen=True)
class DossierAttachmentOut:
    """The file of one document of the dossier."""

    attachment_id: str
    document_code: str
    filename: str
    content_type: str
    size_bytes: int
    status: Literal["pending_upload", "uploaded"]
    created_at: str
    uploaded_at: str | None
    sha256: str | None  # of the version frozen at submission (hex); null before

    @classmethod
    def of(cls, a: Attachment) -> DossierAttachmentOut:
        return cls(
            attachment_id=a.attachment_id,
            document_code=a.document_code,
            filename=a.filename,
            content_type=a.content_type,
            size_bytes=a.size_bytes,
            status=cast(Literal["pending_upload", "uploaded"], a.status),
            created_at=iso_of(a.created_at, "attachment.created_at"),
            uploaded_at=iso(a.uploaded_at),
            sha256=a.sha256,
        )


@dataclass(frozen=True)
class SupplementItemOut:
    """A document to add or correct."""

    document_code: str
    document_name: str
    note: str


@dataclass(frozen=True)
class SupplementRequestOut:
    """A request to add or correct documents (resolved when the applicant resubmits)."""

    reason: str
    items: list[SupplementItemOut]
    requested_at: str
    requested_by: str
    requested_by_name: str | None  # the officer's full name (form 02)
    resolved_at: str | None

    @classmethod
    def of(cls, s: SupplementRequest) -> SupplementRequestOut:
        return cls(
            reason=s.reason,
            items=[SupplementItemOut(i.document_code, i.document_name, i.note) for i in s.items],
            requested_at=iso_of(s.requested_at, "supplement.requested_at"),
            requested_by=s.requested_by,
            requested_by_name=s.requested_by_name,
            resolved_at=iso(s.resolved_at),
        )


@dataclass(frozen=True)
class ExtensionOut:
    """An apology with a new appointment date (form 04)."""

    reason: str
    previous_due_at: str
    new_due_at: str
    at: str
    by: str

    @classmethod
    def of(cls, e: Extension) -> ExtensionOut:
        return cls(
            reason=e.reason,
            previous_due_at=iso_of(e.previous_due_at, "extension.previous_due_at"),
            new_due_at=iso_of(e.new_due_at, "extension.new_due_at"),
            at=iso_of(e.at, "extension.at"),
            by=e.by,
        )


@dataclass(frozen=True)
class HandoffOut:
    """A row of the processing control sheet (form 06)."""

    step: str  # "reception", then the steps of processing
    from_unit: str
    to_unit: str
    at: str
    giver: str
    receiver: str
    allotted_hours: float | None
    used_hours: float | None
    result: Timeliness | None
    note: str | None

    @classmethod
    def of(cls, h: Handoff) -> HandoffOut:
        return cls(
            step=h.step,
            from_unit=h.from_unit,
            to_unit=h.to_unit,
            at=iso_of(h.at, "handoff.at"),
            giver=h.giver,
            receiver=h.receiver,
            allotted_hours=h.allotted_hours,
            used_hours=h.used_hours,
            result=cast(Timeliness | None, h.result),
            note=h.note,
        )


@dataclass(frozen=True)
class RatingOut:
    """The applicant's rating of the service."""

    score: int
    comment: str
    at: str

    @classmethod
    def of(cls, r: Rating | None) -> RatingOut | None:
        return cls(r.score, r.comment, iso_of(r.at, "rating.at")) if r else None


@dataclass(frozen=True)
class ResultOut:
    """The electronic result, once issued."""

    filename: str
    verification_code: str
    sha256: str
    size_bytes: int
    issued_at: str
    downloaded_at: str | None

    @classmethod
    def of(cls, r: ResultDocument | None) -> ResultOut | None:
        """None until the result is issued (its file's digest known)."""
        if r is None or r.sha256 is None:
            return None
        return cls(
            filename=r.filename,
            verification_code=r.verification_code,
            sha256=r.sha256,
            size_bytes=cast(int, r.size_bytes),  # known once the file is stored
            issued_at=iso_of(r.issued_at, "result.issued_at"),
            downloaded_at=iso(r.downloaded_at),
        )


@dataclass(frozen=True)
class FeePaymentOut:
    """How the fee was paid."""

    method: Literal["online", "counter"]
    reference: str  # the provider's txn_ref or the counter's receipt number
    amount_vnd: int
    paid_at: str
    recorded_by: str

    @classmethod
    def of(cls, p: FeePayment | None) -> FeePaymentOut | None:
        if p is None:
            return None
        return cls(
            method=cast(Literal["online", "counter"], p.method),
            reference=p.reference,
            amount_vnd=p.amount_vnd,
            paid_at=iso_of(p.paid_at, "payment.paid_at"),
            recorded_by=p.recorded_by,
        )


@dataclass(frozen=True)
class HistoryEntryOut:
    """One step of the dossier's history."""

    action: Action
    from_status: Status | None  # None for its creation
    to_status: Status
    actor: str
    at: str
    note: str | None

    @classmethod
    def of(cls, h: HistoryEntry) -> HistoryEntryOut:
        return cls(
            action=cast(Action, h.action),
            from_status=cast(Status | None, h.from_status),
            to_status=cast(Status, h.to_status),
            actor=h.actor,
            at=iso_of(h.at, "history.at"),
            note=h.note,
        )


@dataclass(frozen=True)
class DossierOut:
    """A dossier with everything its owner and the officers see, history included."""

    id: str
    code: str | None  # issued on acceptance
    status: Status
    national_status: int | None  # the national portal's TrangThaiHoSo; None for a draft
    procedure_code: str
    procedure_name: str
    agency_code: str
    channel: int
    applicant: ApplicantOut
    request_content: str
    form_data: dict[str, FormValue]
    delivery_method: DeliveryMethod
    delivery_address: str | None
    attachments: list[DossierAttachmentOut]
    created_at: str
    updated_at: str
    submitted_at: str | None
    accepted_at: str | None
    accepted_by: str | None  # the desk officer who accepted it, by name (form 01)
    due_at: str | None
    unit: str | None
    officer: str | None
    result_summary: str | None
    returned_at: str | None
    finished_at: str | None
    refusal_reason: str | None
    refused_by: str | None  # the desk officer who refused it, by name (form 03)
    stop_reason: str | None
    step: str | None
    step_due_at: str | None
    supplement_count: int
    supplement_requests: list[SupplementRequestOut]
    extensions: list[ExtensionOut]
    handoffs: list[HandoffOut]
    rating: RatingOut | None
    result: ResultOut | None
    fee_vnd: int
    payment: FeePaymentOut | None
    history: list[HistoryEntryOut]
    version: int
    # What the caller may do now (domain/permissions.py): "edit" (rewrite the draft) and the
    # lifecycle's actions the API would accept from them; the portal offers exactly these.
    allowed_actions: list[AllowedAction]

    @classmethod
    def of(cls, d: Dossier, viewer: Actor) -> DossierOut:
        """The dossier as ``viewer`` (its owner or an officer) sees it."""
        return cls(
            id=d.id,
            code=d.code,
            status=d.status,
            national_status=d.national_status,
            procedure_code=d.procedure_code,
            procedure_name=d.procedure_name,
            agency_code=d.agency_code,
            channel=d.channel,
            applicant=ApplicantOut.of(d.applicant),
            request_content=d.request_content,
            form_data=d.form_data,
            delivery_method=d.delivery_method,
            delivery_address=d.delivery_address,
            attachments=[DossierAttachmentOut.of(a) for a in d.attachments],
            created_at=iso_of(d.created_at, "dossier.created_at"),
            updated_at=iso_of(d.updated_at, "dossier.updated_at"),
            submitted_at=iso(d.submitted_at),
            accepted_at=iso(d.accepted_at),
            accepted_by=d.accepted_by,
            due_at=iso(d.due_at),
            unit=d.unit,
            officer=d.officer,
            result_summary=d.result_summary,
            returned_at=iso(d.returned_at),
            finished_at=iso(d.finished_at),
            refusal_reason=d.refusal_reason,
            refused_by=d.refused_by,
            stop_reason=d.stop_reason,
            step=d.step,
            step_due_at=iso(d.step_due_at),
            supplement_count=len(d.supplement_requests),
            supplement_requests=[SupplementRequestOut.of(s) for s in d.supplement_requests],
            extensions=[ExtensionOut.of(e) for e in d.extensions],
            handoffs=[HandoffOut.of(h) for h in d.handoffs],
            rating=RatingOut.of(d.rating),
            result=ResultOut.of(d.result),
            fee_vnd=d.fee_vnd,
            payment=FeePaymentOut.of(d.payment),
            history=[HistoryEntryOut.of(h) for h in d.history],
            version=cast(int, d.version),  # a stored dossier has its version
            allowed_actions=cast(list[AllowedAction], allowed_actions(d, viewer)),
        )


@dataclass(frozen=True)
class DossierListOut:
    """A page of dossiers; ``next_cursor`` asks for the next one (null: no more)."""

    items: list[DossierOut]
    next_cursor: str | None

    @classmethod
    def of(cls, dossiers: list[Dossier], viewer: Actor, cursor: str | None) -> DossierListOut:
        return cls([DossierOut.of(d, viewer) for d in dossiers], cursor)
