"""Named API errors: one not-found family, and a conflict message true of every resource."""

from __future__ import annotations

from chalicelib.intake.domain.errors import DossierNotFound, UnknownProcedure
from motcua_shared.errors import ApiError, Conflict, NotFound


def test_an_unknown_procedure_is_a_not_found_error() -> None:
    """RFC 9110 §15.5.5: 404 means the target resource was not found. Every 404 the services
    answer is a NotFound, so that code handling "not found" (and the OpenAPI document's 404)
    covers an unknown procedure as it covers an unknown dossier."""
    for error in (UnknownProcedure(), DossierNotFound()):
        assert isinstance(error, NotFound)
        assert error.status == 404
    assert UnknownProcedure().to_dict() == {
        "error": {
            "code": "unknown_procedure",
            "message": "No procedure has this code.",
            "message_vi": "Không có thủ tục hành chính với mã này.",
        }
    }


def test_the_shared_conflict_does_not_call_every_record_a_dossier() -> None:
    """RFC 9110 §15.5.10: 409 reports a conflict with the current state of the target
    resource. Payments, shipments and notifications raise the shared Conflict too: its message
    names no particular kind of record (it said "Hồ sơ", a dossier, for all of them)."""
    body = Conflict().to_dict()["error"]
    assert body == {
        "code": "conflict",
        "message": "Someone else changed this record at the same time; reload and try again.",
        "message_vi": "Dữ liệu vừa được người khác cập nhật; vui lòng tải lại và thử lại.",
    }
    assert issubclass(Conflict, ApiError)
    assert Conflict.status == 409
