"""Notify's named failures, each with its HTTP status and bilingual message."""

from __future__ import annotations

from motcua_shared.errors import ApiError, NotFound, Unauthenticated


class UnknownProvider(NotFound):
    code = "unknown_provider"
    message = "No message provider of that name sends receipts here."
    message_vi = "Không có nhà cung cấp dịch vụ tin nhắn này."


class ReceiptsNotConfigured(ApiError):
    """The secret that signs this provider's receipts is missing, empty or unreadable: a
    configuration error (logged as ALARM), never a reason to accept an unsigned receipt."""

    status = 503
    code = "receipts_not_configured"
    message = (
        "Delivery receipts from this provider cannot be checked yet: its signing secret is not "
        "configured. Nothing was changed; send the receipt again later."
    )
    message_vi = (
        "Chưa thể kiểm tra biên nhận của nhà cung cấp này vì khóa ký chưa được cấu hình. "
        "Không có thay đổi nào; vui lòng gửi lại sau."
    )


class UnknownMessage(NotFound):
    code = "unknown_message"
    message = "No notification was sent with this provider message id."
    message_vi = "Không tìm thấy tin nhắn đã gửi có mã này."


class BadReceiptSignature(Unauthenticated):
    code = "bad_signature"
    message = "The receipt's X-Motcua-Signature does not verify."
    message_vi = "Chữ ký của biên nhận không hợp lệ."


class MalformedReceipt(ApiError):
    status = 400
    code = "malformed_receipt"
    message = "The receipt is not one this provider sends."
    message_vi = "Biên nhận không đúng định dạng."


class FactsNotYetKnown(RuntimeError):
    """An event about a dossier notify has not heard of yet (its dossier event is still on the
    way): the message is retried later, and ends in the DLQ if the dossier never shows up."""
