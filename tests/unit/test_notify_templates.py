"""Notify's templates, SMS counting and contact checks: plain Python, no AWS."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from chalicelib.notify.domain import sms
from chalicelib.notify.domain.phones import is_valid_email, normalise_phone
from chalicelib.notify.domain.templates import (
    SMS_VALUE_MAX,
    TEMPLATES_PATH,
    MissingPlaceholder,
    Template,
    TemplateCatalog,
    UnknownTemplate,
    default_catalog,
    render,
    truncate_sms_value,
)

LONG_PROCEDURE = (
    "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất thực phẩm "
    "bảo vệ sức khỏe thuộc thẩm quyền"
)

# Realistic values, as the sender formats them.
TYPICAL = {
    "name": "Nguyễn Thị Hồng Nhung",
    "code": "000.00.01.H56-240105-0001",
    "procedure_name": "Cấp chứng chỉ hành nghề dược",
    "procedure_code": "1.004604",
    "link": "https://dichvucong.soyte.example.gov.vn/ho-so/000.00.01.H56-240105-0001",
    "submitted_date": "08:15 05/01/2024",
    "due_date": "19/01/2024",
    "reason": "Bản sao bằng cấp chưa được chứng thực",
    "items": "- Bản sao có chứng thực văn bằng chuyên môn\n- Giấy xác nhận thời gian thực hành",
    "amount": "500.000 đồng",
    "txn_ref": "PAY240105000123",
    "result_summary": "Chứng chỉ hành nghề dược số 123/CCHN-D-SYT-HCM",
    "delivery_method_text": "nhận trực tiếp tại Bộ phận Một cửa",
    "item_code": "EI123456789VN",
    "returned_date": "18/01/2024",
    "new_due_date": "26/01/2024",
    "previous_due_date": "19/01/2024",
    "step": "thẩm định",
    "step_due_date": "16:30 15/01/2024",
    "assignee": "Phòng Nghiệp vụ Dược – Trần Văn Bình",
}

# The longest values we expect: codes and dates at full length, free text far too long for an SMS.
LONGEST = {
    "name": "Công ty Trách nhiệm hữu hạn Thương mại Dịch vụ Trang thiết bị Y tế Nguyễn Hoàng Phát",
    "code": "000.00.01.H56-261231-9999",
    "procedure_name": LONG_PROCEDURE,
    "procedure_code": "1.012345.000.00.00.H56",
    "link": "https://dichvucong.soyte.example.gov.vn/tra-cuu/ho-so?ma=000.00.01.H56-261231-9999",
    "submitted_date": "23:59 31/12/2026",
    "due_date": "31/12/2026",
    "reason": "Hồ sơ thiếu bản sao có chứng thực văn bằng chuyên môn, giấy xác nhận thời gian "
    "thực hành chưa đúng mẫu số 02 ban hành kèm theo Nghị định, đề nghị bổ sung đầy đủ",
    "items": "\n".join(f"- Giấy tờ số {i}: {LONG_PROCEDURE}" for i in range(1, 8)),
    "amount": "12.500.000 đồng",
    "txn_ref": "MC-20261231-235959-000123456",
    "result_summary": LONG_PROCEDURE,
    "delivery_method_text": "gửi qua dịch vụ bưu chính công ích đến số 123 đường Nguyễn Thị "
    "Minh Khai, phường Bến Thành, Quận 1, TP. Hồ Chí Minh",
    "item_code": "EI123456789VN",
    "returned_date": "31/12/2026",
    "new_due_date": "31/12/2026",
    "previous_due_date": "24/12/2026",
    "step": "thẩm định hồ sơ và trình lãnh đạo phê duyệt kết quả giải quyết thủ tục hành chính",
    "step_due_date": "16:30 31/12/2026",
    "assignee": "Phòng Nghiệp vụ Dược – Trần Văn Bình, Nguyễn Thị Hồng Nhung, Lê Hoàng Anh Tuấn",
}

CATALOG = default_catalog()
EMAILS = [t for t in CATALOG.all() if t.channel == "email"]
SMSES = [t for t in CATALOG.all() if t.channel == "sms"]

CITIZEN_EVENTS = [
    "dossier.submitted",
    "dossier.accepted",
    "dossier.supplement_requested",
    "dossier.refused",
    "dossier.fee_requested",
    "payment.succeeded",
    "payment.failed",
    "payment.refund_due",
    "dossier.result_ready",
    "shipment.booked",
    "shipment.delivered",
    "shipment.failed",
    "dossier.returned",
    "dossier.extended",
    "dossier.withdrawn",
    "dossier.stopped",
]
OFFICER_TEMPLATES = [
    ("dossier.submitted", "desk"),
    ("payment.refund_due", "desk"),
    ("dossier.due_soon", "officer"),
    ("dossier.overdue", "officer"),
    ("dossier.overdue", "leader"),
]


def has_diacritics(text: str) -> bool:
    return sms.to_sms_text(text) != text


def ids(templates: list[Template]) -> list[str]:
    return [t.id for t in templates]


# --- the catalogue ---------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", CITIZEN_EVENTS)
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_citizen_events_have_email_and_sms(event_type: str, channel: str) -> None:
    template = CATALOG.get(f"{event_type}.{channel}.citizen")
    assert template.event_type == event_type
    assert template.channel == channel
    assert template.audience == "citizen"


@pytest.mark.parametrize(("event_type", "audience"), OFFICER_TEMPLATES)
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_officer_templates(event_type: str, audience: str, channel: str) -> None:
    assert CATALOG.get(f"{event_type}.{channel}.{audience}").audience == audience


def test_for_event_lists_every_channel_and_audience() -> None:
    assert sorted(ids(CATALOG.for_event("dossier.overdue"))) == [
        "dossier.overdue.email.leader",
        "dossier.overdue.email.officer",
        "dossier.overdue.sms.leader",
        "dossier.overdue.sms.officer",
    ]
    assert len(CATALOG.for_event("dossier.submitted")) == 4
    assert CATALOG.for_event("dossier.rated") == []


def test_unknown_template() -> None:
    with pytest.raises(UnknownTemplate):
        CATALOG.get("dossier.nothing.email.citizen")
    with pytest.raises(KeyError):
        CATALOG.get("dossier.nothing.email.citizen")


def test_default_catalog_is_cached() -> None:
    assert default_catalog() is default_catalog()


def test_placeholders_are_sorted_and_unique() -> None:
    template = CATALOG.get("dossier.accepted.email.citizen")
    assert template.placeholders == ["code", "due_date", "link", "name", "procedure_name"]


def test_catalog_rejects_inconsistent_templates(tmp_path: Path) -> None:
    bad_id = {"id": "x.sms.citizen", "event_type": "y", "channel": "sms", "audience": "citizen"}
    no_subject = {
        "id": "y.email.citizen",
        "event_type": "y",
        "channel": "email",
        "audience": "citizen",
    }
    for raw in ({**bad_id, "body": "Hi"}, {**no_subject, "body": "Chào"}):
        path = tmp_path / "t.json"
        path.write_text(json.dumps([raw]), encoding="utf-8")
        with pytest.raises(ValueError, match="template"):
            TemplateCatalog.load(path)


def test_json_file_is_where_the_module_says() -> None:
    assert TEMPLATES_PATH.name == "templates.json"
    assert TEMPLATES_PATH.parent.name == "templates"


# --- e-mail ------------------------------------------------------------------------------------


def test_values_cover_every_placeholder() -> None:
    used = {name for template in CATALOG.all() for name in template.placeholders}
    assert used <= set(TYPICAL)
    assert used <= set(LONGEST)


@pytest.mark.parametrize("template", EMAILS, ids=ids(EMAILS))
def test_email_is_vietnamese_with_a_link_at_the_end(template: Template) -> None:
    assert template.subject is not None
    assert has_diacritics(template.subject)
    assert has_diacritics(template.body)
    assert template.body.rstrip().endswith("((link))")
    assert "Bước tiếp theo" in template.body
    if template.event_type != "dossier.submitted":  # a dossier has its code once accepted
        assert "((code))" in template.subject
        assert "((code))" in template.body


@pytest.mark.parametrize("values", [TYPICAL, LONGEST], ids=["typical", "longest"])
@pytest.mark.parametrize("template", EMAILS, ids=ids(EMAILS))
def test_every_email_renders(template: Template, values: dict[str, str]) -> None:
    message = render(template, values)
    assert message.subject
    assert "((" not in message.subject
    assert "((" not in message.text
    assert "\n" not in message.subject
    assert message.text.rstrip().endswith(values["link"])
    assert message.html is not None
    assert '<html lang="vi">' in message.html
    assert f'<a href="{values["link"]}">' in message.html
    assert message.html.count("<p>") == len(re.split(r"\n\s*\n", template.body.strip()))
    assert message.fragments is None


def test_email_html_is_escaped_and_text_is_not() -> None:
    template = CATALOG.get("dossier.refused.email.citizen")
    values = {**TYPICAL, "reason": '<script>alert("x")</script> & thiếu giấy tờ'}
    message = render(template, values)
    assert message.html is not None
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; thiếu giấy tờ" in message.html
    assert '<script>alert("x")</script>' in message.text
    assert "<p>Lý do: &lt;script&gt;" in message.html


def test_email_html_keeps_list_lines_and_escapes_the_title() -> None:
    template = CATALOG.get("dossier.supplement_requested.email.citizen")
    message = render(template, {**TYPICAL, "code": "<b>X</b>"})
    assert message.html is not None
    assert "<title>Hồ sơ &lt;b&gt;X&lt;/b&gt; cần bổ sung giấy tờ</title>" in message.html
    assert "Bản sao có chứng thực văn bằng chuyên môn<br>\n- Giấy xác nhận" in message.html


def test_a_link_that_is_not_http_is_not_made_a_link() -> None:
    template = CATALOG.get("dossier.accepted.email.citizen")
    message = render(template, {**TYPICAL, "link": "javascript:alert(1)"})
    assert message.html is not None
    assert "<a " not in message.html
    assert "javascript:alert(1)" in message.html


# --- SMS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", SMSES, ids=ids(SMSES))
def test_sms_template_is_short_ascii_without_long_free_text(template: Template) -> None:
    assert template.subject is None
    assert template.body.isascii()
    assert sms.is_gsm7(template.body)
    assert "((procedure_name))" not in template.body
    assert "((items))" not in template.body
    assert "((name))" not in template.body


@pytest.mark.parametrize("values", [TYPICAL, LONGEST], ids=["typical", "longest"])
@pytest.mark.parametrize("template", SMSES, ids=ids(SMSES))
def test_every_sms_renders_as_gsm7_in_at_most_two_parts(
    template: Template, values: dict[str, str]
) -> None:
    message = render(template, values)
    assert message.subject is None
    assert message.html is None
    assert "((" not in message.text
    assert message.text.isascii()
    assert sms.is_gsm7(message.text)
    assert message.fragments == sms.fragment_count(message.text)
    assert message.fragments <= 2, (len(message.text), message.text)


def test_accepted_sms_reads_like_a_brandname_message() -> None:
    message = render(CATALOG.get("dossier.accepted.sms.citizen"), TYPICAL)
    assert message.text.startswith(
        "Ho so 000.00.01.H56-240105-0001 da duoc tiep nhan. Ngay hen tra: 19/01/2024."
    )
    assert message.fragments == 1


def test_sms_values_are_truncated_but_links_are_not() -> None:
    message = render(CATALOG.get("dossier.refused.sms.citizen"), LONGEST)
    assert LONGEST["link"] in message.text
    reason = message.text.split("Ly do: ", 1)[1].split(". Chi tiet", 1)[0]
    assert len(reason) <= SMS_VALUE_MAX
    assert reason.endswith("...")
    assert reason.startswith("Ho so thieu ban sao co chung thuc")


def test_truncate_sms_value() -> None:
    assert truncate_sms_value("ngan") == "ngan"
    assert truncate_sms_value("x" * 60) == "x" * 60
    assert truncate_sms_value("x" * 61) == "x" * 57 + "..."
    cut = truncate_sms_value("mot hai ba bon nam sau bay tam chin muoi " * 3)
    assert len(cut) <= 60
    assert cut.endswith("...")
    assert not cut.endswith(" ...")


def test_sms_collapses_newlines_in_values() -> None:
    message = render(CATALOG.get("dossier.stopped.sms.citizen"), {**TYPICAL, "reason": "a\n\nb"})
    assert "Ly do: a b." in message.text


# --- missing values ----------------------------------------------------------------------------


@pytest.mark.parametrize("template", CATALOG.all(), ids=ids(CATALOG.all()))
def test_missing_placeholder_raises(template: Template) -> None:
    name = template.placeholders[0]
    values = {k: v for k, v in TYPICAL.items() if k != name}
    with pytest.raises(MissingPlaceholder) as caught:
        render(template, values)
    assert caught.value.name == name
    assert name in str(caught.value)
    assert isinstance(caught.value, KeyError)


# --- SMS text and parts ------------------------------------------------------------------------


def test_to_sms_text_removes_vietnamese_diacritics() -> None:
    assert sms.to_sms_text("Hồ sơ đã được tiếp nhận") == "Ho so da duoc tiep nhan"
    assert sms.to_sms_text("ĐẶNG Văn Đức – Sở Y tế") == "DANG Van Duc - So Y te"
    assert sms.to_sms_text("Ưu tiên, ỷ lại, ữ, ậ, ằ, ỗ, ợ") == "Uu tien, y lai, u, a, a, o, o"
    every = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    plain = sms.to_sms_text(every + every.upper())
    assert plain.isascii()
    assert set(plain) == set("aeiouydAEIOUYD")
    assert all(not unicodedata.combining(ch) for ch in plain)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("€" + "a" * 158, 1),  # the euro sign counts as two
        ("€" + "a" * 159, 2),
        ("[]" + "a" * 156, 1),
        ("[]" + "a" * 157, 2),
        ("ư" + "a" * 69, 1),  # one Vietnamese letter: UCS-2
        ("ư" + "a" * 70, 2),
        ("ư" + "a" * 133, 2),
        ("ư" + "a" * 134, 3),
        ("é" + "a" * 159, 1),  # é is in the GSM alphabet
    ],
)
def test_fragment_count(text: str, parts: int) -> None:
    assert sms.fragment_count(text) == parts


def test_is_gsm7() -> None:
    assert sms.is_gsm7("Ho so 000.00.01.H56-240101-0001 da duoc tiep nhan.")
    assert sms.is_gsm7("{€} @ £ ¥ ñ")
    assert not sms.is_gsm7("Hồ sơ")
    assert not sms.is_gsm7("đ")
    assert not sms.is_gsm7("`")  # the backtick is ASCII but not GSM-7


# --- phones and e-mail addresses ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0912345678", "+84912345678"),
        ("+84 91 234 5678", "+84912345678"),
        ("84-912-345-678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("(+84) 912 345 678", "+84912345678"),
        ("0321234567", "+84321234567"),
        ("0561234567", "+84561234567"),
        ("0701234567", "+84701234567"),
        ("0861234567", "+84861234567"),
        ("02838123456", None),  # landline
        ("091234567", None),  # too short
        ("09123456789", None),  # too long
        ("0312345678", None),  # 031 is not a mobile prefix
        ("0512345678", None),
        ("0801234567", None),
        ("+1 912 345 6789", None),
        ("09123abc78", None),
        ("", None),
    ],
)
def test_normalise_phone(value: str, expected: str | None) -> None:
    assert normalise_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("nguyen.van.a@gmail.com", True),
        ("hoso+syt@soyte.hochiminhcity.gov.vn", True),
        (" a@b.vn ", True),
        ("a@b", False),
        ("a@@b.vn", False),
        ("a b@c.vn", False),
        ("a@b..vn", False),
        (".a@b.vn", False),
        ("a@-b.vn", False),
        ("nguyễn@gmail.com", False),
        ("@b.vn", False),
        ("a@", False),
        ("", False),
        ("a" * 65 + "@b.vn", False),
    ],
)
def test_is_valid_email(value: str, valid: bool) -> None:
    assert is_valid_email(value) is valid
