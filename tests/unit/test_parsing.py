"""Reading what a client sent (motcua_shared.parsing) and the two signed callbacks that read
numbers from it: nothing a client writes makes Python raise, everything is a named 400."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys

import pytest

from chalicelib.delivery.postoffice import BadSignature, InvalidCallback, PostOffice
from chalicelib.payment.providers.vnpay import VnpayProvider, sign
from motcua_shared.errors import MalformedJson, ValidationFailed
from motcua_shared.parsing import parse_json, parse_whole_number, whole_number
from motcua_shared.secrets import Secret

HUGE = "1" * 5_000  # over Python's int-from-string limit (sys.get_int_max_str_digits(): 4300)


def test_the_huge_integer_is_over_pythons_limit() -> None:
    """The premise: int() and json.loads() of it raise ValueError (CPython's CVE-2020-10735
    limit), an exception no handler of ours named before."""
    assert len(HUGE) > sys.get_int_max_str_digits()
    with pytest.raises(ValueError, match="integer string conversion"):
        json.loads(HUGE)


# --- whole numbers from paths, queries and headers -----------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "²",  # SUPERSCRIPT TWO: str.isdigit() is true, int() raises
        "٣",  # ARABIC-INDIC THREE: int() reads 3
        "５",  # FULLWIDTH FIVE: int() reads 5
        "𝟗",  # MATHEMATICAL BOLD NINE
        "1e3",
        "+5",
        " 5",
        "5 ",
        "0x10",
        "1_000",
        "",
        "-",
        HUGE,
        "9" * 19,
    ],
)
def test_only_ascii_digits_are_a_whole_number(raw: str) -> None:
    """A number in a URL or a header is ASCII digits (RFC 3986 §2.3 / RFC 9110 §5.6: DIGIT is
    %x30-39): whatever else Python's isdigit() or int() would take is no number."""
    assert parse_whole_number(raw, minimum=-(10**18), maximum=10**18) is None


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", 1), ("100", 100), ("007", 7), ("-3", -3), ("0", 0)]
)
def test_ascii_digits_are_read(raw: str, expected: int) -> None:
    assert parse_whole_number(raw, minimum=-10, maximum=100) == expected


def test_a_number_outside_its_range_is_none() -> None:
    assert parse_whole_number("101", minimum=1, maximum=100) is None
    assert parse_whole_number("0", minimum=1, maximum=100) is None


def test_whole_number_names_the_field_in_both_languages() -> None:
    with pytest.raises(ValidationFailed) as raised:
        whole_number("²", "limit", minimum=1, maximum=100)
    error = raised.value.to_dict()["error"]
    assert error["code"] == "validation_error"
    assert error["field"] == "limit"
    assert error["message"] == "limit must be a whole number from 1 to 100."
    assert error["message_vi"] == "limit phải là số nguyên từ 1 đến 100."
    assert raised.value.status == 400


# --- JSON documents ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        HUGE,
        '{"size_bytes": ' + HUGE + "}",
        "-" + HUGE,
        "[" + "1" * 17 + "]",  # beyond 2**53 - 1: not exact in a double (RFC 7493 §2.2)
        "9007199254740992",  # 2**53
        "1e400",  # a double overflows to infinity
        '{"score": NaN}',  # Python reads NaN, Infinity; RFC 8259 §6 does not
        "Infinity",
        "-Infinity",
        "[" * 100_000 + "]" * 100_000,  # deeper than the parser's recursion
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        b'{"name": "\\ud800"}',  # a lone surrogate: JSON, but no text
        b'{"name": "\xff\xfe"}',  # not UTF-8
        "{'single': 1}",
        "",
    ],
    ids=[
        "huge-int",
        "huge-int-field",
        "huge-negative",
        "17-digits",
        "2**53",
        "1e400",
        "nan",
        "infinity",
        "-infinity",
        "deep-arrays",
        "deep-objects",
        "lone-surrogate",
        "not-utf8",
        "single-quotes",
        "empty",
    ],
)
def test_json_that_cannot_be_read_is_malformed_json(raw: str | bytes) -> None:
    """RFC 8259 (JSON) with I-JSON's limits (RFC 7493 §2.2: integers exact in IEEE 754 double):
    every document Python cannot read, or reads into something no JSON peer could, is
    :class:`MalformedJson` (400 "malformed_json", English and Vietnamese) — never ValueError or
    RecursionError."""
    with pytest.raises(MalformedJson) as raised:
        parse_json(raw)
    error = raised.value.to_dict()["error"]
    assert raised.value.status == 400
    assert error["code"] == "malformed_json"
    assert error["message"]
    assert error["message_vi"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"a": 9007199254740991}', {"a": 9007199254740991}),
        ('{"a": -9007199254740991}', {"a": -9007199254740991}),
        ('{"fee_vnd": 500000, "ratio": 0.5}', {"fee_vnd": 500000, "ratio": 0.5}),
        ('"Nguyễn \\ud83d\\ude00"', "Nguyễn 😀"),  # a surrogate pair is one character
        ("[[[[]]]]", [[[[]]]]),
    ],
)
def test_json_within_the_limits_is_read(raw: str, expected: object) -> None:
    assert parse_json(raw) == expected


# --- the signed callbacks ------------------------------------------------------------------------

POSTAL_SECRET = "post-office-test-secret"


def post_office() -> PostOffice:
    return PostOffice(
        "http://127.0.0.1:1",
        Secret("POSTAL_ACCESS_TOKEN", plain="token"),
        Secret("POSTAL_CALLBACK_SECRET", plain=POSTAL_SECRET),
        "MOTCUA",
        2,
    )


def signed_callback(data: str, secret: str = POSTAL_SECRET) -> dict[str, str]:
    signature = hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()
    return {"Data": data, "SendDate": "03/12/2026 10:00:00", "SignData": signature}


@pytest.mark.parametrize(
    "data",
    [
        '{"ItemCode": "EB1", "OrderStatusId": ' + HUGE + "}",
        '{"ItemCode": "EB1", "OrderStatusId": "²"}',
        '{"ItemCode": "EB1", "OrderStatusId": 1e400}',
        '{"ItemCode": "EB1", "OrderStatusId": [100]}',
        "[" * 50_000,
        '["ItemCode"]',
    ],
)
def test_a_signed_callback_with_unreadable_data_is_invalid_not_a_crash(data: str) -> None:
    """The post office callback protocol (delivery/postoffice.py): SignData is HMAC-SHA256 of
    the Data string; Data that verifies but cannot be read is InvalidCallback (400), not
    ValueError."""
    with pytest.raises(InvalidCallback):
        post_office().read_callback(signed_callback(data))


@pytest.mark.parametrize(
    "data",
    ['{"ItemCode": "EB1", "OrderStatusId": ' + HUGE + "}", "[" * 50_000, "not json at all"],
)
def test_the_signature_is_checked_before_data_is_parsed(data: str) -> None:
    """Verify over the raw Data string first (OWASP Input Validation: authenticate before
    parsing what an unauthenticated party sent): a forged callback is a bad signature whatever
    its Data holds."""
    with pytest.raises(BadSignature):
        post_office().read_callback(signed_callback(data, secret="another secret"))


def test_a_signed_callback_reads_its_status() -> None:
    report = post_office().read_callback(
        signed_callback('{"ItemCode": "EB1", "OrderCode": "X", "OrderStatusId": 100}')
    )
    assert (report.item_code, report.status_id) == ("EB1", 100)
    assert (
        post_office()
        .read_callback(signed_callback('{"ItemCode": "EB1", "OrderStatusId": "70"}'))
        .status_id
        == 70
    )


VNPAY_SECRET = "vnpay-test-secret"


@pytest.mark.parametrize(("amount", "expected"), [("²", None), (HUGE, None), ("50000000", 500000)])
def test_vnpays_amount_in_a_signed_notification_is_read_without_crashing(
    amount: str, expected: int | None
) -> None:
    """VNPay 2.1.0: vnp_Amount is the amount in VND × 100, in digits; anything else is no
    amount (the IPN then answers 04 Invalid amount), not a ValueError (a 500 on the return
    page)."""
    provider = VnpayProvider(
        "MOTCUA01",
        Secret("VNPAY_HASH_SECRET", plain=VNPAY_SECRET),
        "http://pay",
        "http://api",
        "http://back",
    )
    params = {
        "vnp_TmnCode": "MOTCUA01",
        "vnp_TxnRef": "T1",
        "vnp_Amount": amount,
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
    }
    params["vnp_SecureHash"] = sign(params, VNPAY_SECRET)
    assert provider.parse_callback(params).amount_vnd == expected
