"""The post office sandbox over real HTTP: booking, failure injection, statuses, signed callbacks.

Everything runs on loopback: the sandbox in a thread and a tiny callback receiver beside it that
checks SignData with its own HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sandboxes.postal import PostalSandbox, start_in_thread

REPO = Path(__file__).resolve().parents[2]
TOKEN = "POSTAL-TOKEN-0123456789"
SECRET = "POSTAL-CALLBACK-SECRET-0123456789"
ITEM_CODE = re.compile(r"^EB\d{9}VN$")
VN_DATE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$")
VN_TZ = timezone(timedelta(hours=7))


# ------------------------------------------------------------- harness


class Receiver(ThreadingHTTPServer):
    """The product's callback endpoint: checks SignData, records Data, answers from a script."""

    daemon_threads = True

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.data: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.script: list[int] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/delivery/postal/callback"

    def statuses(self) -> list[int]:
        with self.lock:
            return [data["OrderStatusId"] for data in self.data]


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(raw.decode("utf-8"))
        expected = hmac.new(SECRET.encode(), body["Data"].encode("utf-8"), hashlib.sha256)
        with self.server.lock:
            status = self.server.script.pop(0) if self.server.script else 200
            self.server.bodies.append(body)
            if hmac.compare_digest(expected.hexdigest(), body["SignData"]):
                self.server.data.append(json.loads(body["Data"]))
            else:
                self.server.bad_signatures += 1
        answer = json.dumps({"Success": status == 200}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def _start(
    receiver: Receiver, advance_interval_s: float = 0.0
) -> tuple[PostalSandbox, threading.Thread]:
    return start_in_thread(
        access_token=TOKEN,
        callback_secret=SECRET,
        callback_url=receiver.url,
        advance_interval_s=advance_interval_s,
        callback_retry_delay=0.01,
    )


@pytest.fixture
def sandbox(receiver: Receiver) -> Iterator[PostalSandbox]:
    server, thread = _start(receiver)
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


class Reply:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.text = response.read().decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.text)


def call(
    sandbox: PostalSandbox,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    host, port = sandbox.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        data = None if body is None else json.dumps(body).encode("utf-8")
        all_headers = {"Content-Type": "application/json"} if data is not None else {}
        all_headers.update(headers or {})
        connection.request(method, path, body=data, headers=all_headers)
        return Reply(connection.getresponse())
    finally:
        connection.close()


def order(number: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "CustomerCode": "SYT-MOTCUA",
        "OrderNumber": number,
        "SenderName": "Sở Y tế",
        "SenderPhone": "02363822222",
        "SenderAddress": "103 Hùng Vương, Hải Châu, Đà Nẵng",
        "ReceiverName": "Nguyễn Văn An",
        "ReceiverPhone": "0905123456",
        "ReceiverAddress": "12 Lê Duẩn, Hải Châu, Đà Nẵng",
        "ReceiverProvinceCode": "48",
        "ReceiverDistrictCode": "492",
        "CODAmount": 0,
        "Content": "Trả kết quả hồ sơ " + number,
    }
    body.update(overrides)
    return body


def book(sandbox: PostalSandbox, body: dict[str, Any], token: str | None = TOKEN) -> Reply:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return call(sandbox, "POST", "/api/orders", body, headers)


def booked(sandbox: PostalSandbox, number: str, **overrides: Any) -> str:
    reply = book(sandbox, order(number, **overrides))
    assert reply.status == 200, reply.text
    return str(reply.json()["ItemCode"])


def advance(sandbox: PostalSandbox, code: str) -> Reply:
    return call(sandbox, "POST", f"/sandbox/postal/shipments/{code}/advance")


def shipment(sandbox: PostalSandbox, code: str) -> dict[str, Any]:
    reply = call(sandbox, "GET", f"/sandbox/postal/shipments/{code}")
    assert reply.status == 200
    result: dict[str, Any] = reply.json()
    return result


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


# ------------------------------------------------------------- booking


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_booking_without_the_token_is_unauthorized(
    sandbox: PostalSandbox, token: str | None
) -> None:
    reply = book(sandbox, order("H56-0001"), token=token)
    assert reply.status == 401
    assert reply.json() == {"Success": False, "Message": "Unauthorized"}
    assert call(sandbox, "GET", "/sandbox/postal/shipments").json() == []


@pytest.mark.parametrize(
    "missing", ["OrderNumber", "ReceiverName", "ReceiverPhone", "ReceiverAddress"]
)
def test_booking_checks_the_required_fields(sandbox: PostalSandbox, missing: str) -> None:
    body = order("H56-0002")
    del body[missing]
    reply = book(sandbox, body)
    assert reply.status == 400
    answer = reply.json()
    assert answer["Success"] is False
    assert missing in answer["Message"]
    assert call(sandbox, "GET", "/sandbox/postal/shipments").json() == []


def test_booking_refuses_a_bad_cod_amount(sandbox: PostalSandbox) -> None:
    reply = book(sandbox, order("H56-0003", CODAmount="50000"))
    assert reply.status == 400
    assert "CODAmount" in reply.json()["Message"]


def test_booking_returns_a_waybill(sandbox: PostalSandbox, receiver: Receiver) -> None:
    reply = book(sandbox, order("H56-0004", CODAmount=50000))
    assert reply.status == 200
    answer = reply.json()
    assert answer["Success"] is True
    assert answer["Message"] == "OK"
    assert answer["OrderNumber"] == "H56-0004"
    assert ITEM_CODE.match(answer["ItemCode"])
    assert "Duplicate" not in answer

    recorded = shipment(sandbox, answer["ItemCode"])
    assert recorded["ItemCode"] == answer["ItemCode"]
    assert recorded["OrderNumber"] == "H56-0004"
    assert recorded["status"] == 20
    assert [entry["OrderStatusId"] for entry in recorded["history"]] == [20]
    assert VN_DATE.match(recorded["history"][0]["LastUpdateTime"])
    assert recorded["request"] == order("H56-0004", CODAmount=50000)
    assert recorded["callback_attempts"] == []
    assert receiver.bodies == []  # status 20 sends no callback
    listed = call(sandbox, "GET", "/sandbox/postal/shipments").json()
    assert [item["ItemCode"] for item in listed] == [answer["ItemCode"]]


def test_waybills_differ_between_orders(sandbox: PostalSandbox) -> None:
    assert booked(sandbox, "H56-0005") != booked(sandbox, "H56-0006")


def test_booking_the_same_order_again_returns_the_same_waybill(sandbox: PostalSandbox) -> None:
    first = booked(sandbox, "H56-0007")
    reply = book(sandbox, order("H56-0007"))
    assert reply.status == 200
    answer = reply.json()
    assert answer["ItemCode"] == first
    assert answer["Duplicate"] is True
    assert answer["Success"] is True
    assert len(call(sandbox, "GET", "/sandbox/postal/shipments").json()) == 1


def test_unknown_shipment_is_not_found(sandbox: PostalSandbox) -> None:
    assert call(sandbox, "GET", "/sandbox/postal/shipments/EB000000000VN").status == 404
    assert advance(sandbox, "EB000000000VN").status == 404
    assert call(sandbox, "POST", "/sandbox/postal/shipments/EB000000000VN/resend").status == 404


# -------------------------------------------------------- failure injection


def test_fail_next_answers_the_status_then_books(sandbox: PostalSandbox) -> None:
    reply = call(sandbox, "POST", "/sandbox/postal/fail-next", {"count": 2, "status": 503})
    assert reply.status == 200
    for _ in range(2):
        failed = book(sandbox, order("H56-0010"))
        assert failed.status == 503
        assert failed.json() == {"Success": False, "Message": "Service unavailable"}
    assert call(sandbox, "GET", "/sandbox/postal/shipments").json() == []
    assert ITEM_CODE.match(booked(sandbox, "H56-0010"))


def test_lost_response_books_and_a_repeat_gets_the_same_waybill(sandbox: PostalSandbox) -> None:
    reply = call(sandbox, "POST", "/sandbox/postal/lose-next-response", {"count": 1})
    assert reply.status == 200
    request = urllib.request.Request(  # noqa: S310 - the sandbox on loopback
        f"{sandbox.base_url}/api/orders",
        data=json.dumps(order("H56-0011")).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    # The booking is made, then the connection closes without an HTTP answer.
    with pytest.raises(http.client.RemoteDisconnected):
        opener.open(request, timeout=5)

    listed = call(sandbox, "GET", "/sandbox/postal/shipments").json()
    assert [item["OrderNumber"] for item in listed] == ["H56-0011"]
    again = book(sandbox, order("H56-0011"))
    assert again.status == 200
    assert again.json()["ItemCode"] == listed[0]["ItemCode"]
    assert again.json()["Duplicate"] is True


# ------------------------------------------------------ lifecycle, callbacks


def test_advance_walks_to_delivered_with_signed_callbacks(
    sandbox: PostalSandbox, receiver: Receiver
) -> None:
    code = booked(sandbox, "H56-0020")
    for expected in (70, 80, 100):
        reply = advance(sandbox, code)
        assert reply.status == 200
        assert reply.json()["status"] == expected
    assert receiver.bad_signatures == 0
    assert receiver.statuses() == [70, 80, 100]
    notes = [data["DeliveryNote"] for data in receiver.data]
    assert notes == ["Bưu cục đã nhận hàng", "Đang phát", "Đã phát thành công"]
    for data in receiver.data:
        assert data["ItemCode"] == code
        assert data["OrderCode"] == "H56-0020"
        assert VN_DATE.match(data["LastUpdateTime"])
    for body in receiver.bodies:
        assert set(body) == {"Data", "SendDate", "SignData"}
        assert re.fullmatch(r"[0-9a-f]{64}", body["SignData"])
        sent = datetime.strptime(body["SendDate"], "%d/%m/%Y %H:%M:%S").replace(tzinfo=VN_TZ)
        assert abs(sent - datetime.now(VN_TZ)) < timedelta(minutes=1)

    recorded = shipment(sandbox, code)
    assert [entry["OrderStatusId"] for entry in recorded["history"]] == [20, 70, 80, 100]
    assert recorded["callback_attempts"] == [200, 200, 200]
    assert recorded["final"] is True

    conflict = advance(sandbox, code)
    assert conflict.status == 409
    assert conflict.json()["Success"] is False
    assert len(receiver.bodies) == 3


@pytest.mark.parametrize(
    "address",
    ["KHONG PHAT DUOC, 12 Lê Duẩn, Đà Nẵng", "12 Lê Duẩn (không phát được), Đà Nẵng"],
)
def test_undeliverable_address_ends_at_91(
    sandbox: PostalSandbox, receiver: Receiver, address: str
) -> None:
    code = booked(sandbox, "H56-0021", ReceiverAddress=address)
    for _ in range(3):
        assert advance(sandbox, code).status == 200
    assert advance(sandbox, code).status == 409
    assert receiver.statuses() == [70, 80, 91]
    assert receiver.data[-1]["DeliveryNote"].startswith("Phát không thành công")
    assert shipment(sandbox, code)["status"] == 91


@pytest.mark.parametrize("address", ["HOAN TRA - 12 Lê Duẩn", "12 Lê Duẩn, hoàn trả, Đà Nẵng"])
def test_returned_address_ends_at_170(
    sandbox: PostalSandbox, receiver: Receiver, address: str
) -> None:
    code = booked(sandbox, "H56-0022", ReceiverAddress=address)
    for _ in range(4):
        assert advance(sandbox, code).status == 200
    assert advance(sandbox, code).status == 409
    assert receiver.statuses() == [70, 80, 91, 170]
    assert receiver.data[-1]["DeliveryNote"] == "Đã hoàn trả người gửi"


def test_resend_sends_the_same_data_again(sandbox: PostalSandbox, receiver: Receiver) -> None:
    code = booked(sandbox, "H56-0023")
    resend = f"/sandbox/postal/shipments/{code}/resend"
    assert call(sandbox, "POST", resend).status == 409  # nothing sent yet
    assert advance(sandbox, code).status == 200
    reply = call(sandbox, "POST", resend)
    assert reply.status == 200
    assert reply.json()["status"] == 70
    assert len(receiver.bodies) == 2
    assert receiver.bodies[0]["Data"] == receiver.bodies[1]["Data"]
    assert receiver.bodies[0]["SignData"] == receiver.bodies[1]["SignData"]
    assert receiver.statuses() == [70, 70]
    assert shipment(sandbox, code)["callback_attempts"] == [200, 200]


def test_callback_is_retried_on_5xx(sandbox: PostalSandbox, receiver: Receiver) -> None:
    receiver.script = [503, 500]
    code = booked(sandbox, "H56-0024")
    assert advance(sandbox, code).status == 200
    assert len(receiver.bodies) == 3
    assert receiver.bodies[0] == receiver.bodies[2]
    assert shipment(sandbox, code)["callback_attempts"] == [503, 500, 200]


def test_callback_retries_stop_after_three(sandbox: PostalSandbox, receiver: Receiver) -> None:
    receiver.script = [503] * 10
    code = booked(sandbox, "H56-0025")
    assert advance(sandbox, code).status == 200
    assert shipment(sandbox, code)["callback_attempts"] == [503] * 4
    receiver.script = []
    assert advance(sandbox, code).status == 200
    assert shipment(sandbox, code)["callback_attempts"] == [503] * 4 + [200]


def test_callback_is_not_retried_on_4xx(sandbox: PostalSandbox, receiver: Receiver) -> None:
    receiver.script = [400]
    code = booked(sandbox, "H56-0026")
    assert advance(sandbox, code).status == 200
    assert shipment(sandbox, code)["callback_attempts"] == [400]


def test_unreachable_receiver_is_recorded_as_no_answer() -> None:
    server, thread = start_in_thread(
        access_token=TOKEN,
        callback_secret=SECRET,
        callback_url="http://127.0.0.1:9/nowhere",
        callback_retries=1,
        callback_retry_delay=0.01,
        callback_timeout=2,
    )
    try:
        code = booked(server, "H56-0027")
        assert advance(server, code).status == 200
        assert shipment(server, code)["callback_attempts"] == [None, None]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_timer_advances_on_its_own(receiver: Receiver) -> None:
    server, thread = _start(receiver, advance_interval_s=0.05)
    try:
        code = booked(server, "H56-0030")
        wait_for(lambda: len(receiver.data) >= 3)
        time.sleep(0.2)  # nothing after the final status
        assert receiver.statuses() == [70, 80, 100]
        assert receiver.bad_signatures == 0
        assert shipment(server, code)["final"] is True
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# ----------------------------------------------------------------- CLI


def test_cli_prints_its_address_and_stops_cleanly() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.update(POSTAL_SANDBOX_ACCESS_TOKEN=TOKEN, POSTAL_SANDBOX_CALLBACK_SECRET=SECRET)
    process = subprocess.Popen(
        [sys.executable, "-m", "sandboxes.postal", "--port", "0", "--callback-url", "", "--quiet"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("Post office sandbox on http://127.0.0.1:")
        port = int(line.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/sandbox/postal/shipments")
        assert connection.getresponse().read() == b"[]"
        connection.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_requires_the_secrets() -> None:
    env = {
        name: value for name, value in os.environ.items() if not name.startswith("POSTAL_SANDBOX_")
    }
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-m", "sandboxes.postal", "--port", "0", "--access-token", TOKEN],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "--callback-secret" in result.stderr
