"""Intake's named failures, each with its HTTP status and bilingual message."""

from __future__ import annotations

from motcua_shared.errors import ApiError, Forbidden, NotFound


class InvalidTransition(ApiError):
    status = 409
    code = "invalid_transition"
    message = "This action is not possible in the dossier's current status."
    message_vi = "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ."


class UnknownProcedure(ApiError):
    status = 404
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
    message = "Only the officer the dossier is assigned to can do this."
    message_vi = "Chỉ chuyên viên được phân công xử lý hồ sơ mới thực hiện được thao tác này."
