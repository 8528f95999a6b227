"""The printable one-stop forms (01-04, 06): content, escaping, missing values and the QR code."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import segno

from chalicelib.intake.documents import KINDS, UnknownDocumentKind, forms, qr_svg, render
from motcua_shared.timeutil import VN_TZ

# The national one-stop forms; the result verification slip has its own tests below.
FORMS = tuple(k for k in KINDS if k != "result")

URL = "http://127.0.0.1:8000/track/000.00.01.H56-261123-0001"
CODE = "000.00.01.H56-261123-0001"
NAME = "Nguyễn Thị Hồng Nhung"

TITLES = {
    "receipt": ("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    "supplement_request": ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    "refusal": ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    "apology": ("Mẫu số 04", "VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    "control_sheet": ("Mẫu số 06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
}
# One date each form must show in the Vietnamese format.
DATES = {
    "receipt": "09:30 ngày 23/11/2026",  # accepted_at
    "supplement_request": "14:00 ngày 24/11/2026",  # the last request
    "refusal": "09:05 ngày 23/11/2026",  # submitted_at
    "apology": "16:30 ngày 10/12/2026",  # the last extension's new date
    "control_sheet": "08:15 ngày 25/11/2026",  # a hand-off
}


def make_context() -> dict[str, Any]:
    return {
        "agency_name": "Sở Y tế tỉnh Khánh Hòa",
        "tracking_url": URL,
        "officer_name": "desk1",
        "documents": [
            {"code": "DON", "name": "Đơn đề nghị cấp chứng chỉ hành nghề", "required": True},
            {"code": "VB", "name": "Bản sao văn bằng chuyên môn", "required": True},
            {"code": "SK", "name": "Giấy chứng nhận đủ sức khỏe", "required": True},
        ],
        "dossier": {
            "id": "d-1",
            "code": CODE,
            "status": "processing",
            "national_status": 4,
            "procedure_code": "1.001234",
            "procedure_name": "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
            "channel": 2,
            "applicant": {
                "full_name": NAME,
                "id_number": "056190001234",
                "phone": "0905123456",
                "email": "nhung@example.vn",
                "address": "12 Trần Phú, phường Nha Trang, tỉnh Khánh Hòa",
            },
            "request_content": "Cấp mới chứng chỉ hành nghề chức danh bác sĩ",
            "delivery_method": "postal",
            "delivery_address": "12 Trần Phú, phường Nha Trang",
            "attachments": [
                {"document_code": "DON", "filename": "don.pdf", "status": "uploaded"},
                {"document_code": "VB", "filename": "van-bang.pdf", "status": "uploaded"},
            ],
            "created_at": "2026-11-23T08:50:00+07:00",
            "submitted_at": "2026-11-23T09:05:00+07:00",
            "accepted_at": "2026-11-23T09:30:00+07:00",
            "accepted_by": "Lê Thị Thu Hà",
            "due_at": "2026-12-07T16:30:00+07:00",
            "unit": "Phòng Nghiệp vụ Y",
            "officer": "cv.nghiepvu",
            "result_summary": None,
            "returned_at": None,
            "refusal_reason": "Thủ tục không thuộc thẩm quyền giải quyết của Sở Y tế.",
            "refused_by": "Nguyễn Thị Lan",
            "stop_reason": None,
            "supplement_requests": [
                {
                    "reason": "Lần đầu: thiếu đơn",
                    "items": [{"document_code": "DON", "document_name": "Đơn", "note": "cũ"}],
                    "requested_at": "2026-11-23T09:20:00+07:00",
                    "requested_by": "desk1",
                    "resolved_at": "2026-11-23T09:25:00+07:00",
                },
                {
                    "reason": "Văn bằng chưa được chứng thực",
                    "items": [
                        {
                            "document_code": "VB",
                            "document_name": "Bản sao văn bằng chuyên môn",
                            "note": "Cần bản sao có chứng thực",
                        },
                        {
                            "document_code": "SK",
                            "document_name": "Giấy chứng nhận đủ sức khỏe",
                            "note": "Còn hạn 12 tháng",
                        },
                    ],
                    "requested_at": "2026-11-24T14:00:00+07:00",
                    "requested_by": "cv.nghiepvu",
                    "requested_by_name": "Trần Văn Minh",
                    "resolved_at": None,
                },
            ],
            "extensions": [
                {
                    "reason": "Lần một",
                    "previous_due_at": "2026-12-01T16:30:00+07:00",
                    "new_due_at": "2026-12-07T16:30:00+07:00",
                    "at": "2026-11-30T10:00:00+07:00",
                    "by": "leader1",
                },
                {
                    "reason": "Cần xác minh văn bằng với cơ sở đào tạo",
                    "previous_due_at": "2026-12-07T16:30:00+07:00",
                    "new_due_at": "2026-12-10T16:30:00+07:00",
                    "at": "2026-12-06T10:00:00+07:00",
                    "by": "leader1",
                },
            ],
            "handoffs": [
                {
                    "step": "desk",
                    "from_unit": "Bộ phận Một cửa",
                    "to_unit": "Phòng Nghiệp vụ Y",
                    "at": "2026-11-25T08:15:00+07:00",
                    "giver": "desk1",
                    "receiver": "cv.nghiepvu",
                    "allotted_hours": 8,
                    "used_hours": 4.5,
                    "result": "early",
                    "note": None,
                },
                {
                    "step": "processing",
                    "from_unit": "Phòng Nghiệp vụ Y",
                    "to_unit": "Lãnh đạo Sở",
                    "at": "2026-11-27T15:00:00+07:00",
                    "giver": "cv.nghiepvu",
                    "receiver": "leader1",
                    "allotted_hours": 16,
                    "used_hours": 16,
                    "result": "on_time",
                    "note": "Đủ điều kiện",
                },
                {
                    "step": "return",
                    "from_unit": "Lãnh đạo Sở",
                    "to_unit": "Bộ phận Một cửa",
                    "at": "2026-12-03T10:00:00+07:00",
                    "giver": "leader1",
                    "receiver": "desk1",
                    "allotted_hours": 8,
                    "used_hours": 12,
                    "result": "late",
                    "note": None,
                },
            ],
        },
    }


@pytest.fixture
def context() -> dict[str, Any]:
    return make_context()


class TagBalance(HTMLParser):
    """Records unclosed or mismatched tags (void elements aside)."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "col", "path"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


@pytest.mark.parametrize("kind", FORMS)
def test_every_form_renders_its_content(kind: str, context: dict[str, Any]) -> None:
    page = render(kind, context)
    number, title = TITLES[kind]
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page
    assert '<meta charset="utf-8">' in page
    assert re.search(r"<title>[^<]*" + re.escape(CODE) + r"[^<]*</title>", page)
    assert number in page
    assert f"<h1>{title}</h1>" in page
    assert CODE in page
    assert NAME in page
    assert DATES[kind] in page
    assert "<svg" in page
    assert "Quét mã để tra cứu tiến độ hồ sơ" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Độc lập - Tự do - Hạnh phúc" in page
    assert "SỞ Y TẾ TỈNH KHÁNH HÒA" in page
    assert "@page { size: A4; margin: 15mm; }" in page
    assert "@media print" in page
    assert "None" not in page


@pytest.mark.parametrize("kind", FORMS)
def test_pages_are_self_contained_and_balanced(kind: str, context: dict[str, Any]) -> None:
    page = render(kind, context)
    lowered = page.lower()
    for forbidden in ("<script", "<link", "@import", "@font-face", "url(", "src="):
        assert forbidden not in lowered
    parser = TagBalance()
    parser.feed(page)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []


@pytest.mark.parametrize("kind", FORMS)
def test_values_are_escaped(kind: str, context: dict[str, Any]) -> None:
    context["dossier"]["applicant"]["full_name"] = '<script>alert("x")</script> & Co'
    context["dossier"]["code"] = 'X"><b>'
    context["agency_name"] = "Sở <i>Y tế</i>"
    page = render(kind, context)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page
    assert '"><b>' not in page
    assert "<i>" not in page


def test_every_kind_has_a_form_and_a_template() -> None:
    templates = Path(forms.__file__).parent / "templates"
    assert tuple(forms.FORMS) == KINDS
    for kind in KINDS:
        assert (templates / f"{kind}.html").is_file()


def test_unknown_kind_raises(context: dict[str, Any]) -> None:
    with pytest.raises(UnknownDocumentKind):
        render("notice_of_stop", context)
    assert issubclass(UnknownDocumentKind, ValueError)


@pytest.mark.parametrize("kind", FORMS)
def test_missing_values_show_a_dash(kind: str) -> None:
    context: dict[str, Any] = {
        "agency_name": "Sở Y tế tỉnh Khánh Hòa",
        "tracking_url": URL,
        "officer_name": None,
        "documents": [],
        "dossier": {
            "code": CODE,
            "applicant": {"full_name": NAME, "id_number": "056190001234", "email": None},
            "procedure_name": "Cấp chứng chỉ hành nghề",
            "request_content": None,
            "delivery_method": "online",
            "attachments": [],
            "submitted_at": None,
            "accepted_at": None,
            "due_at": None,
            "refusal_reason": None,
            "supplement_requests": [],
            "extensions": [],
            "handoffs": [],
        },
    }
    page = render(kind, context)
    assert "None" not in page
    assert "—" in page
    assert NAME in page


def test_an_empty_context_still_renders() -> None:
    for kind in FORMS:
        page = render(kind, {})
        assert "None" not in page
        assert "<svg" not in page  # nothing to encode
        assert "—" in page


def test_receipt_details(context: dict[str, Any]) -> None:
    page = render("receipt", context)
    assert "Đơn đề nghị cấp chứng chỉ hành nghề" in page  # looked up by document code
    assert "Bản sao văn bằng chuyên môn" in page
    assert "van-bang.pdf" in page
    assert "Cấp mới chứng chỉ hành nghề chức danh bác sĩ" in page
    assert "1.001234" in page
    assert "056190001234" in page
    assert "0905123456" in page
    assert "nhung@example.vn" in page
    assert "16:30 ngày 07/12/2026" in page  # appointment
    assert "Nhận qua dịch vụ bưu chính công ích" in page
    assert "12 Trần Phú, phường Nha Trang" in page
    assert "Lê Thị Thu Hà" in page  # who accepted it, not who prints it ("desk1")


def test_the_receipt_names_who_accepted_the_dossier_not_who_prints_it(
    context: dict[str, Any],
) -> None:
    """Form 01 (Circular 01/2018, 03/2025): the receiving officer is the one who accepted."""
    context["officer_name"] = "leader1"  # the user printing the slip
    assert "leader1" not in render("receipt", context)
    # a dossier accepted before names were recorded: the acceptance in its history
    del context["dossier"]["accepted_by"]
    context["dossier"]["history"] = [
        {"action": "submit", "actor": "citizen1"},
        {"action": "accept", "actor": "desk2"},
        {"action": "assign", "actor": "leader1"},
    ]
    page = render("receipt", context)
    assert "desk2" in page
    assert "leader1" not in page


def test_receipt_falls_back_to_submission_time(context: dict[str, Any]) -> None:
    context["dossier"]["accepted_at"] = None
    assert "09:05 ngày 23/11/2026" in render("receipt", context)


@pytest.mark.parametrize(
    ("method", "text"),
    [
        ("online", "Nhận kết quả trực tuyến"),
        ("in_person", "Nhận trực tiếp tại Bộ phận Một cửa"),
    ],
)
def test_receipt_delivery_methods(context: dict[str, Any], method: str, text: str) -> None:
    context["dossier"]["delivery_method"] = method
    page = render("receipt", context)
    assert text in page
    assert "bưu chính công ích" not in page.split("Hình thức nhận kết quả")[1]
    assert ("mang theo giấy tiếp nhận này" in page) == (method == "in_person")


def test_times_are_shown_in_vietnam_time(context: dict[str, Any]) -> None:
    context["dossier"]["accepted_at"] = "2026-11-23T02:30:00+00:00"
    assert "09:30 ngày 23/11/2026" in render("receipt", context)


def test_the_services_define_vietnam_time_once() -> None:
    """Vietnam keeps UTC+7 all year (IANA tz database, Asia/Ho_Chi_Minh): one definition,
    motcua_shared.timeutil.VN_TZ, which the slips and every service use; no module of the
    services keeps a copy of its own. (The sandboxes stand for outside parties and share no
    product code: they keep theirs.)"""
    moment = datetime(2026, 11, 23, 9, 30)
    assert VN_TZ.utcoffset(moment) == ZoneInfo("Asia/Ho_Chi_Minh").utcoffset(moment)
    services = Path(__file__).resolve().parents[2] / "services"
    modules = [
        *services.glob("*/app.py"),
        *services.glob("*/chalicelib/**/*.py"),
        *services.glob("shared/motcua_shared/**/*.py"),
    ]
    copies = [
        str(path.relative_to(services))
        for path in modules
        if "timedelta(hours=7)" in path.read_text(encoding="utf-8")
    ]
    assert copies == ["shared/motcua_shared/timeutil.py"]


def test_supplement_request_uses_the_last_request(context: dict[str, Any]) -> None:
    page = render("supplement_request", context)
    assert "Văn bằng chưa được chứng thực" in page
    assert "Cần bản sao có chứng thực" in page
    assert "Giấy chứng nhận đủ sức khỏe" in page
    assert "Lần đầu: thiếu đơn" not in page
    for column in ("Bản chính", "Bản sao chứng thực", "Bản photo"):
        assert f"<th>{column}</th>" in page
    assert page.count('<td class="blank"></td>') == 2 * 3  # counts left for the officer
    assert "liên hệ với cán bộ <strong>Trần Văn Minh</strong>" in page  # who asked, by name


def test_refusal_shows_the_reason(context: dict[str, Any]) -> None:
    page = render("refusal", context)
    assert "Thủ tục không thuộc thẩm quyền giải quyết của Sở Y tế." in page


@pytest.mark.parametrize(
    ("kind", "officer", "action", "in_history"),
    [
        ("supplement_request", "Trần Văn Minh", "request_supplement", "cv.nghiepvu"),
        ("refusal", "Nguyễn Thị Lan", "refuse", "desk2"),
    ],
)
def test_forms_02_and_03_name_the_officer_who_acted_not_who_prints(
    context: dict[str, Any], kind: str, officer: str, action: str, in_history: str
) -> None:
    """Forms 02 (the guiding officer) and 03 (the receiving officer), Circular 01/2018 and
    03/2025: the officer who asked for the supplement or refused the dossier signs, whoever
    prints the slip later (here a leader, named in the printer's context as before)."""
    context["officer_name"] = "leader1"  # the user printing the slip: never on the form
    page = render(kind, context)
    assert officer in page
    assert "leader1" not in page
    # a dossier from before names were recorded: the action's entry in its history
    context["dossier"]["refused_by"] = None
    context["dossier"]["supplement_requests"][-1]["requested_by_name"] = None
    context["dossier"]["history"] = [
        {"action": "submit", "actor": "citizen1"},
        {"action": action, "actor": in_history},
        {"action": "assign", "actor": "leader1"},
    ]
    page = render(kind, context)
    assert in_history in page
    assert "leader1" not in page


def test_apology_uses_the_last_extension(context: dict[str, Any]) -> None:
    page = render("apology", context)
    assert "Cần xác minh văn bằng với cơ sở đào tạo" in page
    assert "Lần một" not in page
    assert "09:30 ngày 23/11/2026" in page  # received
    assert "16:30 ngày 07/12/2026" in page  # previous appointment
    assert "xin lỗi" in page
    assert "Ngày 06 tháng 12 năm 2026" in page


def test_control_sheet_rows(context: dict[str, Any]) -> None:
    page = render("control_sheet", context)
    tbody = page.split("<tbody>")[1].split("</tbody>")[0]
    assert tbody.count("<tr>") == 3
    for text in ("Trước hạn", "Đúng hạn", "Quá hạn", "Đủ điều kiện", "Lãnh đạo Sở", "leader1"):
        assert text in tbody
    assert "4,5" in tbody
    assert "15:00 ngày 27/11/2026" in tbody
    assert "09:30 ngày 23/11/2026" in page  # received
    assert "16:30 ngày 07/12/2026" in page  # due


# --- QR code ----------------------------------------------------------------------------------


def svg_modules(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """The symbol size and dark modules drawn by a segno SVG (one path of horizontal runs)."""
    # The SVG is our own output, not untrusted input.
    root = ET.fromstring(svg)  # noqa: S314
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    scale_match = re.fullmatch(r"scale\((\d+)\)", path.get("transform", "scale(1)"))
    assert scale_match
    scale = int(scale_match.group(1))
    width = int(root.get("width", "0")) // scale
    assert int(root.get("height", "0")) // scale == width
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, args in re.findall(r"([MmHhVvZz])([^MmHhVvZz]*)", path.get("d", "")):
        numbers = [float(n) for n in args.replace(",", " ").split()]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif op == "h":
            dark.update((int(x) + i, int(y)) for i in range(int(numbers[0])))
            x += numbers[0]
        else:
            pytest.fail(f"unexpected path command {op}")
    border = min(min(c for c, _ in dark), min(r for _, r in dark))  # finder pattern at 0,0
    return width - 2 * border, {(c - border, r - border) for c, r in dark}


def expected_modules(text: str) -> tuple[int, set[tuple[int, int]]]:
    qr = segno.make(text, error="m")
    matrix = qr.matrix
    return len(matrix), {
        (c, r) for r, row in enumerate(matrix) for c, module in enumerate(row) if module & 1
    }


def test_qr_svg_draws_the_code_of_the_url() -> None:
    # No QR decoder (zbar, OpenCV) is installed: read the modules back out of the SVG and
    # compare them with segno's own encoding of the URL.
    svg = qr_svg(URL)
    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    size, dark = svg_modules(svg)
    expected_size, expected_dark = expected_modules(URL)
    assert size == expected_size
    assert dark == expected_dark
    assert dark != expected_modules(URL.replace("0001", "0002"))[1]


def test_the_page_embeds_the_qr_of_the_tracking_url(context: dict[str, Any]) -> None:
    page = render("receipt", context)
    assert qr_svg(URL) in page
    other = copy.deepcopy(context)
    other["tracking_url"] = URL.replace("0001", "0002")
    assert qr_svg(URL) not in render("receipt", other)


VERIFY_URL = "https://dichvucong.soyte.example.gov.vn/xac-thuc/KQ7F3A9C21"


def with_result(context: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(context)
    result["dossier"]["result"] = {
        "verification_code": "KQ7F3A9C21",
        "sha256": "ab" * 32,
        "issued_at": "2026-11-23T09:30:00+07:00",
        "filename": "ket-qua.pdf",
    }
    result["dossier"]["result_summary"] = "Cấp số tiếp nhận <123>/26/CBMP"
    result["verification_url"] = VERIFY_URL
    return result


def test_the_result_slip_leads_to_the_public_verification(context: dict[str, Any]) -> None:
    page = render("result", with_result(context))
    assert "<h1>PHIẾU XÁC THỰC KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</h1>" in page
    assert qr_svg(VERIFY_URL) in page  # the QR printed with the result
    assert qr_svg(URL) not in page  # not the tracking page
    assert "Quét mã để xác thực kết quả" in page
    assert "KQ7F3A9C21" in page
    assert "ab" * 32 in page
    assert "Cấp số tiếp nhận &lt;123&gt;/26/CBMP" in page
    assert "Mẫu số" not in page  # not one of the national forms
    assert "23/11/2026" in page
    checker = TagBalance()
    checker.feed(page)
    assert checker.errors == []
    assert checker.stack == []


def test_the_result_slip_before_there_is_a_result(context: dict[str, Any]) -> None:
    page = render("result", context)
    assert "Hồ sơ chưa có kết quả điện tử." in page
    assert "<svg" not in page


LAZY = """
import sys
from chalicelib.intake import documents
before = "jinja2" in sys.modules or "markupsafe" in sys.modules
page = documents.render("receipt", {})
print(before, "jinja2" in sys.modules, page.startswith("<!DOCTYPE html>"))
"""


def test_jinja2_loads_with_the_first_slip_not_with_the_module() -> None:
    """intake imports the documents package on every cold start and prints a slip on few of
    them: the template engine is imported by the first render, not before."""
    done = subprocess.run(
        [sys.executable, "-c", LAZY],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "True", "True"]
