// What the portal calls each thing the API names by code: statuses, actions, steps, channels,
// payments and shipments. Every page reads its words here (one table per vocabulary; where the
// officers' pages word an entry from the desk's side, that wording sits beside the applicant's).

export const STATUS = {
  draft: "Bản nháp",
  submitted: "Đã nộp, chờ tiếp nhận",
  supplement_requested: "Cần bổ sung",
  refused: "Từ chối tiếp nhận",
  accepted: "Đã tiếp nhận",
  processing: "Đang xử lý",
  fee_requested: "Chờ nộp phí, lệ phí",
  result_ready: "Có kết quả, chờ trả",
  returned: "Đã trả kết quả",
  withdrawn: "Đã rút hồ sơ",
  stopped: "Dừng xử lý",
};

/** The badge colour of a status (none: neutral). */
export const STATUS_TONE = { returned: "ok", refused: "bad", stopped: "bad", supplement_requested: "warn", fee_requested: "warn" };

// The steps of a dossier's history as the applicant and the public read them...
export const ACTIONS = {
  create: "Tạo hồ sơ",
  submit: "Nộp hồ sơ",
  accept: "Tiếp nhận hồ sơ",
  request_fee: "Yêu cầu nộp phí, lệ phí",
  confirm_payment: "Đã nộp phí, lệ phí",
  request_supplement: "Yêu cầu bổ sung hồ sơ",
  resubmit: "Nộp bổ sung hồ sơ",
  refuse: "Từ chối tiếp nhận",
  assign: "Chuyển phòng chuyên môn xử lý",
  approve: "Có kết quả giải quyết",
  return: "Trả kết quả",
  receive_online: "Nhận kết quả trực tuyến",
  receive_originals: "Bộ phận Một cửa nhận hồ sơ gốc qua bưu điện",
  note_delivery: "Bưu điện cập nhật việc phát kết quả",
  withdraw: "Rút hồ sơ",
  stop: "Dừng xử lý",
  extend: "Gia hạn, hẹn lại ngày trả kết quả",
  rate: "Đánh giá mức độ hài lòng",
};

// ...and as the officers read them, worded from the desk's side where it differs.
export const STAFF_ACTIONS = {
  ...ACTIONS,
  confirm_payment: "Xác nhận đã nộp phí, lệ phí",
  approve: "Phê duyệt kết quả",
  extend: "Gia hạn, hẹn lại ngày trả",
  receive_online: "Người nộp nhận kết quả trực tuyến",
  receive_originals: "Bưu điện chuyển bản gốc hồ sơ đến Bộ phận Một cửa",
  note_delivery: "Bưu điện cập nhật tình trạng chuyển phát",
};

/** The steps of processing (Mẫu 06) and their holders. */
export const STEPS = {
  reception: "Tiếp nhận hồ sơ",
  desk: "Bộ phận Một cửa",
  processing: "Phòng chuyên môn xử lý",
  return: "Trả kết quả",
};

export const TIMELINESS = { early: "Trước hạn", on_time: "Đúng hạn", late: "Quá hạn" };

export const DELIVERY = {
  online: "Nhận bản điện tử trực tuyến",
  in_person: "Nhận trực tiếp tại Bộ phận Một cửa",
  postal: "Nhận qua dịch vụ bưu chính công ích",
};

export const LEVEL = { partial: "Một phần", full: "Toàn trình" };

/** KenhThucHien: how the dossier was filed. */
export const FILING_CHANNELS = { 1: "Trực tiếp", 2: "Trực tuyến", 3: "Qua dịch vụ bưu chính công ích" };

/** LoaiDoiTuong: who files. */
export const APPLICANT_KINDS = {
  citizen: "Cá nhân", enterprise: "Doanh nghiệp", state_agency: "Cơ quan nhà nước", organisation: "Tổ chức",
};

export const PAYMENT_STATUS = { pending: "Đang chờ thanh toán", succeeded: "Thành công", failed: "Không thành công", expired: "Hết hạn", refund_due: "Phải hoàn trả" };
/** Payment statuses as the applicant reads them (the money owed back is theirs to receive). */
export const APPLICANT_PAYMENT_STATUS = { ...PAYMENT_STATUS, refund_due: "Sẽ được hoàn trả" };
export const PAYMENT_TONE = { succeeded: "ok", failed: "bad", expired: "warn", refund_due: "bad" };
export const PAYMENT_METHOD = { counter: "Nộp tại quầy", online: "Thanh toán trực tuyến" };

export const SHIPMENT_STATUS = {
  booking: "Đang đặt bưu điện",
  booked: "Đã đặt bưu điện",
  booking_failed: "Đặt bưu điện không thành công",
  accepted_by_post: "Bưu điện đã nhận",
  delivering: "Đang phát",
  delivered: "Đã phát thành công",
  failed: "Phát không thành công",
  returned: "Đã hoàn trả",
  cancelled: "Đã huỷ",
};
/** Shipment statuses as the applicant reads them. */
export const APPLICANT_SHIPMENT_STATUS = {
  booking: "Đang đặt dịch vụ bưu chính", booked: "Đã đặt, chờ bưu điện nhận", booking_failed: "Đặt dịch vụ không thành công",
  accepted_by_post: "Bưu điện đã nhận", delivering: "Đang phát", delivered: "Đã phát thành công",
  failed: "Phát không thành công", returned: "Đã hoàn trả", cancelled: "Đã hủy",
};
export const SHIPMENT_TONE = { delivered: "ok", booking_failed: "bad", failed: "bad", returned: "bad", cancelled: "bad" };
export const SHIPMENT_PURPOSE = { result: "Chuyển kết quả cho người nộp", pickup: "Thu gom bản gốc hồ sơ về Bộ phận Một cửa" };
export const APPLICANT_SHIPMENT_PURPOSE = { result: "Gửi kết quả đến Ông/Bà", pickup: "Thu gom hồ sơ gốc về Bộ phận Một cửa" };

/** The notices an applicant receives, by event type. */
export const EVENTS = {
  "dossier.submitted": "Xác nhận đã nộp hồ sơ",
  "dossier.accepted": "Hồ sơ được tiếp nhận, hẹn trả kết quả",
  "dossier.supplement_requested": "Yêu cầu bổ sung hồ sơ",
  "dossier.refused": "Từ chối tiếp nhận hồ sơ",
  "dossier.fee_requested": "Thông báo nộp phí, lệ phí",
  "payment.succeeded": "Thanh toán thành công",
  "payment.failed": "Thanh toán không thành công",
  "dossier.result_ready": "Đã có kết quả giải quyết",
  "shipment.booked": "Kết quả được gửi qua bưu điện",
  "shipment.delivered": "Bưu điện đã phát kết quả",
  "shipment.failed": "Bưu điện phát kết quả không thành công",
  "dossier.returned": "Đã trả kết quả",
  "dossier.extended": "Gia hạn, hẹn lại ngày trả kết quả",
  "dossier.withdrawn": "Xác nhận rút hồ sơ",
  "dossier.stopped": "Dừng xử lý hồ sơ",
  "dossier.due_soon": "Hồ sơ sắp đến hạn",
  "dossier.overdue": "Hồ sơ quá hạn",
};
export const NOTICE_CHANNELS = { email: "Thư điện tử", sms: "Tin nhắn SMS" };
export const SENDING = {
  created: "Chờ gửi", sending: "Đang gửi", sent: "Đã gửi", delivered: "Đã đến người nhận",
  "temporary-failure": "Gửi lỗi, sẽ gửi lại", "permanent-failure": "Không gửi được", "technical-failure": "Lỗi kỹ thuật",
};

export const TIME_UNITS = { working_days: "ngày làm việc", days: "ngày" };
