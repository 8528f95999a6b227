"""What each form prints, read from the dossier in the render context: plain text values that
the templates under templates/ lay out (and escape). No markup here."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.intake.documents.formatting import (
    display,
    format_date_line,
    format_hours,
    format_time,
)
from chalicelib.intake.documents.labels import (
    ATTACHMENT_STATUSES,
    CHANNELS,
    DASH,
    DELIVERY_METHODS,
    HANDOFF_RESULTS,
    QR_CAPTION,
    QR_RESULT_CAPTION,
    STEP_NAMES,
)
from chalicelib.intake.documents.qr import qr_svg

Row = tuple[str, str]  # label, value of a two-column table
Cell = tuple[str, str]  # class, text of a grid cell
Signature = tuple[str, str, str]  # role, hint, name ("" leaves the line blank)
Variables = dict[str, Any]
SIGN_HINT = "(Ký và ghi rõ họ tên)"


def get(mapping: Any, key: str) -> Any:
    """``mapping[key]`` when ``mapping`` is a mapping holding it, else None."""
    return mapping.get(key) if isinstance(mapping, Mapping) else None


def items(value: Any) -> list[Mapping[str, Any]]:
    """The mappings of a list (anything else in it, or a value that is no list: none)."""
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def last(value: Any) -> Mapping[str, Any]:
    """The last mapping of a list, or an empty one."""
    found = items(value)
    return found[-1] if found else {}


def received_at(dossier: Mapping[str, Any]) -> Any:
    """When the desk received the dossier: its acceptance, or its submission before that."""
    accepted = get(dossier, "accepted_at")
    return accepted if accepted else get(dossier, "submitted_at")


def _cell(value: Any, cls: str = "") -> Cell:
    return cls, display(value)


def _rows(pairs: Sequence[tuple[str, Any]]) -> list[Row]:
    return [(label, display(value)) for label, value in pairs]


def _signer(name: Any) -> str:
    return "" if name is None else display(name)


def _applicant_rows(dossier: Mapping[str, Any]) -> list[Row]:
    applicant = get(dossier, "applicant")
    return _rows(
        [
            ("Họ và tên người nộp", get(applicant, "full_name")),
            ("Số định danh cá nhân/CCCD", get(applicant, "id_number")),
            ("Số điện thoại", get(applicant, "phone")),
            ("Thư điện tử (email)", get(applicant, "email")),
            ("Địa chỉ", get(applicant, "address")),
        ]
    )


def _request(dossier: Mapping[str, Any]) -> dict[str, str]:
    """The requested procedure (and its code), and what the applicant wrote ("" when none)."""
    code = display(get(dossier, "procedure_code"))
    detail = display(get(dossier, "request_content"))
    return {
        "procedure": display(get(dossier, "procedure_name")),
        "procedure_code": "" if code == DASH else code,
        "detail": "" if detail == DASH else detail,
    }


def _common(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> Variables:
    return {
        "agency_name": display(get(context, "agency_name")),
        "applicant_rows": _applicant_rows(dossier),
        "request": _request(dossier),
    }


def _document_names(context: Mapping[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for doc in items(get(context, "documents")):
        code, name = doc.get("code"), doc.get("name")
        if code is not None and name:
            names[str(code)] = str(name)
    return names


def _acting_officer(dossier: Mapping[str, Any], action: str, name: Any) -> Any:
    """The officer who took ``action`` on the dossier, by the full name recorded with it (or, for
    a dossier from before names were recorded, the username in its history); never whoever
    prints the slip."""
    if name:
        return name
    done = [h for h in items(get(dossier, "history")) if h.get("action") == action]
    return done[-1].get("actor") if done else None


def _delivery(dossier: Mapping[str, Any]) -> str:
    method = display(get(dossier, "delivery_method"))
    text = DELIVERY_METHODS.get(method, method)
    if method == "postal":
        text += f" — địa chỉ nhận: {display(get(dossier, 'delivery_address'))}"
    return text


def _channel(dossier: Mapping[str, Any]) -> str:
    channel = display(get(dossier, "channel"))
    return CHANNELS.get(channel, channel)


# --- the forms ------------------------------------------------------------------------------


def receipt(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> Variables:
    """Form 01: what was received, when, and when the result is due."""
    names = _document_names(context)
    attachments = [
        [
            _cell(index, "num"),
            _cell(names.get(str(att.get("document_code")), att.get("document_code"))),
            _cell(att.get("filename")),
            _cell(ATTACHMENT_STATUSES.get(str(att.get("status")), display(att.get("status")))),
        ]
        for index, att in enumerate(items(get(dossier, "attachments")), start=1)
    ]
    officer = _acting_officer(dossier, "accept", get(dossier, "accepted_by"))
    return {
        **_common(context, dossier),
        "attachments": attachments,
        "terms": _rows(
            [
                ("Hình thức nộp hồ sơ", _channel(dossier)),
                ("Thời gian nhận hồ sơ", format_time(received_at(dossier))),
                ("Thời gian hẹn trả kết quả", format_time(get(dossier, "due_at"))),
                ("Hình thức nhận kết quả", _delivery(dossier)),
            ]
        ),
        "in_person": get(dossier, "delivery_method") == "in_person",
        "signers": [
            ("NGƯỜI NỘP HỒ SƠ", SIGN_HINT, ""),
            ("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_HINT, _signer(officer)),
        ],
    }


def supplement_request(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> Variables:
    """Form 02: the last supplement request, item by item, and the officer who guides."""
    request = last(get(dossier, "supplement_requests"))
    blank: Cell = ("blank", "")
    rows = [
        [
            _cell(index, "num"),
            _cell(item.get("document_name") or item.get("document_code")),
            blank,
            blank,
            blank,
            _cell(item.get("note")),
        ]
        for index, item in enumerate(items(request.get("items")), start=1)
    ]
    officer = _acting_officer(dossier, "request_supplement", request.get("requested_by_name"))
    return {
        **_common(context, dossier),
        "items": rows,
        "terms": _rows(
            [
                ("Lý do", request.get("reason")),
                ("Thời gian yêu cầu", format_time(request.get("requested_at"))),
                ("Người yêu cầu", officer),
            ]
        ),
        "officer": display(officer),
        "signers": [
            ("NGƯỜI NỘP HỒ SƠ", SIGN_HINT, ""),
            ("NGƯỜI HƯỚNG DẪN", SIGN_HINT, _signer(officer)),
        ],
    }


def refusal(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> Variables:
    """Form 03: the refusal and its reason."""
    officer = _acting_officer(dossier, "refuse", get(dossier, "refused_by"))
    return {
        **_common(context, dossier),
        "terms": _rows([("Thời gian nộp hồ sơ", format_time(get(dossier, "submitted_at")))]),
        "reason": display(get(dossier, "refusal_reason")),
        "signers": [
            ("NGƯỜI NỘP HỒ SƠ", SIGN_HINT, ""),
            ("NGƯỜI TIẾP NHẬN HỒ SƠ", SIGN_HINT, _signer(officer)),
        ],
    }


def apology(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> Variables:
    """Form 04: the apology for the last extension, with the new date."""
    extension = last(get(dossier, "extensions"))
    return {
        **_common(context, dossier),
        "addressee": display(get(get(dossier, "applicant"), "full_name")),
        "contact_rows": _applicant_rows(dossier)[1:],
        "code": display(get(dossier, "code")),
        "received": format_time(received_at(dossier)),
        "previous_due": format_time(extension.get("previous_due_at")),
        "new_due": format_time(extension.get("new_due_at")),
        "reason": display(extension.get("reason")),
        "signers": [("", "", ""), ("THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", "")],
    }


def control_sheet(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> Variables:
    """Form 06: every hand-off of the dossier with the time it was given and used."""
    rows: list[list[Cell]] = []
    for index, handoff in enumerate(items(get(dossier, "handoffs")), start=1):
        step = display(handoff.get("step"))
        result = handoff.get("result")
        rows.append(
            [
                _cell(index, "num"),
                _cell(STEP_NAMES.get(step, step)),
                _cell(handoff.get("from_unit")),
                _cell(handoff.get("to_unit")),
                _cell(format_time(handoff.get("at"))),
                _cell(handoff.get("giver")),
                _cell(handoff.get("receiver")),
                _cell(format_hours(handoff.get("allotted_hours")), "num"),
                _cell(format_hours(handoff.get("used_hours")), "num"),
                _cell(HANDOFF_RESULTS.get(str(result), display(result))),
                _cell(handoff.get("note")),
            ]
        )
    return {
        "summary": _rows(
            [
                ("Người nộp hồ sơ", get(get(dossier, "applicant"), "full_name")),
                ("Thủ tục", get(dossier, "procedure_name")),
                ("Thời gian nhận hồ sơ", format_time(received_at(dossier))),
                ("Thời gian hẹn trả kết quả", format_time(get(dossier, "due_at"))),
                ("Cơ quan (bộ phận) giải quyết", get(dossier, "unit")),
                ("Cán bộ xử lý", get(dossier, "officer")),
            ]
        ),
        "handoffs": rows,
        "returned": _rows([("Thời gian trả kết quả", format_time(get(dossier, "returned_at")))]),
    }


def result(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> Variables:
    """A slip to print with (or stamp on) the result: the QR leads to the public verification."""
    issued = get(dossier, "result")
    if not isinstance(issued, Mapping):
        return {"facts": None}
    return {
        "facts": _rows(
            [
                ("Thủ tục", get(dossier, "procedure_name")),
                ("Kết quả giải quyết", get(dossier, "result_summary")),
                ("Ngày cấp", format_time(get(issued, "issued_at"))),
                ("Mã xác thực", get(issued, "verification_code")),
                ("Mã băm SHA-256 của tệp", get(issued, "sha256")),
            ]
        )
    }


def _dated_receipt(dossier: Mapping[str, Any]) -> Any:
    return received_at(dossier)


def _dated_supplement(dossier: Mapping[str, Any]) -> Any:
    return last(get(dossier, "supplement_requests")).get("requested_at")


def _dated_apology(dossier: Mapping[str, Any]) -> Any:
    return last(get(dossier, "extensions")).get("at")


def _undated(dossier: Mapping[str, Any]) -> Any:
    return None


def _dated_result(dossier: Mapping[str, Any]) -> Any:
    return get(get(dossier, "result"), "issued_at")


@dataclass(frozen=True)
class Form:
    """One printable form: its number in the circular ("" for none), its title, what it reads
    from the dossier, and the date written under the motto (when the form's event happened)."""

    number: str
    title: str
    build: Callable[[Mapping[str, Any], Mapping[str, Any]], Variables]
    dated: Callable[[Mapping[str, Any]], Any]
    verifies_result: bool = False


FORMS: dict[str, Form] = {
    "receipt": Form("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", receipt, _dated_receipt),
    "supplement_request": Form(
        "02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", supplement_request, _dated_supplement
    ),
    "refusal": Form("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", refusal, _undated),
    "apology": Form("04", "VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", apology, _dated_apology),
    "control_sheet": Form(
        "06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", control_sheet, _dated_receipt
    ),
    "result": Form(
        "",
        "PHIẾU XÁC THỰC KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
        result,
        _dated_result,
        verifies_result=True,
    ),
}


def page_variables(kind: str, context: Mapping[str, Any]) -> Variables:
    """Everything the template of form ``kind`` prints: the page's heading, title and code box,
    then what the form itself reads from the dossier."""
    form = FORMS[kind]
    raw_dossier = context.get("dossier")
    dossier: Mapping[str, Any] = raw_dossier if isinstance(raw_dossier, Mapping) else {}
    code = display(get(dossier, "code"))
    url = display(context.get("verification_url" if form.verifies_result else "tracking_url"))
    number = f"Mẫu số {form.number} – " if form.number else ""
    return {
        "page_title": f"{number}{form.title.capitalize()} – {code}",
        "form_no": form.number,
        "title": form.title,
        "agency": display(context.get("agency_name")).upper(),
        "date_line": format_date_line(form.dated(dossier)),
        "code": code,
        "qr_caption": QR_RESULT_CAPTION if form.verifies_result else QR_CAPTION,
        "qr_url": "" if url == DASH else url,
        "qr_svg": "" if url == DASH else qr_svg(url),
        **form.build(context, dossier),
    }
