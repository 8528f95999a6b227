"""Named errors that reach people as JSON: an HTTP status, a stable code, English and Vietnamese.

Every error a route can raise is an :class:`ApiError`; :func:`motcua_shared.api` turns it into
``{"error": {"code", "message", "message_vi", ...details}}``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ApiError(Exception):
    """Base of every error shown to an API client."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = "The request is not valid."
    message_vi: ClassVar[str] = "Yêu cầu không hợp lệ."

    def __init__(
        self,
        message: str | None = None,
        message_vi: str | None = None,
        **details: Any,
    ) -> None:
        self.text = message or self.message
        self.text_vi = message_vi or self.message_vi
        self.details = details
        super().__init__(self.text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.text,
                "message_vi": self.text_vi,
                **self.details,
            }
        }


class ValidationFailed(ApiError):
    status = 400
    code = "validation_error"
    message = "Some fields are not valid."
    message_vi = "Một số trường thông tin không hợp lệ."


class MalformedJson(ApiError):
    status = 400
    code = "malformed_json"
    message = "The request body is not valid JSON."
    message_vi = "Nội dung yêu cầu không phải JSON hợp lệ."


class Unauthenticated(ApiError):
    status = 401
    code = "unauthenticated"
    message = "Sign in first: a valid bearer token is required."
    message_vi = "Vui lòng đăng nhập: cần mã xác thực hợp lệ."


class Forbidden(ApiError):
    status = 403
    code = "forbidden"
    message = "Your role does not allow this action."
    message_vi = "Vai trò của bạn không được phép thực hiện thao tác này."


class NotFound(ApiError):
    status = 404
    code = "not_found"
    message = "Not found."
    message_vi = "Không tìm thấy."


class Conflict(ApiError):
    """Another writer changed the record first (optimistic locking). Raised for dossiers,
    payments, shipments and notifications alike: the message names no kind of record."""

    status = 409
    code = "conflict"
    message = "Someone else changed this record at the same time; reload and try again."
    message_vi = "Dữ liệu vừa được người khác cập nhật; vui lòng tải lại và thử lại."


class NoSuchRoute(ApiError):
    """A method and path no route of the API takes. API Gateway answers it 403 with
    ``{"message": "Missing Authentication Token"}`` (its MISSING_AUTHENTICATION_TOKEN gateway
    response: "including the cases when the client attempts to invoke an unsupported API method
    or resource"); our gateway responses add this error beside that message."""

    status = 403
    code = "no_such_route"
    message = "No operation of this API takes this method on this path."
    message_vi = "Không có chức năng nào ứng với phương thức và đường dẫn này."
    gateway_message = "Missing Authentication Token"

    def to_gateway_dict(self) -> dict[str, Any]:
        """API Gateway's own body, with our error beside it."""
        return {"message": self.gateway_message, **self.to_dict()}


class InternalError(ApiError):
    status = 500
    code = "internal_error"
    message = "Something went wrong on our side; please try again later."
    message_vi = "Hệ thống gặp sự cố; vui lòng thử lại sau."


def require_dossier_id(dossier_id: str) -> str:
    """A ``dossier_id`` query parameter a listing can look up (an empty or absurd value is no
    key): the value, or :class:`ValidationFailed` naming the field."""
    if not 1 <= len(dossier_id) <= 64:
        raise ValidationFailed(
            "Give the dossier_id.", "Cần cho biết mã định danh hồ sơ.", field="dossier_id"
        )
    return dossier_id


class IncompleteRecord(RuntimeError):
    """A record lacks what its state promises (a paid payment without its time, an assigned
    dossier without its unit): a broken invariant of our own, never the caller's fault. Raised
    instead of an ``assert``, which ``python -O`` would strip."""
