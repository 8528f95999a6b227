"""Delivery's named failures, each with its HTTP status and bilingual message."""

from __future__ import annotations

from motcua_shared.errors import ApiError, NotFound, Unauthenticated


class ShipmentNotFound(NotFound):
    code = "shipment_not_found"
    message = "No shipment with this id or waybill number is visible to you."
    message_vi = "Không tìm thấy bưu gửi."


class NotRebookable(ApiError):
    status = 409
    code = "not_rebookable"
    message = "Only a failed, returned or refused shipment can be booked again."
    message_vi = (
        "Chỉ đặt lại dịch vụ cho bưu gửi phát không thành công, bị hoàn trả hoặc bị từ chối."
    )


class BadCallbackSignature(Unauthenticated):
    code = "bad_signature"
    message = "The callback's SignData does not verify."
    message_vi = "Chữ ký dữ liệu (SignData) không hợp lệ."


class CallbackNotConfigured(ApiError):
    """The secret that signs the post office's callbacks is missing, empty or unreadable: a
    configuration error (logged as ALARM), never a reason to accept an unsigned callback."""

    status = 503
    code = "callback_not_configured"
    message = (
        "Status callbacks cannot be checked yet: the post office's signing secret is not "
        "configured. Nothing was changed; send the callback again later."
    )
    message_vi = (
        "Chưa thể kiểm tra thông báo trạng thái vì khóa ký của bưu điện chưa được cấu hình. "
        "Không có thay đổi nào; vui lòng gửi lại sau."
    )


class MalformedCallback(ApiError):
    status = 400
    code = "malformed_callback"
    message = "The callback is not {Data, SendDate, SignData} with Data a JSON string."
    message_vi = "Dữ liệu gọi lại không đúng định dạng."
