"""Payment's named failures, each with its HTTP status and bilingual message."""

from __future__ import annotations

from motcua_shared.errors import ApiError, NotFound


class NoFeeRequested(NotFound):
    code = "no_fee_requested"
    message = "No fee is requested for this dossier (or it is not yours)."
    message_vi = "Hồ sơ không có yêu cầu nộp phí, lệ phí (hoặc không phải hồ sơ của bạn)."


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    message = "No payment with this reference is visible to you."
    message_vi = "Không tìm thấy giao dịch thanh toán."


class AlreadyPaid(ApiError):
    status = 409
    code = "already_paid"
    message = "The fee of this dossier is already paid."
    message_vi = "Phí, lệ phí của hồ sơ này đã được thanh toán."


class FeeNoLongerOwed(ApiError):
    status = 409
    code = "fee_no_longer_owed"
    message = (
        "The fee of this dossier is no longer owed: the dossier was withdrawn, refused or stopped."
    )
    message_vi = "Hồ sơ đã được rút, bị từ chối hoặc bị dừng xử lý: không còn phải nộp phí, lệ phí."


class ProviderNotConfigured(ApiError):
    status = 503
    code = "provider_not_configured"
    message = "Online payment is not configured."
    message_vi = "Chưa cấu hình cổng thanh toán trực tuyến."
