"""The VNPay sandbox: its signing against the shared test vectors, and its endpoints over real HTTP.

Everything runs on loopback: the sandbox in a thread and a tiny merchant IPN endpoint beside it.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sandboxes.vnpay.server import VN_TZ, VnpaySandbox, start_in_thread
from sandboxes.vnpay.signing import (
    QUERYDR_REQUEST_FIELDS,
    QUERYDR_RESPONSE_FIELDS,
    build_query,
    php_urlencode,
    querydr_signature,
    sign,
    signed,
    signed_data,
    verify,
)
from tests.vectors import vnpay_signing

REPO = Path(__file__).resolve().parents[2]
SECRET = "SANDBOXSECRET0123456789ABCDEFGHIJ"
TMN_CODE = "MOTCUA01"
RETURN_URL = "http://127.0.0.1:8000/payment/vnpay/return"


VECTORS: list[dict[str, Any]] = vnpay_signing()


# ---------------------------------------------------------------- signing


@pytest.mark.parametrize("case", VECTORS, ids=[case["name"] for case in VECTORS])
def test_signing_matches_the_vectors(case: dict[str, Any]) -> None:
    params: dict[str, str] = case["params"]
    assert signed_data(params) == case["signed_data"]
    assert sign(params, case["secret"]) == case["vnp_SecureHash"]
    with_hash = {**params, "vnp_SecureHash": case["vnp_SecureHash"]}
    assert verify(with_hash, case["secret"])
    assert verify({**with_hash, "vnp_SecureHash": case["vnp_SecureHash"].upper()}, case["secret"])
    assert verify({**with_hash, "vnp_SecureHashType": "HmacSHA512"}, case["secret"])
    assert not verify({**with_hash, "vnp_Amount": "1"}, case["secret"])
    assert not verify(with_hash, case["secret"] + "x")
    assert not verify(params, case["secret"])


def test_php_urlencode() -> None:
    assert php_urlencode("a b~c*d-e_f.g") == "a+b%7Ec%2Ad-e_f.g"
    assert php_urlencode("đ/?&=+%") == "%C4%91%2F%3F%26%3D%2B%25"


def test_signed_data_skips_empty_values_and_other_params() -> None:
    params = {"vnp_B": "2", "vnp_A": "1", "vnp_Empty": "", "other": "x", "vnp_SecureHash": "h"}
    assert signed_data(params) == "vnp_A=1&vnp_B=2"


# ------------------------------------------------------------- harness


class Merchant(ThreadingHTTPServer):
    """The merchant's IPN endpoint: records every call, answers from a script (then "00")."""

    daemon_threads = True

    def __init__(self) -> None:
        self.calls: list[dict[str, str]] = []
        self.script: list[str] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _MerchantHandler)

    @property
    def ipn_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/payment/vnpay/ipn"


class _MerchantHandler(BaseHTTPRequestHandler):
    server: Merchant

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        with self.server.lock:
            self.server.calls.append(dict(urllib.parse.parse_qsl(url.query)))
            behaviour = self.server.script.pop(0) if self.server.script else "00"
        if behaviour == "fail":
            self.send_error(500)
            return
        message = "Confirm Success" if behaviour == "00" else "Unknown error"
        body = json.dumps({"RspCode": behaviour, "Message": message}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def merchant() -> Iterator[Merchant]:
    server = Merchant()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def sandbox(merchant: Merchant) -> Iterator[VnpaySandbox]:
    server, thread = start_in_thread(
        tmn_code=TMN_CODE, hash_secret=SECRET, ipn_url=merchant.ipn_url, ipn_retry_delay=0.01
    )
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


class Reply:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.text = response.read().decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.text)


def call(
    sandbox: VnpaySandbox,
    method: str,
    path: str,
    body: bytes | None = None,
    content_type: str = "application/json",
) -> Reply:
    host, port = sandbox.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        return Reply(connection.getresponse())
    finally:
        connection.close()


def vn_date(delta: timedelta = timedelta()) -> str:
    return (datetime.now(VN_TZ) + delta).strftime("%Y%m%d%H%M%S")


def payment_params(txn_ref: str, **overrides: str) -> dict[str, str]:
    params = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": TMN_CODE,
        "vnp_Amount": "50000000",
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": "Thanh toan le phi ho so 000.00.01.H56-261122-0001",
        "vnp_OrderType": "billpayment",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": RETURN_URL,
        "vnp_IpAddr": "127.0.0.1",
        "vnp_CreateDate": vn_date(),
        "vnp_ExpireDate": vn_date(timedelta(minutes=15)),
    }
    params.update(overrides)
    return params


def open_page(sandbox: VnpaySandbox, params: dict[str, str], secret: str = SECRET) -> Reply:
    return call(sandbox, "GET", "/paymentv2/vpcpay.html?" + build_query(signed(params, secret)))


def complete(sandbox: VnpaySandbox, txn_ref: str, choice: str) -> Reply:
    form = urllib.parse.urlencode({"vnp_TxnRef": txn_ref, "choice": choice}).encode()
    return call(sandbox, "POST", "/paymentv2/complete", form, "application/x-www-form-urlencoded")


def querydr(sandbox: VnpaySandbox, txn_ref: str, create_date: str, secret: str = SECRET) -> Any:
    request = {
        "vnp_RequestId": "REQ" + txn_ref,
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": TMN_CODE,
        "vnp_TxnRef": txn_ref,
        "vnp_TransactionDate": create_date,
        "vnp_CreateDate": vn_date(),
        "vnp_IpAddr": "127.0.0.1",
        "vnp_OrderInfo": "Truy van giao dich " + txn_ref,
    }
    request["vnp_SecureHash"] = querydr_signature(
        [request[name] for name in QUERYDR_REQUEST_FIELDS], secret
    )
    reply = call(sandbox, "POST", "/merchant_webapi/api/transaction", json.dumps(request).encode())
    assert reply.status == 200
    answer = reply.json()
    expected = querydr_signature([answer[name] for name in QUERYDR_RESPONSE_FIELDS], SECRET)
    assert answer["vnp_SecureHash"] == expected
    return answer


def recorded(sandbox: VnpaySandbox, txn_ref: str) -> dict[str, Any]:
    reply = call(sandbox, "GET", "/sandbox/transactions")
    assert reply.status == 200
    return next(txn for txn in reply.json() if txn["txn_ref"] == txn_ref)


# --------------------------------------------------------- payment page


def test_payment_page_with_a_bad_signature_is_refused(sandbox: VnpaySandbox) -> None:
    reply = open_page(sandbox, payment_params("P-BADSIG"), secret="not the secret")
    assert reply.status == 400
    assert "Sai chữ ký" in reply.text
    assert call(sandbox, "GET", "/sandbox/transactions").json() == []


def test_expired_payment_page_is_refused(sandbox: VnpaySandbox) -> None:
    params = payment_params(
        "P-EXPIRED",
        vnp_CreateDate=vn_date(timedelta(minutes=-30)),
        vnp_ExpireDate=vn_date(timedelta(minutes=-15)),
    )
    reply = open_page(sandbox, params)
    assert reply.status == 400
    assert "Giao dịch đã quá thời gian chờ thanh toán" in reply.text


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"vnp_TmnCode": "OTHER001"}, "vnp_TmnCode"),
        ({"vnp_Amount": "-100"}, "vnp_Amount"),
        ({"vnp_Amount": "0"}, "vnp_Amount"),
        ({"vnp_Version": "2.0.0"}, "vnp_Version"),
        ({"vnp_Command": "refund"}, "vnp_Command"),
        ({"vnp_Locale": ""}, "vnp_Locale"),
    ],
)
def test_payment_page_checks_the_parameters(
    sandbox: VnpaySandbox, override: dict[str, str], message: str
) -> None:
    reply = open_page(sandbox, payment_params("P-CHECK", **override))
    assert reply.status == 400
    assert message in reply.text


def test_payment_page_shows_the_order(sandbox: VnpaySandbox) -> None:
    reply = open_page(sandbox, payment_params("P-GOOD"))
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    assert '<html lang="vi">' in reply.text
    assert "500.000 VND" in reply.text
    assert TMN_CODE in reply.text
    assert 'name="vnp_TxnRef" value="P-GOOD"' in reply.text
    for value, label in (
        ("00", "Thanh toán thành công"),
        ("24", "Hủy giao dịch"),
        ("51", "Tài khoản không đủ số dư"),
    ):
        assert f'value="{value}">{label}</button>' in reply.text
    txn = recorded(sandbox, "P-GOOD")
    assert txn["status"] == "01"
    assert txn["amount"] == "50000000"


# ------------------------------------------------------ bank and IPN


def test_paying_calls_the_ipn_then_returns(sandbox: VnpaySandbox, merchant: Merchant) -> None:
    assert open_page(sandbox, payment_params("P-PAY")).status == 200
    reply = complete(sandbox, "P-PAY", "00")

    assert reply.status == 302
    location = reply.headers["Location"]
    assert location.startswith(RETURN_URL + "?")
    returned = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert verify(returned, SECRET)

    assert len(merchant.calls) == 1
    ipn = merchant.calls[0]
    assert verify(ipn, SECRET)
    assert ipn == returned
    assert ipn["vnp_ResponseCode"] == "00"
    assert ipn["vnp_TransactionStatus"] == "00"
    assert ipn["vnp_Amount"] == "50000000"
    assert ipn["vnp_TxnRef"] == "P-PAY"
    assert ipn["vnp_TmnCode"] == TMN_CODE
    assert ipn["vnp_BankCode"] == "NCB"
    assert ipn["vnp_CardType"] == "ATM"
    assert len(ipn["vnp_TransactionNo"]) == 8
    assert ipn["vnp_TransactionNo"].isdigit()
    assert ipn["vnp_BankTranNo"] == "VNP" + ipn["vnp_TransactionNo"]
    assert ipn["vnp_OrderInfo"] == "Thanh toan le phi ho so 000.00.01.H56-261122-0001"

    txn = recorded(sandbox, "P-PAY")
    assert txn["status"] == "00"
    assert txn["response_code"] == "00"
    assert txn["ipn_attempts"] == 1
    assert txn["ipn_answers"] == [{"RspCode": "00", "Message": "Confirm Success"}]

    assert complete(sandbox, "P-PAY", "00").status == 409
    assert len(merchant.calls) == 1


def test_cancelling_sends_a_failed_status(sandbox: VnpaySandbox, merchant: Merchant) -> None:
    assert open_page(sandbox, payment_params("P-CANCEL")).status == 200
    reply = complete(sandbox, "P-CANCEL", "24")
    assert reply.status == 302
    assert len(merchant.calls) == 1
    ipn = merchant.calls[0]
    assert verify(ipn, SECRET)
    assert ipn["vnp_ResponseCode"] == "24"
    assert ipn["vnp_TransactionStatus"] == "02"
    assert ipn["vnp_TransactionNo"] == "0"
    assert "vnp_BankTranNo" not in ipn
    assert recorded(sandbox, "P-CANCEL")["status"] == "02"


def test_completing_an_unknown_transaction_is_refused(sandbox: VnpaySandbox) -> None:
    assert complete(sandbox, "P-NOWHERE", "00").status == 404


def test_ipn_is_retried_until_confirmed(sandbox: VnpaySandbox, merchant: Merchant) -> None:
    merchant.script = ["99", "fail", "00"]
    assert open_page(sandbox, payment_params("P-RETRY")).status == 200
    assert complete(sandbox, "P-RETRY", "00").status == 302
    assert len(merchant.calls) == 3
    assert merchant.calls[0] == merchant.calls[2]
    txn = recorded(sandbox, "P-RETRY")
    assert txn["ipn_attempts"] == 3
    assert [answer.get("RspCode") for answer in txn["ipn_answers"]] == ["99", None, "00"]
    assert txn["ipn_answers"][1] == {"error": "HTTP 500"}


def test_ipn_retries_stop_after_three(sandbox: VnpaySandbox, merchant: Merchant) -> None:
    merchant.script = ["99"] * 10
    assert open_page(sandbox, payment_params("P-GIVEUP")).status == 200
    assert complete(sandbox, "P-GIVEUP", "00").status == 302
    assert len(merchant.calls) == 4
    assert recorded(sandbox, "P-GIVEUP")["ipn_attempts"] == 4


def test_already_confirmed_answer_stops_the_retries(
    sandbox: VnpaySandbox, merchant: Merchant
) -> None:
    merchant.script = ["02"]
    assert open_page(sandbox, payment_params("P-DUP")).status == 200
    assert complete(sandbox, "P-DUP", "00").status == 302
    assert len(merchant.calls) == 1


# ------------------------------------------------------------- querydr


def test_querydr_with_a_bad_signature(sandbox: VnpaySandbox) -> None:
    params = payment_params("P-Q97")
    assert open_page(sandbox, params).status == 200
    answer = querydr(sandbox, "P-Q97", params["vnp_CreateDate"], secret="wrong")
    assert answer["vnp_ResponseCode"] == "97"


def test_querydr_of_an_unknown_transaction(sandbox: VnpaySandbox) -> None:
    answer = querydr(sandbox, "P-UNKNOWN", vn_date())
    assert answer["vnp_ResponseCode"] == "91"


def test_querydr_of_a_paid_transaction(sandbox: VnpaySandbox) -> None:
    params = payment_params("P-QPAID")
    assert open_page(sandbox, params).status == 200
    reply = complete(sandbox, "P-QPAID", "00")
    returned = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(reply.headers["Location"]).query))

    answer = querydr(sandbox, "P-QPAID", params["vnp_CreateDate"])
    assert answer["vnp_ResponseCode"] == "00"
    assert answer["vnp_TransactionStatus"] == "00"
    assert answer["vnp_Command"] == "querydr"
    assert answer["vnp_TmnCode"] == TMN_CODE
    assert answer["vnp_TxnRef"] == "P-QPAID"
    assert answer["vnp_Amount"] == "50000000"
    assert answer["vnp_TransactionType"] == "01"
    assert answer["vnp_TransactionNo"] == returned["vnp_TransactionNo"]
    assert answer["vnp_PayDate"] == returned["vnp_PayDate"]
    assert answer["vnp_BankCode"] == "NCB"
    assert answer["vnp_PromotionCode"] == answer["vnp_PromotionAmount"] == ""

    # VNPay finds the payment by its reference and the date the merchant created it.
    assert querydr(sandbox, "P-QPAID", "20200101000000")["vnp_ResponseCode"] == "91"


def test_querydr_of_an_unfinished_transaction(sandbox: VnpaySandbox) -> None:
    params = payment_params("P-QPENDING")
    assert open_page(sandbox, params).status == 200
    answer = querydr(sandbox, "P-QPENDING", params["vnp_CreateDate"])
    assert answer["vnp_ResponseCode"] == "00"
    assert answer["vnp_TransactionStatus"] == "01"


def test_querydr_of_malformed_json(sandbox: VnpaySandbox) -> None:
    reply = call(sandbox, "POST", "/merchant_webapi/api/transaction", b"{not json")
    assert reply.status == 200
    assert reply.json()["vnp_ResponseCode"] == "03"


def test_silent_completion_skips_the_ipn(sandbox: VnpaySandbox, merchant: Merchant) -> None:
    params = payment_params("P-LOST")
    assert open_page(sandbox, params).status == 200
    body = json.dumps({"vnp_TxnRef": "P-LOST", "choice": "00"}).encode()
    reply = call(sandbox, "POST", "/sandbox/complete-silently", body)
    assert reply.status == 200
    result = reply.json()
    assert verify(result, SECRET)
    assert result["vnp_ResponseCode"] == result["vnp_TransactionStatus"] == "00"
    assert merchant.calls == []
    assert recorded(sandbox, "P-LOST")["ipn_attempts"] == 0

    answer = querydr(sandbox, "P-LOST", params["vnp_CreateDate"])
    assert answer["vnp_ResponseCode"] == "00"
    assert answer["vnp_TransactionStatus"] == "00"
    assert answer["vnp_TransactionNo"] == result["vnp_TransactionNo"]


# ----------------------------------------------------------------- CLI


def test_cli_prints_its_address_and_stops_cleanly() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandboxes.vnpay",
            "--port",
            "0",
            "--hash-secret",
            SECRET,
            "--ipn-url",
            "",
            "--quiet",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("VNPay sandbox on http://127.0.0.1:")
        port = int(line.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/sandbox/transactions")
        assert connection.getresponse().read() == b"[]"
        connection.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
