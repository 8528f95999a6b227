"""Intake's named failures, each with its HTTP status and bilingual message."""

from __future__ import annotations

from motcua_shared.errors import ApiError, Forbidden, NotFound, ValidationFailed


class InvalidTransition(ApiError):
    status = 409
    code = "invalid_transition"
    message = "This action is not possible in the dossier's current status."
    message_vi = "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ."


class UnknownProcedure(NotFound):
    code = "unknown_procedure"
    message = "No procedure has this code."
    message_vi = "Không có thủ tục hành chính với mã này."


class DossierNotFound(NotFound):
    code = "dossier_not_found"
    message = "No dossier with this id or code is visible to you."
    message_vi = "Không tìm thấy hồ sơ."


class MissingDocuments(ApiError):
    status = 422
    code = "missing_documents"
    message = "Required documents are missing or were not uploaded."
    message_vi = "Hồ sơ còn thiếu giấy tờ bắt buộc hoặc tệp chưa được tải lên."


class UnknownDocument(ApiError):
    status = 422
    code = "unknown_document"
    message = "The procedure does not list this document."
    message_vi = "Thủ tục không yêu cầu giấy tờ này."


class UnsupportedFileType(ApiError):
    status = 422
    code = "unsupported_file_type"
    message = "This file type is not accepted."
    message_vi = "Định dạng tệp không được chấp nhận."


class FileTooLarge(ApiError):
    status = 422
    code = "file_too_large"
    message = "The file is larger than allowed."
    message_vi = "Tệp vượt quá dung lượng cho phép."


class NotAssignedOfficer(Forbidden):
    code = "not_assigned"
    message = "Only the officer the dossier is assigned to (or a leader) can do this."
    message_vi = (
        "Chỉ chuyên viên được phân công xử lý hồ sơ (hoặc lãnh đạo) "
        "mới thực hiện được thao tác này."
    )


class AlreadyRated(ApiError):
    status = 409
    code = "already_rated"
    message = "This dossier has already been rated."
    message_vi = "Hồ sơ này đã được đánh giá."


class ExtensionNotNeeded(ApiError):
    status = 409
    code = "extension_not_needed"
    message = "Only a late or nearly late dossier (one working day left at most) can be extended."
    message_vi = "Chỉ gia hạn hồ sơ đã quá hạn hoặc sắp quá hạn (còn không quá một ngày làm việc)."


class InvalidNewDueDate(ApiError):
    status = 422
    code = "invalid_new_due_date"
    message = "The new appointment date must be later than the current one and than now."
    message_vi = "Ngày hẹn trả mới phải sau ngày hẹn hiện tại và sau thời điểm hiện tại."


class MissingResult(ApiError):
    status = 422
    code = "missing_result"
    message = "Upload the result document before approving a dossier whose result goes online."
    message_vi = "Cần tải lên văn bản kết quả trước khi phê duyệt hồ sơ trả kết quả trực tuyến."


class ResultNotAvailable(NotFound):
    code = "result_not_available"
    message = "This dossier has no electronic result."
    message_vi = "Hồ sơ chưa có kết quả điện tử."


class WrongAmount(ApiError):
    status = 422
    code = "wrong_amount"
    message = "The amount paid is not the dossier's fee."
    message_vi = "Số tiền thanh toán không đúng mức phí, lệ phí của hồ sơ."


class InvalidFormData(ValidationFailed):
    message = "The form data does not match the procedure's form."
    message_vi = "Thông tin tờ khai không đúng với mẫu của thủ tục."


class MissingFormFields(ApiError):
    status = 422
    code = "missing_form_fields"
    message = "Required items of the form are not filled in."
    message_vi = "Tờ khai còn thiếu thông tin bắt buộc."


class AttachmentNotFound(NotFound):
    code = "attachment_not_found"
    message = "The dossier has no uploaded file with this id."
    message_vi = "Hồ sơ không có tệp đính kèm này hoặc tệp chưa được tải lên."


class AttachmentTypeMismatch(ApiError):
    status = 422
    code = "attachment_type_mismatch"
    message = "An uploaded file is not of the type it was declared as."
    message_vi = "Tệp đã tải lên không đúng định dạng đã khai báo."


class FileExtensionMismatch(ApiError):
    status = 422
    code = "file_extension_mismatch"
    message = "The file name's extension does not match the file's type."
    message_vi = "Phần mở rộng của tên tệp không đúng với định dạng tệp."


class AttachmentSizeMismatch(ApiError):
    status = 422
    code = "attachment_size_mismatch"
    message = "An uploaded file is not the size that was declared for it."
    message_vi = "Tệp đã tải lên không đúng dung lượng đã khai báo; vui lòng tải lên lại."


class DocumentNotRequested(ApiError):
    status = 409
    code = "document_not_requested"
    message = (
        "The dossier was submitted: only the documents the desk asked to supplement can be "
        "uploaded again."
    )
    message_vi = "Hồ sơ đã được nộp: chỉ được tải lên lại các giấy tờ mà cán bộ yêu cầu bổ sung."


class NoOpenSupplement(RuntimeError):
    """A dossier awaits a supplement but holds no open request: its record contradicts itself
    (an internal error, not the caller's)."""
