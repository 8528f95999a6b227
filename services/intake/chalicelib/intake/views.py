"""What the API shows of a dossier: the full view for those allowed, a public view for tracking."""

from __future__ import annotations

from typing import Any

from chalicelib.intake.domain.model import Actor, Dossier
from chalicelib.intake.domain.permissions import allowed_actions
from motcua_shared.errors import IncompleteRecord
from motcua_shared.timeutil import to_iso


def _iso(value: Any) -> str | None:
    return to_iso(value) if value else None


def dossier_view(d: Dossier, viewer: Actor) -> dict[str, Any]:
    """The dossier as ``viewer`` (its owner or an officer) sees it, with what they may do now."""
    return {
        "id": d.id,
        "code": d.code,
        "status": str(d.status),
        "national_status": d.national_status,
        "procedure_code": d.procedure_code,
        "procedure_name": d.procedure_name,
        "agency_code": d.agency_code,
        "channel": d.channel,
        "applicant": {
            "full_name": d.applicant.full_name,
            "id_number": d.applicant.id_number,
            "phone": d.applicant.phone,
            "email": d.applicant.email,
            "address": d.applicant.address,
            "kind": d.applicant.kind,
        },
        "request_content": d.request_content,
        "form_data": d.form_data,
        "delivery_method": str(d.delivery_method),
        "delivery_address": d.delivery_address,
        "attachments": [
            {
                "attachment_id": a.attachment_id,
                "document_code": a.document_code,
                "filename": a.filename,
                "content_type": a.content_type,
                "size_bytes": a.size_bytes,
                "status": a.status,
                "created_at": _iso(a.created_at),
                "uploaded_at": _iso(a.uploaded_at),
                "sha256": a.sha256,
            }
            for a in d.attachments
        ],
        "created_at": _iso(d.created_at),
        "updated_at": _iso(d.updated_at),
        "submitted_at": _iso(d.submitted_at),
        "accepted_at": _iso(d.accepted_at),
        "accepted_by": d.accepted_by,
        "due_at": _iso(d.due_at),
        "unit": d.unit,
        "officer": d.officer,
        "result_summary": d.result_summary,
        "returned_at": _iso(d.returned_at),
        "finished_at": _iso(d.finished_at),
        "refusal_reason": d.refusal_reason,
        "refused_by": d.refused_by,
        "stop_reason": d.stop_reason,
        "step": d.step,
        "step_due_at": _iso(d.step_due_at),
        "supplement_count": len(d.supplement_requests),
        "supplement_requests": [
            {
                "reason": s.reason,
                "items": [
                    {
                        "document_code": i.document_code,
                        "document_name": i.document_name,
                        "note": i.note,
                    }
                    for i in s.items
                ],
                "requested_at": _iso(s.requested_at),
                "requested_by": s.requested_by,
                "requested_by_name": s.requested_by_name,
                "resolved_at": _iso(s.resolved_at),
            }
            for s in d.supplement_requests
        ],
        "extensions": [
            {
                "reason": e.reason,
                "previous_due_at": _iso(e.previous_due_at),
                "new_due_at": _iso(e.new_due_at),
                "at": _iso(e.at),
                "by": e.by,
            }
            for e in d.extensions
        ],
        "handoffs": [
            {
                "step": h.step,
                "from_unit": h.from_unit,
                "to_unit": h.to_unit,
                "at": _iso(h.at),
                "giver": h.giver,
                "receiver": h.receiver,
                "allotted_hours": h.allotted_hours,
                "used_hours": h.used_hours,
                "result": h.result,
                "note": h.note,
            }
            for h in d.handoffs
        ],
        "rating": (
            {"score": d.rating.score, "comment": d.rating.comment, "at": _iso(d.rating.at)}
            if d.rating
            else None
        ),
        "result": result_view(d),
        "fee_vnd": d.fee_vnd,
        "payment": (
            {
                "method": d.payment.method,
                "reference": d.payment.reference,
                "amount_vnd": d.payment.amount_vnd,
                "paid_at": _iso(d.payment.paid_at),
                "recorded_by": d.payment.recorded_by,
            }
            if d.payment
            else None
        ),
        "history": [
            {
                "action": h.action,
                "from_status": h.from_status,
                "to_status": h.to_status,
                "actor": h.actor,
                "at": _iso(h.at),
                "note": h.note,
            }
            for h in d.history
        ],
        "version": d.version,
        "allowed_actions": allowed_actions(d, viewer),
    }


def tracking_view(d: Dossier) -> dict[str, Any]:
    """Public: no applicant, no officer names, no notes."""
    return {
        "code": d.code,
        "procedure_name": d.procedure_name,
        "status": str(d.status),
        "national_status": d.national_status,
        "accepted_at": _iso(d.accepted_at),
        "due_at": _iso(d.due_at),
        "history": [{"action": h.action, "at": _iso(h.at)} for h in d.history],
    }


def result_view(d: Dossier) -> dict[str, Any] | None:
    r = d.result
    if r is None or r.sha256 is None:
        return None
    return {
        "filename": r.filename,
        "verification_code": r.verification_code,
        "sha256": r.sha256,
        "size_bytes": r.size_bytes,
        "issued_at": _iso(r.issued_at),
        "downloaded_at": _iso(r.downloaded_at),
    }


def verification_view(d: Dossier) -> dict[str, Any]:
    """Public: that the result is authentic, and nothing personal."""
    if d.result is None:
        raise IncompleteRecord("d.result")
    return {
        "valid": True,
        "verification_code": d.result.verification_code,
        "dossier_code": d.code,
        "procedure_code": d.procedure_code,
        "procedure_name": d.procedure_name,
        "issued_at": _iso(d.result.issued_at),
        "sha256": d.result.sha256,
    }


def overdue_view(d: Dossier, overdue_hours: float) -> dict[str, Any]:
    """A line of the leaders' overdue list."""
    return {
        "id": d.id,
        "code": d.code,
        "procedure_name": d.procedure_name,
        "status": str(d.status),
        "due_at": _iso(d.due_at),
        "step": d.step,
        "step_due_at": _iso(d.step_due_at),
        "unit": d.unit,
        "officer": d.officer,
        "overdue_hours": overdue_hours,
    }
