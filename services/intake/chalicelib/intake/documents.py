"""Printable one-stop forms (Circular 01/2018, 03/2025) as complete Vietnamese HTML pages.

Forms 01 (receipt), 02 (supplement request), 03 (refusal), 04 (apology and new date) and
06 (processing control sheet). Each page is self-contained: inline CSS for screen and A4 print,
an inline SVG QR code of the tracking address, no scripts and no external resources.

Plain string building: every value from the context goes through ``_esc`` (``html.escape``);
the only markup not built here is the QR SVG produced by segno.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

KINDS: tuple[str, ...] = (
    "receipt",
    "supplement_request",
    "refusal",
    "apology",
    "control_sheet",
    "result",
)

DASH = "—"
QR_CAPTION = "Quét mã để tra cứu tiến độ hồ sơ"
QR_RESULT_CAPTION = "Quét mã để xác thực kết quả"
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

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


class UnknownDocumentKind(ValueError):
    """``render`` was asked for a form that is not in ``KINDS``."""


# --- value formatting (plain text; escaping happens where markup is built) -----------------


def display(value: Any) -> str:
    """The text shown for a value: "—" for None or an empty string."""
    if value is None:
        return DASH
    text = str(value).strip()
    return text if text else DASH


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    # Slips are read in Vietnam: show aware times in Vietnam time, naive ones as they are.
    return parsed.astimezone(VIETNAM_TZ) if parsed.tzinfo is not None else parsed


def format_time(value: Any) -> str:
    """Display time: "2026-11-23T09:30:00+07:00" -> "09:30 ngày 23/11/2026"; "—" if missing."""
    parsed = _parse_time(value)
    if parsed is None:
        return display(value)
    if isinstance(value, str) and len(value.strip()) == 10:  # a date without a time
        return parsed.strftime("%d/%m/%Y")
    return parsed.strftime("%H:%M ngày %d/%m/%Y")


def format_date_line(value: Any) -> str:
    """The dated line under the motto: "Ngày 23 tháng 11 năm 2026" (blanks when unknown)."""
    parsed = _parse_time(value)
    if parsed is None:
        return "Ngày …… tháng …… năm ……"
    return f"Ngày {parsed:%d} tháng {parsed:%m} năm {parsed:%Y}"


def format_hours(value: Any) -> str:
    """8 -> "8", 7.5 -> "7,5" (Vietnamese decimal comma); "—" when missing."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return display(value)
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _esc(value: Any) -> str:
    return html.escape(display(value), quote=True)


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, Mapping) else None


def _items(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _last(value: Any) -> Mapping[str, Any]:
    items = _items(value)
    return items[-1] if items else {}


# --- QR code --------------------------------------------------------------------------------


def qr_svg(text: str) -> str:
    """An inline ``<svg>`` QR code (error correction M) encoding ``text``."""
    import segno  # lazy: only the printing paths need it

    out = io.BytesIO()
    segno.make(text, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, scale=3, svgclass="qr-code"
    )
    return out.getvalue().decode("utf-8").strip()


# --- building blocks ------------------------------------------------------------------------

CSS = """
* { box-sizing: border-box; }
html { background: #e8e8e8; }
body {
  margin: 0; padding: 12mm 0; color: #000;
  font-family: "Times New Roman", Times, "Liberation Serif", "DejaVu Serif", serif;
  font-size: 13pt; line-height: 1.45;
}
.page {
  width: 210mm; max-width: 100%; min-height: 297mm; margin: 0 auto; padding: 15mm;
  background: #fff; box-shadow: 0 1px 6px rgba(0, 0, 0, .25);
}
.heading { width: 100%; border-collapse: collapse; margin-bottom: 4mm; }
.heading td { width: 50%; vertical-align: top; text-align: center; padding: 0 2mm; }
.agency { font-weight: bold; }
.unit-line { font-weight: normal; font-size: 12pt; }
.motto-1 { font-weight: bold; font-size: 12pt; white-space: nowrap; }
.motto-2 { font-weight: bold; }
.rule { display: block; width: 40%; margin: 1mm auto 0; border-top: 1px solid #000; }
.date-line { font-style: italic; margin-top: 2mm; }
.form-no { text-align: right; font-style: italic; margin: 0 0 2mm; font-size: 12pt; }
h1 { text-align: center; font-size: 15pt; margin: 4mm 0 3mm; letter-spacing: .02em; }
.code-box {
  display: flex; align-items: center; justify-content: space-between; gap: 6mm;
  border: 1px solid #000; padding: 2mm 4mm; margin: 0 0 5mm;
}
.code-box .code-label { font-size: 12pt; }
.code-box .code { font-size: 16pt; font-weight: bold; letter-spacing: .03em; }
.qr { margin: 0; text-align: center; flex: none; width: 36mm; }
.qr svg { display: block; width: 30mm; height: 30mm; margin: 0 auto; }
.qr figcaption { font-size: 9.5pt; line-height: 1.25; }
.qr-url { display: block; font-size: 7.5pt; word-break: break-all; color: #333; }
.fields { width: 100%; border-collapse: collapse; margin: 0 0 3mm; }
.fields th { width: 38%; text-align: left; font-weight: normal; vertical-align: top;
  padding: .6mm 2mm .6mm 0; }
.fields td { font-weight: bold; vertical-align: top; padding: .6mm 0; }
.grid { width: 100%; border-collapse: collapse; margin: 1mm 0 4mm; font-size: 11.5pt; }
.grid th, .grid td { border: 1px solid #000; padding: 1mm 1.5mm; vertical-align: top; }
.grid th { background: #f0f0f0; text-align: center; }
.grid td.num { text-align: center; white-space: nowrap; }
.grid td.blank { min-width: 14mm; }
.grid thead { display: table-header-group; }
.grid tr { break-inside: avoid; page-break-inside: avoid; }
.control .grid { font-size: 10pt; }
section { margin: 0 0 3mm; }
h2 { font-size: 13pt; margin: 3mm 0 1mm; }
p { margin: 1mm 0; text-align: justify; }
.request-detail { white-space: pre-line; }
.signatures { width: 100%; border-collapse: collapse; margin-top: 8mm; break-inside: avoid; }
.signatures td { width: 50%; text-align: center; vertical-align: top; padding: 0 2mm; }
.signatures .role { font-weight: bold; }
.signatures .hint { font-style: italic; font-size: 11pt; }
.signatures .name { padding-top: 20mm; font-weight: bold; }
@page { size: A4; margin: 15mm; }
@media print {
  html, body { background: #fff; }
  body { padding: 0; font-size: 12.5pt; }
  .page { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  .grid th { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@media screen and (max-width: 220mm) {
  body { padding: 0; }
  .page { width: auto; min-height: 0; padding: 6mm; box-shadow: none; }
  .code-box { flex-wrap: wrap; }
}
""".strip()


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n"
        f'<body>\n<main class="page">\n{body}\n</main>\n</body>\n</html>\n'
    )


def _heading(agency_name: Any, form_no: str, dated: Any) -> str:
    agency = display(agency_name)
    unit = '<br><span class="unit-line">BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ</span>'
    number = f'<p class="form-no">Mẫu số {html.escape(form_no)}</p>\n' if form_no else ""
    return (
        number + '<table class="heading" role="presentation"><tr>\n'
        f'<td><div class="agency">{html.escape(agency.upper())}{unit}</div>'
        '<span class="rule"></span></td>\n'
        '<td><div class="motto-1">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>'
        '<div class="motto-2">Độc lập - Tự do - Hạnh phúc</div><span class="rule"></span>'
        f'<div class="date-line">{html.escape(format_date_line(dated))}</div></td>\n'
        "</tr></table>"
    )


def _code_box(code: Any, tracking_url: Any, qr_caption: str = QR_CAPTION) -> str:
    url = display(tracking_url)
    if url == DASH:
        caption = f"{html.escape(qr_caption)}: {DASH}"
        qr = f'<figure class="qr"><figcaption>{caption}</figcaption></figure>'
    else:
        qr = (
            '<figure class="qr">'
            f"{qr_svg(url)}<figcaption>{html.escape(qr_caption)}"
            f'<span class="qr-url">{html.escape(url)}</span></figcaption></figure>'
        )
    return (
        '<div class="code-box"><div><div class="code-label">Mã hồ sơ</div>'
        f'<div class="code">{_esc(code)}</div></div>{qr}</div>'
    )


def _fields(rows: Sequence[tuple[str, Any]]) -> str:
    """A two-column label / value table; values are plain text (escaped here)."""
    body = "\n".join(
        f"<tr><th>{html.escape(label)}:</th><td>{_esc(v)}</td></tr>" for label, v in rows
    )
    return f'<table class="fields">\n{body}\n</table>'


def _grid(headers: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    """A bordered table; cells in ``rows`` are already-escaped HTML."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    if rows:
        body = "\n".join("<tr>" + "".join(cells) + "</tr>" for cells in rows)
    else:
        body = f'<tr><td colspan="{len(headers)}">{html.escape(empty)}</td></tr>'
    return (
        f'<table class="grid">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'
    )


def _td(value: Any, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{_esc(value)}</td>"


def _signatures(*columns: tuple[str, str, Any]) -> str:
    cells = "".join(
        f'<td><div class="role">{html.escape(role)}</div>'
        f'<div class="hint">{html.escape(hint)}</div>'
        f'<div class="name">{"" if name is None else _esc(name)}</div></td>'
        for role, hint, name in columns
    )
    return f'<table class="signatures" role="presentation"><tr>{cells}</tr></table>'


def _applicant_rows(dossier: Mapping[str, Any]) -> list[tuple[str, Any]]:
    applicant = _get(dossier, "applicant")
    return [
        ("Họ và tên người nộp", _get(applicant, "full_name")),
        ("Số định danh cá nhân/CCCD", _get(applicant, "id_number")),
        ("Số điện thoại", _get(applicant, "phone")),
        ("Thư điện tử (email)", _get(applicant, "email")),
        ("Địa chỉ", _get(applicant, "address")),
    ]


def _request_section(dossier: Mapping[str, Any]) -> str:
    name = display(_get(dossier, "procedure_name"))
    code = _get(dossier, "procedure_code")
    procedure = html.escape(name)
    if display(code) != DASH:
        procedure += f" <span>(mã thủ tục: {_esc(code)})</span>"
    detail = display(_get(dossier, "request_content"))
    detail_html = f'<p class="request-detail">{html.escape(detail)}</p>' if detail != DASH else ""
    return (
        "<section><h2>Nội dung yêu cầu giải quyết:</h2>"
        f"<p><strong>{procedure}</strong></p>{detail_html}</section>"
    )


def _document_names(context: Mapping[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for doc in _items(_get(context, "documents")):
        code, name = doc.get("code"), doc.get("name")
        if code is not None and name:
            names[str(code)] = str(name)
    return names


def _received_at(dossier: Mapping[str, Any]) -> Any:
    accepted = _get(dossier, "accepted_at")
    return accepted if accepted else _get(dossier, "submitted_at")


def _acting_officer(dossier: Mapping[str, Any], action: str, name: Any) -> Any:
    """The officer who took ``action`` on the dossier, by the full name recorded with it (or, for
    a dossier from before names were recorded, the username in its history); never whoever
    prints the slip."""
    if name:
        return name
    done = [h for h in _items(_get(dossier, "history")) if h.get("action") == action]
    return done[-1].get("actor") if done else None


def _delivery(dossier: Mapping[str, Any]) -> str:
    method = display(_get(dossier, "delivery_method"))
    text = DELIVERY_METHODS.get(method, method)
    if method == "postal":
        text += f" — địa chỉ nhận: {display(_get(dossier, 'delivery_address'))}"
    return text


def _in_person_note(dossier: Mapping[str, Any]) -> str:
    if _get(dossier, "delivery_method") != "in_person":
        return ""
    return (
        "<p>Khi đến nhận kết quả, ông/bà vui lòng mang theo giấy tiếp nhận này "
        "và giấy tờ tùy thân.</p>"
    )


def _channel(dossier: Mapping[str, Any]) -> str:
    channel = display(_get(dossier, "channel"))
    return CHANNELS.get(channel, channel)


# --- the forms ------------------------------------------------------------------------------


def _receipt(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> str:
    agency = display(_get(context, "agency_name"))
    names = _document_names(context)
    rows = [
        [
            _td(index, "num"),
            _td(names.get(str(att.get("document_code")), att.get("document_code"))),
            _td(att.get("filename")),
            _td(ATTACHMENT_STATUSES.get(str(att.get("status")), display(att.get("status")))),
        ]
        for index, att in enumerate(_items(_get(dossier, "attachments")), start=1)
    ]
    received = _received_at(dossier)
    return "\n".join(
        [
            f"<p>Bộ phận Tiếp nhận và Trả kết quả — {html.escape(agency)} tiếp nhận hồ sơ của:</p>",
            _fields(_applicant_rows(dossier)),
            _request_section(dossier),
            "<section><h2>Thành phần hồ sơ đã nhận:</h2>",
            _grid(["STT", "Tên giấy tờ", "Tệp đính kèm", "Tình trạng"], rows, "Không có giấy tờ."),
            "</section>",
            _fields(
                [
                    ("Hình thức nộp hồ sơ", _channel(dossier)),
                    ("Thời gian nhận hồ sơ", format_time(received)),
                    ("Thời gian hẹn trả kết quả", format_time(_get(dossier, "due_at"))),
                    ("Hình thức nhận kết quả", _delivery(dossier)),
                ]
            ),
            _in_person_note(dossier),
            _signatures(
                ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", None),
                (
                    "NGƯỜI TIẾP NHẬN HỒ SƠ",
                    "(Ký và ghi rõ họ tên)",
                    _acting_officer(dossier, "accept", _get(dossier, "accepted_by")),
                ),
            ),
        ]
    )


def _supplement_request(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> str:
    agency = display(_get(context, "agency_name"))
    request = _last(_get(dossier, "supplement_requests"))
    rows = [
        [
            _td(index, "num"),
            _td(item.get("document_name") or item.get("document_code")),
            '<td class="blank"></td>',
            '<td class="blank"></td>',
            '<td class="blank"></td>',
            _td(item.get("note")),
        ]
        for index, item in enumerate(_items(request.get("items")), start=1)
    ]
    officer = _acting_officer(dossier, "request_supplement", request.get("requested_by_name"))
    return "\n".join(
        [
            f"<p>Bộ phận Tiếp nhận và Trả kết quả — {html.escape(agency)} "
            "đã xem xét hồ sơ của:</p>",
            _fields(_applicant_rows(dossier)),
            _request_section(dossier),
            "<section><h2>Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:</h2>",
            _grid(
                ["STT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản photo", "Ghi chú"],
                rows,
                "Không có giấy tờ cần bổ sung.",
            ),
            "</section>",
            _fields(
                [
                    ("Lý do", request.get("reason")),
                    ("Thời gian yêu cầu", format_time(request.get("requested_at"))),
                    ("Người yêu cầu", officer),
                ]
            ),
            "<p>Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ với cán bộ "
            f"<strong>{_esc(officer)}</strong> tại Bộ phận Tiếp nhận và Trả kết quả để được "
            "hướng dẫn.</p>",
            _signatures(
                ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", None),
                ("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", officer),
            ),
        ]
    )


def _refusal(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> str:
    agency = display(_get(context, "agency_name"))
    return "\n".join(
        [
            f"<p>Bộ phận Tiếp nhận và Trả kết quả — {html.escape(agency)} tiếp nhận hồ sơ của:</p>",
            _fields(_applicant_rows(dossier)),
            _request_section(dossier),
            _fields([("Thời gian nộp hồ sơ", format_time(_get(dossier, "submitted_at")))]),
            "<section><p>Sau khi xem xét, đối chiếu với quy định hiện hành, cơ quan từ chối "
            "tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:</p>"
            f'<p class="request-detail"><strong>{_esc(_get(dossier, "refusal_reason"))}'
            "</strong></p></section>",
            "<p>Xin thông báo để ông/bà được biết và thực hiện./.</p>",
            _signatures(
                ("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", None),
                (
                    "NGƯỜI TIẾP NHẬN HỒ SƠ",
                    "(Ký và ghi rõ họ tên)",
                    _acting_officer(dossier, "refuse", _get(dossier, "refused_by")),
                ),
            ),
        ]
    )


def _apology(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> str:
    agency = html.escape(display(_get(context, "agency_name")))
    extension = _last(_get(dossier, "extensions"))
    name = _esc(_get(_get(dossier, "applicant"), "full_name"))
    code = _esc(_get(dossier, "code"))
    received = html.escape(format_time(_received_at(dossier)))
    previous_due = html.escape(format_time(extension.get("previous_due_at")))
    new_due = html.escape(format_time(extension.get("new_due_at")))
    return "\n".join(
        [
            f"<p><strong>Kính gửi: Ông/Bà {name}</strong></p>",
            _fields(_applicant_rows(dossier)[1:]),
            f"<p>Vào lúc <strong>{received}</strong>, {agency} đã tiếp nhận hồ sơ mã số "
            f"<strong>{code}</strong> của ông/bà.</p>",
            _request_section(dossier),
            f"<p>Thời hạn trả kết quả giải quyết hồ sơ theo giấy hẹn: <strong>{previous_due}"
            "</strong>.</p>",
            f"<p>Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ cho ông/bà "
            "đúng hạn.</p>",
            f'<p>Lý do: <strong class="request-detail">{_esc(extension.get("reason"))}'
            "</strong></p>",
            f"<p>Sự chậm trễ này đã gây phiền hà, tốn kém thời gian và chi phí đi lại của ông/bà. "
            f"{agency} thành thật xin lỗi ông/bà và hẹn trả kết quả giải quyết hồ sơ vào "
            f"<strong>{new_due}</strong>.</p>",
            "<p>Kính mong nhận được sự thông cảm của ông/bà./.</p>",
            _signatures(
                ("", "", None),
                ("THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", None),
            ),
        ]
    )


def _control_sheet(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> str:
    rows: list[list[str]] = []
    for index, handoff in enumerate(_items(_get(dossier, "handoffs")), start=1):
        step = display(handoff.get("step"))
        result = handoff.get("result")
        rows.append(
            [
                _td(index, "num"),
                _td(STEP_NAMES.get(step, step)),
                _td(handoff.get("from_unit")),
                _td(handoff.get("to_unit")),
                _td(format_time(handoff.get("at"))),
                _td(handoff.get("giver")),
                _td(handoff.get("receiver")),
                _td(format_hours(handoff.get("allotted_hours")), "num"),
                _td(format_hours(handoff.get("used_hours")), "num"),
                _td(HANDOFF_RESULTS.get(str(result), display(result))),
                _td(handoff.get("note")),
            ]
        )
    applicant = _get(dossier, "applicant")
    return "\n".join(
        [
            _fields(
                [
                    ("Người nộp hồ sơ", _get(applicant, "full_name")),
                    ("Thủ tục", _get(dossier, "procedure_name")),
                    ("Thời gian nhận hồ sơ", format_time(_received_at(dossier))),
                    ("Thời gian hẹn trả kết quả", format_time(_get(dossier, "due_at"))),
                    ("Cơ quan (bộ phận) giải quyết", _get(dossier, "unit")),
                    ("Cán bộ xử lý", _get(dossier, "officer")),
                ]
            ),
            '<section class="control">',
            _grid(
                [
                    "STT",
                    "Bước",
                    "Bên giao",
                    "Bên nhận",
                    "Thời gian giao, nhận",
                    "Người giao",
                    "Người nhận",
                    "Thời gian được giao (giờ)",
                    "Thời gian đã dùng (giờ)",
                    "Kết quả (Trước hạn/Đúng hạn/Quá hạn)",
                    "Ghi chú",
                ],
                rows,
                "Chưa có bước giao, nhận nào.",
            ),
            "</section>",
            _fields([("Thời gian trả kết quả", format_time(_get(dossier, "returned_at")))]),
        ]
    )


_Builder = Callable[[Mapping[str, Any], Mapping[str, Any]], str]


def _result(context: Mapping[str, Any], dossier: Mapping[str, Any]) -> str:
    """A slip to print with (or stamp on) the result: the QR leads to the public verification."""
    result = _get(dossier, "result")
    if not isinstance(result, Mapping):
        return "<p>Hồ sơ chưa có kết quả điện tử.</p>"
    return "\n".join(
        [
            _fields(
                [
                    ("Thủ tục", _get(dossier, "procedure_name")),
                    ("Kết quả giải quyết", _get(dossier, "result_summary")),
                    ("Ngày cấp", format_time(_get(result, "issued_at"))),
                    ("Mã xác thực", _get(result, "verification_code")),
                    ("Mã băm SHA-256 của tệp", _get(result, "sha256")),
                ]
            ),
            "<p>Bất kỳ ai cũng có thể kiểm tra tính xác thực của kết quả này bằng mã xác thực "
            "hoặc mã QR, tại trang xác thực kết quả của Cổng dịch vụ công.</p>",
        ]
    )


_FORMS: dict[str, tuple[str, str, _Builder]] = {
    "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", _receipt),
    "supplement_request": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", _supplement_request),
    "refusal": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", _refusal),
    "apology": ("04", "VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", _apology),
    "control_sheet": ("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", _control_sheet),
    "result": ("", "PHIẾU XÁC THỰC KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", _result),
}


def _dated(kind: str, dossier: Mapping[str, Any]) -> Any:
    """The date written under the motto: when the form's event happened."""
    if kind == "supplement_request":
        return _last(_get(dossier, "supplement_requests")).get("requested_at")
    if kind == "apology":
        return _last(_get(dossier, "extensions")).get("at")
    if kind == "refusal":
        return None
    if kind == "result":
        return _get(_get(dossier, "result"), "issued_at")
    return _received_at(dossier)


def render(kind: str, context: dict[str, Any]) -> str:
    """The complete HTML page of form ``kind`` (one of ``KINDS``) for the dossier in ``context``."""
    if kind not in _FORMS:
        raise UnknownDocumentKind(f"unknown document kind: {kind!r} (expected one of {KINDS})")
    form_no, title, build = _FORMS[kind]
    raw_dossier = context.get("dossier")
    dossier: Mapping[str, Any] = raw_dossier if isinstance(raw_dossier, Mapping) else {}
    code = _get(dossier, "code")
    body = "\n".join(
        [
            _heading(context.get("agency_name"), form_no, _dated(kind, dossier)),
            f"<h1>{html.escape(title)}</h1>",
            _code_box(code, context.get("verification_url"), QR_RESULT_CAPTION)
            if kind == "result"
            else _code_box(code, context.get("tracking_url")),
            build(context, dossier),
        ]
    )
    number = f"Mẫu số {form_no} – " if form_no else ""
    page_title = f"{number}{title.capitalize()} – {display(code)}"
    return _page(page_title, body)
