"""What the forms print for the codes a dossier stores (data, no logic)."""

from __future__ import annotations

DASH = "—"
QR_CAPTION = "Quét mã để tra cứu tiến độ hồ sơ"
QR_RESULT_CAPTION = "Quét mã để xác thực kết quả"

DELIVERY_METHODS: dict[str, str] = {
    "online": "Nhận kết quả trực tuyến",
    "in_person": "Nhận trực tiếp tại Bộ phận Một cửa",
    "postal": "Nhận qua dịch vụ bưu chính công ích",
}
# KenhThucHien of the national portal (domain.model.Channel).
CHANNELS: dict[str, str] = {
    "1": "Trực tiếp tại Bộ phận Một cửa",
    "2": "Trực tuyến",
    "3": "Qua dịch vụ bưu chính công ích",
    "in_person": "Trực tiếp tại Bộ phận Một cửa",
    "online": "Trực tuyến",
    "postal": "Qua dịch vụ bưu chính công ích",
}
HANDOFF_RESULTS: dict[str, str] = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
}
ATTACHMENT_STATUSES: dict[str, str] = {
    "uploaded": "Đã nhận",
    "pending_upload": "Chưa tải lên",
}
# The steps of domain/steps.py (plus "reception", the hand-over by the applicant).
STEP_NAMES: dict[str, str] = {
    "reception": "Tiếp nhận hồ sơ",
    "desk": "Bộ phận Một cửa chuyển xử lý",
    "processing": "Thẩm định, xử lý",
    "return": "Trả kết quả",
}
