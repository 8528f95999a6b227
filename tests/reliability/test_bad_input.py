"""Bad input on the local stack: oversized and malformed bodies, wrong content types, files that
are not what they claim, Unicode edge cases in Vietnamese names, and script in free text."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import unicodedata
from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.reliability.conftest import (
    APPLICANT,
    JPEG,
    PDF,
    PNG,
    World,
    act,
    create_dossier,
    required_documents,
    submitted_dossier,
    upload,
)

MAX_BODY_BYTES = 256 * 1024  # motcua_shared.api.MAX_BODY_BYTES
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # intake's MAX_ATTACHMENT_BYTES

# One JSON write route of each service, as (user, method, path).
WRITES = [
    ("citizen1", "POST", "/intake/dossiers"),
    ("citizen1", "POST", "/payment/payments"),
    ("citizen1", "POST", "/delivery/pickups"),
    ("citizen1", "PUT", "/notify/preferences"),
]


def raw(
    stack: RunningStack,
    method: str,
    path: str,
    user: str | None,
    data: bytes,
    content_type: str | None = "application/json",
) -> requests.Response:
    headers = {"Authorization": f"Bearer {stack.token(user)}"} if user else {}
    if content_type:
        headers["Content-Type"] = content_type
    return requests.request(method, stack.url + path, data=data, headers=headers, timeout=30)


def error_of(response: requests.Response) -> dict[str, Any]:
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = response.json()
    assert {"code", "message", "message_vi"} <= set(body["error"]), body
    return dict(body["error"])


# --- bodies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("user", "method", "path"), WRITES)
def test_a_body_over_the_limit_is_413_json(
    stack: RunningStack, user: str, method: str, path: str
) -> None:
    body = json.dumps({"padding": "x" * (MAX_BODY_BYTES + 1)}).encode()
    response = raw(stack, method, path, user, body)
    assert response.status_code == 413, response.text
    assert error_of(response)["code"] == "payload_too_large"


@pytest.mark.parametrize(("user", "method", "path"), WRITES)
@pytest.mark.parametrize(
    "data",
    [
        b'{"procedure_code": ',
        b"{'single': 'quotes'}",
        b'{"a": "\xff\xfe"}',  # not UTF-8
        b"[" * 50_000,  # nesting deeper than the parser's recursion limit
        b"NaN-or-not",
    ],
    ids=["truncated", "single-quotes", "not-utf8", "deep-nesting", "garbage"],
)
def test_malformed_json_is_400_malformed_json(
    stack: RunningStack, user: str, method: str, path: str, data: bytes
) -> None:
    response = raw(stack, method, path, user, data)
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] == "malformed_json"


# 5,000 digits: over Python's int-from-string limit (sys.get_int_max_str_digits(), 4300), so
# json.loads raises ValueError (not JSONDecodeError); then beyond I-JSON's exact range (RFC 7493
# §2.2), NaN (not JSON: RFC 8259 §6), and a double's overflow.
HUGE = "1" * 5_000
NUMBERS = {
    "5000-digits": HUGE.encode(),
    "negative-5000-digits": ("-" + HUGE).encode(),
    "beyond-2**53": b"90071992547409930",
    "nan": b"NaN",
    "1e400": b"1e400",
}
PUBLIC_JSON_WRITES = [(None, "POST", "/delivery/postal/callback")]  # signed inside the body


@pytest.mark.parametrize(("user", "method", "path"), WRITES + PUBLIC_JSON_WRITES)
@pytest.mark.parametrize("number", NUMBERS.values(), ids=NUMBERS.keys())
@pytest.mark.parametrize("where", ["top", "field", "nested"])
def test_a_number_json_cannot_hold_is_400_malformed_json(
    stack: RunningStack, user: str | None, method: str, path: str, number: bytes, where: str
) -> None:
    """Every JSON route, the public post-office callback too (its body is parsed before its
    signature can be checked): a 400 "malformed_json" in both languages, never a 500."""
    data = {
        "top": number,
        "field": b'{"dossier_id": ' + number + b', "Data": "{}", "SignData": "00"}',
        "nested": b'{"applicant": {"full_name": "A", "kind": [' + number + b"]}}",
    }[where]
    response = raw(stack, method, path, user, data)
    assert response.status_code == 400, response.text[:500]
    assert error_of(response)["code"] == "malformed_json"


def test_deep_nesting_on_the_public_callback_is_400(stack: RunningStack) -> None:
    response = raw(stack, "POST", "/delivery/postal/callback", None, b"[" * 50_000)
    assert response.status_code == 400, response.text[:500]
    assert error_of(response)["code"] == "malformed_json"


def signed_postal(stack: RunningStack, data: str, secret: str | None = None) -> dict[str, str]:
    """A callback as the post office sends it (the protocol the product defines for it, the
    post office publishing none: delivery/postoffice.py): SignData = hex HMAC-SHA256 of the
    Data string with the shared secret (stack.json)."""
    key = (secret or stack.state["postal"]["callback_secret"]).encode()
    signature = hmac.new(key, data.encode(), hashlib.sha256).hexdigest()
    return {"Data": data, "SendDate": "03/12/2026 10:00:00", "SignData": signature}


BAD_DATA = {
    "5000-digit-status": '{"ItemCode": "EB1", "OrderStatusId": ' + HUGE + "}",
    "superscript-status": '{"ItemCode": "EB1", "OrderStatusId": "²"}',
    "deep-nesting": "[" * 5_000,  # within Data's 10,000 characters, deeper than the parser goes
    "not-json": "{'ItemCode': 1}",
}


@pytest.mark.parametrize("data", BAD_DATA.values(), ids=BAD_DATA.keys())
def test_the_post_office_callback_checks_the_signature_before_reading_data(
    stack: RunningStack, data: str
) -> None:
    """The signature is verified over the raw Data string before any of it is parsed: forged,
    it is 401 bad_signature whatever Data holds; genuinely signed but unreadable, 400
    malformed_callback — never a 500."""
    forged = stack.call(
        "POST", "/delivery/postal/callback", None, signed_postal(stack, data, "not the secret")
    )
    assert forged.status_code == 401, forged.text[:500]
    assert error_of(forged)["code"] == "bad_signature"
    signed = stack.call("POST", "/delivery/postal/callback", None, signed_postal(stack, data))
    assert signed.status_code == 400, signed.text[:500]
    assert error_of(signed)["code"] == "malformed_callback"


@pytest.mark.parametrize("data", [HUGE.encode(), b'{"MessageId": ' + HUGE.encode() + b"}"])
def test_a_signed_receipt_with_a_huge_number_is_400_not_500(
    stack: RunningStack, data: bytes
) -> None:
    """Notify's delivery receipts are signed over the raw body (X-Motcua-Signature), then read."""
    secret = stack.state["notify"]["receipt_secrets"]["ses"].encode()
    signature = "sha256=" + hmac.new(secret, data, hashlib.sha256).hexdigest()
    response = requests.post(
        stack.url + "/notify/receipts/ses",
        data=data,
        headers={"Content-Type": "application/json", "X-Motcua-Signature": signature},
        timeout=30,
    )
    assert response.status_code == 400, response.text[:500]
    assert error_of(response)["code"] == "malformed_receipt"


# --- numbers in paths and queries ----------------------------------------------------------------

# Characters Python's str.isdigit() or int() take that are no ASCII number (RFC 3986 §2.3).
NOT_NUMBERS = {
    "superscript-two": "²",
    "arabic-indic-three": "٣",
    "fullwidth-five": "５",
    "exponent": "1e3",
    "plus": "+5",
    "5000-digits": HUGE,
}


@pytest.mark.parametrize("value", NOT_NUMBERS.values(), ids=NOT_NUMBERS.keys())
def test_a_year_that_is_no_number_is_404_not_500(stack: RunningStack, value: str) -> None:
    response = stack.call("GET", "/intake/calendar/" + quote(value))
    assert response.status_code == 404, response.text[:500]
    assert error_of(response)["code"] == "not_found"
    response = stack.call("PUT", "/intake/calendar/" + quote(value), "admin1", {})
    assert response.status_code in (400, 404), response.text[:500]
    error_of(response)


@pytest.mark.parametrize("value", NOT_NUMBERS.values(), ids=NOT_NUMBERS.keys())
@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("citizen1", "/intake/dossiers"),
        ("desk1", "/intake/desk/queue"),
        ("officer1", "/intake/worklist"),
        ("leader1", "/intake/overdue"),
    ],
)
def test_a_limit_that_is_no_number_is_400_naming_it(
    stack: RunningStack, user: str, path: str, value: str
) -> None:
    response = stack.call("GET", f"{path}?limit={quote(value)}", user)
    assert response.status_code == 400, response.text[:500]
    error = error_of(response)
    assert (error["code"], error["field"]) == ("validation_error", "limit")
    assert error["message_vi"] == "limit phải là số nguyên từ 1 đến 100."


@pytest.mark.parametrize(
    "cursor",
    [
        base64.urlsafe_b64encode(b"[" * 3_000).decode(),
        base64.urlsafe_b64encode(HUGE[:4_400].encode()).decode(),
        "²",
    ],
    ids=["deep-nesting", "huge-number", "not-base64"],
)
def test_a_cursor_that_is_no_cursor_is_400(stack: RunningStack, cursor: str) -> None:
    response = stack.call("GET", f"/intake/dossiers?cursor={quote(cursor)}", "citizen1")
    assert response.status_code == 400, response.text[:500]
    assert error_of(response)["field"] == "cursor"


@pytest.mark.parametrize("data", [b"[]", b'"text"', b"null", b"42", b'{"applicant": []}'])
def test_json_of_the_wrong_shape_is_a_validation_error(stack: RunningStack, data: bytes) -> None:
    response = raw(stack, "POST", "/intake/dossiers", "citizen1", data)
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] == "validation_error"
    assert error_of(response)["field"]


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/x-www-form-urlencoded", b"procedure_code=MYPHAM-01&delivery_method=online"),
        ("application/xml", b"<dossier><procedure_code>MYPHAM-01</procedure_code></dossier>"),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\n1\r\n"),
        ("text/plain", b"just words"),
        (None, b"no content type at all"),
    ],
)
def test_a_body_that_is_not_json_is_a_json_error_not_415_or_500(
    stack: RunningStack, content_type: str | None, data: bytes
) -> None:
    response = raw(stack, "POST", "/intake/dossiers", "citizen1", data, content_type)
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] == "malformed_json"


def test_json_sent_with_another_content_type_is_read_as_json(stack: RunningStack) -> None:
    body = {
        "procedure_code": "MYPHAM-01",
        "applicant": APPLICANT,
        "delivery_method": "in_person",
    }
    response = raw(
        stack, "POST", "/intake/dossiers", "citizen1", json.dumps(body).encode(), "text/plain"
    )
    assert response.status_code == 201, response.text


# --- attachments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"size_bytes": MAX_ATTACHMENT_BYTES + 1}, 422, "file_too_large", "size_bytes"),
        ({"content_type": "text/html"}, 422, "unsupported_file_type", "content_type"),
        ({"content_type": "image/svg+xml"}, 422, "unsupported_file_type", "content_type"),
        (
            {"content_type": "application/x-msdownload"},
            422,
            "unsupported_file_type",
            "content_type",
        ),
        ({"size_bytes": 0}, 400, "validation_error", "size_bytes"),
        ({"size_bytes": -5}, 400, "validation_error", "size_bytes"),
        ({"filename": "../../etc/passwd"}, 400, "validation_error", "filename"),
        ({"filename": "a\x00.pdf"}, 400, "validation_error", "filename"),
        ({"filename": "x" * 201}, 400, "validation_error", "filename"),
        ({"document_code": "KHONG_CO"}, 422, "unknown_document", None),
        ({"filename": "don.html"}, 422, "file_extension_mismatch", "filename"),
        ({"filename": "don"}, 422, "file_extension_mismatch", "filename"),
        ({"filename": "anh.png"}, 422, "file_extension_mismatch", "filename"),
    ],
)
def test_an_attachment_outside_the_policy_is_refused_with_its_field(
    stack: RunningStack,
    world: World,
    changes: dict[str, Any],
    status: int,
    code: str,
    field: str | None,
) -> None:
    body = {
        "document_code": required_documents(stack)[0],
        "filename": "don.pdf",
        "content_type": "application/pdf",
        "size_bytes": 1000,
        **changes,
    }
    response = stack.call(
        "POST", f"/intake/dossiers/{world.draft_id}/attachments", "citizen1", body
    )
    assert response.status_code == status, response.text
    error = error_of(response)
    assert error["code"] == code
    if field:
        assert error["field"] == field


@pytest.mark.parametrize(
    "content",
    [PDF + b"0" * MAX_ATTACHMENT_BYTES, PDF + b"0", b""],
    ids=["over-the-limit", "one-byte-more", "empty"],
)
def test_a_file_of_another_size_than_declared_is_refused_by_s3(
    stack: RunningStack, content: bytes
) -> None:
    """The upload URL signs the declared size (Content-Length among X-Amz-SignedHeaders): S3
    answers 403 SignatureDoesNotMatch to a body of any other size ("Authenticating Requests:
    Using Query Parameters (AWS Signature Version 4)", Amazon S3 API Reference), as the local
    stack's S3 does; nothing is stored, so the document is still missing at submission."""
    dossier = create_dossier(stack)
    first, second = required_documents(stack)[:2]
    upload(stack, dossier["id"], first)
    slot = stack.call(
        "POST",
        f"/intake/dossiers/{dossier['id']}/attachments",
        "citizen1",
        {
            "document_code": second,
            "filename": "tep.pdf",
            "content_type": "application/pdf",
            "size_bytes": len(PDF),
        },
    )
    assert slot.status_code == 201, slot.text
    put = requests.put(
        slot.json()["upload_url"], data=content, headers=slot.json()["headers"], timeout=60
    )
    assert put.status_code == 403, put.text
    assert "<Code>SignatureDoesNotMatch</Code>" in put.text
    response = stack.call("POST", f"/intake/dossiers/{dossier['id']}/submit", "citizen1", {})
    assert response.status_code == 422, response.text
    assert error_of(response)["code"] == "missing_documents"
    assert error_of(response)["missing"] == [second]
    assert (
        stack.call("GET", f"/intake/dossiers/{dossier['id']}", "citizen1").json()["status"]
        == "draft"
    )


@pytest.mark.parametrize(
    ("declared", "filename", "content"),
    [
        ("application/pdf", "don.pdf", PNG),
        ("application/pdf", "don.pdf", b"MZ\x90\x00 an executable renamed"),
        ("application/pdf", "don.pdf", b"<html><script>alert(1)</script></html>"),
        ("image/jpeg", "anh.jpg", PDF),
        ("image/png", "anh.png", JPEG),
    ],
    ids=["png-as-pdf", "exe-as-pdf", "html-as-pdf", "pdf-as-jpeg", "jpeg-as-png"],
)
def test_a_file_whose_bytes_do_not_match_its_type_is_rejected_before_submission(
    stack: RunningStack, declared: str, filename: str, content: bytes
) -> None:
    dossier = create_dossier(stack)
    first, second = required_documents(stack)[:2]
    upload(stack, dossier["id"], first, JPEG, "image/jpeg", "phieu.jpg")  # a real JPEG is fine
    upload(stack, dossier["id"], second, content, declared, filename)
    response = stack.call("POST", f"/intake/dossiers/{dossier['id']}/submit", "citizen1", {})
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "attachment_type_mismatch"
    assert error["document_code"] == second
    assert filename in error["message_vi"]
    assert "không đúng định dạng" in error["message_vi"]
    current = stack.call("GET", f"/intake/dossiers/{dossier['id']}", "citizen1").json()
    assert current["status"] == "draft"
    assert current["code"] is None
    # Replaced by a real file, the dossier goes.
    upload(stack, dossier["id"], second, PNG, "image/png", "don.png")
    response = stack.call("POST", f"/intake/dossiers/{dossier['id']}/submit", "citizen1", {})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "submitted"


# --- Unicode ----------------------------------------------------------------------------------

NAMES = {
    "precomposed": "Nguyễn Thị Hương Giang",
    "combining": unicodedata.normalize("NFD", "Nguyễn Thị Hương Giang"),
    "emoji": "Lê Văn Tám 🙂👨‍👩‍👧",
    "zero-width": "Phạm\u200bThu\u200cHà\u200d",
    "rtl-marks": "Đặng \u200fمحمد\u200e Hoà",
    "mixed-forms": "Hoà Hòa Thuỵ Thụy ươ ƯƠ",
}


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_vietnamese_names_round_trip_in_nfc(stack: RunningStack, name: str) -> None:
    """Stored normalised to NFC (precomposed): the same name is the same string whatever the
    keyboard sent; emoji, zero-width and direction marks are kept as sent."""
    applicant = {**APPLICANT, "full_name": name, "address": name + ", Huế"}
    dossier = create_dossier(stack, applicant=applicant, request_content=name)
    expected = unicodedata.normalize("NFC", name)
    stored = stack.call("GET", f"/intake/dossiers/{dossier['id']}", "citizen1").json()
    assert stored["applicant"]["full_name"] == expected
    assert stored["applicant"]["address"] == expected + ", Huế"
    assert stored["request_content"] == expected
    slip = stack.call("GET", f"/intake/dossiers/{dossier['id']}/documents/receipt", "citizen1")
    assert slip.status_code == 200, slip.text
    assert expected in slip.text


def test_decomposed_and_precomposed_names_are_the_same(stack: RunningStack) -> None:
    a = create_dossier(stack, applicant={**APPLICANT, "full_name": NAMES["precomposed"]})
    b = create_dossier(stack, applicant={**APPLICANT, "full_name": NAMES["combining"]})
    assert a["applicant"]["full_name"] == b["applicant"]["full_name"]


@pytest.mark.parametrize(
    "text",
    ["nul \x00 inside", "\ufeffBOM first", "\U0010ffff max", "\U0001f600 escaped emoji"],
    ids=["nul", "bom", "max-code-point", "escaped-pair"],
)
def test_odd_code_points_are_answered_not_crashed(stack: RunningStack, text: str) -> None:
    body = {
        "procedure_code": "MYPHAM-01",
        "applicant": {**APPLICANT, "full_name": text},
        "request_content": text,
        "delivery_method": "in_person",
    }
    data = json.dumps(body).encode()  # ASCII with \u escapes, as a browser may send them
    response = raw(stack, "POST", "/intake/dossiers", "citizen1", data)
    assert response.status_code in (201, 400), response.text
    if response.status_code == 400:
        assert error_of(response)["field"]
    else:
        stored = stack.call("GET", f"/intake/dossiers/{response.json()['id']}", "citizen1")
        assert stored.status_code == 200, stored.text


@pytest.mark.parametrize(("user", "method", "path"), WRITES)
def test_a_lone_surrogate_is_malformed_json(
    stack: RunningStack, user: str, method: str, path: str
) -> None:
    """JSON may escape half a surrogate pair ("\\ud800"); that is no text, and no service could
    encode, sign or store it."""
    data = b'{"dossier_id": "\\udb85 x", "channels": ["\\ud800"], "applicant": "\\udfff"}'
    response = raw(stack, method, path, user, data)
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] == "malformed_json"


# --- script in free text ----------------------------------------------------------------------

SCRIPT = "<script>alert('xss')</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def assert_escaped(html: str, where: str) -> None:
    assert "<script" not in html.lower(), f"a script tag in {where}"
    assert "onerror=" not in html.replace("onerror=alert(1)&gt;", ""), f"an attribute in {where}"
    assert "<img" not in html, f"injected markup in {where}"


def test_script_in_free_text_is_escaped_in_every_printable_slip(stack: RunningStack) -> None:
    applicant = {**APPLICANT, "full_name": ATTRIBUTE + "Ánh", "address": SCRIPT}
    refused = submitted_dossier(stack, applicant=applicant, request_content=SCRIPT + ATTRIBUTE)
    act(stack, "desk1", refused["id"], "refuse", {"reason": SCRIPT + " thiếu giấy tờ"})
    supplemented = submitted_dossier(stack, applicant=applicant, request_content=SCRIPT)
    act(
        stack,
        "desk1",
        supplemented["id"],
        "request-supplement",
        {
            "reason": SCRIPT,
            "items": [{"document_code": required_documents(stack)[0], "note": ATTRIBUTE}],
        },
    )
    seen = 0
    for dossier_id in (refused["id"], supplemented["id"]):
        for kind in ("receipt", "supplement_request", "refusal", "apology", "control_sheet"):
            for user in ("citizen1", "desk1"):
                slip = stack.call("GET", f"/intake/dossiers/{dossier_id}/documents/{kind}", user)
                assert slip.status_code in (200, 409), slip.text
                if slip.status_code != 200:
                    continue
                assert slip.headers["Content-Type"].startswith("text/html")
                assert_escaped(slip.text, f"{kind} of {dossier_id}")
                seen += 1
                if "&lt;script&gt;" in slip.text:
                    seen += 100
    assert seen > 100, "no slip showed the free text at all (escaped)"


def test_script_in_the_payment_return_page_is_escaped(stack: RunningStack) -> None:
    response = requests.get(
        f"{stack.url}/payment/vnpay/return",
        params={"vnp_TxnRef": SCRIPT, "vnp_ResponseCode": ATTRIBUTE, "vnp_SecureHash": SCRIPT},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert_escaped(response.text, "the VNPay return page")


def test_script_stays_data_in_json_answers(stack: RunningStack) -> None:
    dossier = create_dossier(stack, request_content=SCRIPT)
    response = stack.call("GET", f"/intake/dossiers/{dossier['id']}", "citizen1")
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["request_content"] == SCRIPT  # stored as sent: escaping is the view's


@pytest.mark.parametrize(
    "path",
    [
        "/intake/dossiers/{long}",
        "/intake/dossiers/{long}/documents/receipt",
        "/intake/track/{long}",
        "/intake/verify/{long}",
        "/intake/procedures/{long}",
        "/payment/payments/{long}",
        "/payment/payments?dossier_id={long}",
        "/delivery/shipments/{long}",
        "/delivery/shipments?dossier_id={long}",
        "/notify/notifications?dossier_id={long}",
    ],
)
def test_ids_longer_than_any_key_are_not_found_or_invalid(stack: RunningStack, path: str) -> None:
    """DynamoDB refuses keys over 2 KB: such an id must be an answer, not a server error."""
    response = stack.call("GET", path.format(long="Đ" * 1500), "citizen1")
    assert response.status_code in (400, 404), response.text
    error_of(response)
