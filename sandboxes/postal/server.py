"""The post office sandbox server: booking, delivery statuses, signed callbacks with retries.

Endpoints (all on one ``ThreadingHTTPServer``):

- ``POST /api/orders``                                   book a shipment (Bearer token)
- ``POST /sandbox/postal/fail-next``                     the next N bookings answer an error status
- ``POST /sandbox/postal/lose-next-response``            the next N bookings: booked, no answer
- ``GET  /sandbox/postal/shipments``                     what the sandbox recorded (JSON)
- ``GET  /sandbox/postal/shipments/{ItemCode}``          one shipment
- ``POST /sandbox/postal/shipments/{ItemCode}/advance``  move one status on, send its callback
- ``POST /sandbox/postal/shipments/{ItemCode}/resend``   send the last callback again (a duplicate)

A shipment starts at 20 (sent) and moves 70 → 80 → 100; an address saying "không phát được"
ends at 91, one saying "hoàn trả" goes 70 → 80 → 91 → 170. Each move is POSTed to the callback
URL as ``{"Data": "<JSON>", "SendDate": "dd/MM/yyyy HH:mm:ss", "SignData": "<hex>"}`` where
SignData is the lowercase hex HMAC-SHA256 of the UTF-8 bytes of the Data string.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VN_TZ = timezone(timedelta(hours=7), "GMT+7")
DATE_FORMAT = "%d/%m/%Y %H:%M:%S"

# OrderStatusId. 80 ("đang phát") is this sandbox's own id: the deployed integration lists none.
STATUS_SENT = 20
STATUS_ACCEPTED = 70
STATUS_DELIVERING = 80
STATUS_FAILED = 91
STATUS_DELIVERED = 100
STATUS_RETURNED = 170

DELIVERY_NOTES: dict[int, str] = {
    STATUS_SENT: "Đã gửi đơn hàng",
    STATUS_ACCEPTED: "Bưu cục đã nhận hàng",
    STATUS_DELIVERING: "Đang phát",
    STATUS_FAILED: "Phát không thành công: không liên lạc được người nhận",
    STATUS_DELIVERED: "Đã phát thành công",
    STATUS_RETURNED: "Đã hoàn trả người gửi",
}

ROUTE_DELIVERED = (STATUS_ACCEPTED, STATUS_DELIVERING, STATUS_DELIVERED)
ROUTE_FAILED = (STATUS_ACCEPTED, STATUS_DELIVERING, STATUS_FAILED)
ROUTE_RETURNED = (STATUS_ACCEPTED, STATUS_DELIVERING, STATUS_FAILED, STATUS_RETURNED)

# Words in ReceiverAddress (compared without accents or case) that pick a route.
MARK_RETURNED = "HOAN TRA"
MARK_FAILED = "KHONG PHAT DUOC"

BOOKING_REQUIRED = ("OrderNumber", "ReceiverName", "ReceiverPhone", "ReceiverAddress")
BOOKING_TEXT_FIELDS = (
    "CustomerCode",
    "OrderNumber",
    "SenderName",
    "SenderPhone",
    "SenderAddress",
    "ReceiverName",
    "ReceiverPhone",
    "ReceiverAddress",
    "ReceiverProvinceCode",
    "ReceiverDistrictCode",
    "Content",
)

ITEM_PREFIX = "EB"
ITEM_SUFFIX = "VN"
# UPU S10 check digit weights for the 8-digit serial.
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)

SHIPMENTS_PATH = "/sandbox/postal/shipments"
MAX_BODY = 1 << 20


def now_vn() -> datetime:
    return datetime.now(VN_TZ)


def format_date(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).strftime(DATE_FORMAT)


def fold(text: str) -> str:
    """Upper case, no Vietnamese accents, spaces collapsed: "phát được" → "PHAT DUOC"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(
        char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char)
    )
    return " ".join(bare.upper().split())


def route_for(receiver_address: str) -> tuple[int, ...]:
    folded = fold(receiver_address)
    if MARK_RETURNED in folded:
        return ROUTE_RETURNED
    if MARK_FAILED in folded:
        return ROUTE_FAILED
    return ROUTE_DELIVERED


def s10_check_digit(serial: str) -> str:
    """The UPU S10 check digit of an 8-digit serial number."""
    remainder = 11 - sum(int(digit) * w for digit, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: "0", 11: "5"}.get(remainder, str(remainder))


def item_code(serial: int) -> str:
    """A waybill number like EB123456785VN: prefix, 8-digit serial, check digit, country."""
    digits = f"{serial:08d}"
    return f"{ITEM_PREFIX}{digits}{s10_check_digit(digits)}{ITEM_SUFFIX}"


def sign(data: str, secret: str) -> str:
    """SignData: lowercase hex HMAC-SHA256 of the Data string's UTF-8 bytes."""
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha256).hexdigest()


class SandboxError(Exception):
    """A request the sandbox refuses: HTTP status and a message."""

    def __init__(self, status: HTTPStatus | int, message: str) -> None:
        super().__init__(message)
        self.status = int(status)
        self.message = message


@dataclass
class Callback:
    """One callback as sent (and, for resends, sent again)."""

    order_status_id: int
    data: str
    sign_data: str
    resend: bool = False
    send_date: str = ""
    attempts: list[int | None] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "OrderStatusId": self.order_status_id,
            "Data": self.data,
            "SendDate": self.send_date,
            "SignData": self.sign_data,
            "resend": self.resend,
            "attempts": list(self.attempts),
        }


@dataclass
class Shipment:
    item_code: str
    order_number: str
    request: dict[str, Any]
    route: tuple[int, ...]
    status: int = STATUS_SENT
    history: list[dict[str, Any]] = field(default_factory=list)
    callback_attempts: list[int | None] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)
    last_move: float = field(default_factory=time.monotonic)
    # Held while a status moves and its callback goes out, so callbacks keep their order.
    move_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def final(self) -> bool:
        return self.status == self.route[-1]

    def next_status(self) -> int:
        if self.status == STATUS_SENT:
            return self.route[0]
        return self.route[self.route.index(self.status) + 1]

    def summary(self) -> dict[str, Any]:
        return {
            "ItemCode": self.item_code,
            "OrderNumber": self.order_number,
            "status": self.status,
            "final": self.final,
            "route": list(self.route),
            "history": [dict(entry) for entry in self.history],
            "callback_attempts": list(self.callback_attempts),
            "callbacks": [callback.summary() for callback in self.callbacks],
            "request": dict(self.request),
        }


class PostalSandbox(ThreadingHTTPServer):
    """The post office for one customer (``access_token``, ``callback_secret``), state in memory."""

    daemon_threads = True

    def __init__(
        self,
        host: str,
        port: int,
        *,
        access_token: str,
        callback_secret: str,
        callback_url: str,
        advance_interval_s: float = 0.0,
        callback_retries: int = 3,
        callback_retry_delay: float = 0.5,
        callback_timeout: float = 10.0,
        quiet: bool = False,
    ) -> None:
        if not access_token:
            raise ValueError("the access token must not be empty")
        if not callback_secret:
            raise ValueError("the callback secret must not be empty")
        if callback_url and urllib.parse.urlsplit(callback_url).scheme not in ("http", "https"):
            raise ValueError(f"the callback URL must be http(s): {callback_url!r}")
        if advance_interval_s < 0:
            raise ValueError("advance_interval_s must not be negative")
        if callback_retries < 0:
            raise ValueError("callback_retries must not be negative")
        self.access_token = access_token
        self.callback_secret = callback_secret
        self.callback_url = callback_url
        self.advance_interval_s = advance_interval_s
        self.callback_retries = callback_retries
        self.callback_retry_delay = callback_retry_delay
        self.callback_timeout = callback_timeout
        self.quiet = quiet
        self._lock = threading.Lock()
        self._shipments: dict[str, Shipment] = {}
        self._by_order: dict[str, str] = {}
        self._last_serial = 10_000_000 + secrets.randbelow(80_000_000)
        self._fail_next: list[int] = []
        self._lose_next = 0
        self._stopping = threading.Event()
        # Loopback receivers only: never go through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        super().__init__((host, port), _Handler)
        self._timer: threading.Thread | None = None
        if advance_interval_s > 0:
            self._timer = threading.Thread(
                target=self._run_timer, name="postal-sandbox-timer", daemon=True
            )
            self._timer.start()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}"

    def shutdown(self) -> None:
        self._stop_timer()
        super().shutdown()

    def server_close(self) -> None:
        self._stop_timer()
        super().server_close()

    def _stop_timer(self) -> None:
        self._stopping.set()
        timer = self._timer
        if timer is not None and timer is not threading.current_thread():
            timer.join(timeout=5)

    # ------------------------------------------------------------------ state

    def shipments(self) -> list[dict[str, Any]]:
        with self._lock:
            return [shipment.summary() for shipment in self._shipments.values()]

    def shipment(self, code: str) -> dict[str, Any]:
        with self._lock:
            return self._get(code).summary()

    def _get(self, code: str) -> Shipment:
        shipment = self._shipments.get(code)
        if shipment is None:
            raise SandboxError(HTTPStatus.NOT_FOUND, f"Không tìm thấy bưu gửi {code}")
        return shipment

    def authorized(self, header: str | None) -> bool:
        scheme, _, token = (header or "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(token.strip().encode(), self.access_token.encode())

    def fail_next(self, count: int, status: int) -> None:
        with self._lock:
            self._fail_next = [status] * count

    def lose_next_responses(self, count: int) -> None:
        with self._lock:
            self._lose_next = count

    def take_failure(self) -> int | None:
        """The status an injected failure answers this booking with, if any."""
        with self._lock:
            return self._fail_next.pop(0) if self._fail_next else None

    def take_lost_response(self) -> bool:
        with self._lock:
            if self._lose_next <= 0:
                return False
            self._lose_next -= 1
            return True

    def book(self, body: Any) -> dict[str, Any]:
        """Book a shipment; the same OrderNumber again gets the same ItemCode back."""
        request = validate_booking(body)
        order_number = request["OrderNumber"]
        with self._lock:
            existing = self._by_order.get(order_number)
            if existing is not None:
                return {
                    "Success": True,
                    "ItemCode": existing,
                    "OrderNumber": order_number,
                    "Duplicate": True,
                    "Message": "OK",
                }
            code = self._new_item_code()
            shipment = Shipment(
                item_code=code,
                order_number=order_number,
                request=request,
                route=route_for(request["ReceiverAddress"]),
            )
            shipment.history.append(self._entry(STATUS_SENT))
            self._shipments[code] = shipment
            self._by_order[order_number] = code
        return {"Success": True, "ItemCode": code, "OrderNumber": order_number, "Message": "OK"}

    def _new_item_code(self) -> str:
        while True:
            self._last_serial = (self._last_serial + 1) % 100_000_000
            code = item_code(self._last_serial)
            if code not in self._shipments:
                return code

    @staticmethod
    def _entry(status: int) -> dict[str, Any]:
        return {
            "OrderStatusId": status,
            "LastUpdateTime": format_date(now_vn()),
            "DeliveryNote": DELIVERY_NOTES[status],
        }

    # -------------------------------------------------------------- lifecycle

    def advance(self, code: str) -> dict[str, Any]:
        """Move a shipment one status on and send the callback; SandboxError 404 / 409."""
        with self._lock:
            shipment = self._get(code)
        with shipment.move_lock:
            self._move(shipment, only_if_due=False)
        return self.shipment(code)

    def resend(self, code: str) -> dict[str, Any]:
        """Send the last callback again (same Data and SignData, a new SendDate)."""
        with self._lock:
            shipment = self._get(code)
        with shipment.move_lock:
            with self._lock:
                if not shipment.callbacks:
                    raise SandboxError(HTTPStatus.CONFLICT, "Bưu gửi chưa có trạng thái để gửi lại")
                last = shipment.callbacks[-1]
                callback = Callback(last.order_status_id, last.data, last.sign_data, resend=True)
                shipment.callbacks.append(callback)
            self._deliver(shipment, callback)
        return self.shipment(code)

    def _move(self, shipment: Shipment, *, only_if_due: bool) -> None:
        """With ``shipment.move_lock`` held: next status, history, then the callback."""
        with self._lock:
            if shipment.final:
                if only_if_due:
                    return
                raise SandboxError(
                    HTTPStatus.CONFLICT,
                    f"Bưu gửi {shipment.item_code} đã ở trạng thái cuối ({shipment.status})",
                )
            if only_if_due and not self._due(shipment):
                return
            status = shipment.next_status()
            entry = self._entry(status)
            shipment.status = status
            shipment.history.append(entry)
            shipment.last_move = time.monotonic()
            data = json.dumps(
                {
                    "ItemCode": shipment.item_code,
                    "OrderCode": shipment.order_number,
                    "OrderStatusId": status,
                    "DeliveryNote": entry["DeliveryNote"],
                    "LastUpdateTime": entry["LastUpdateTime"],
                },
                ensure_ascii=False,
            )
            callback = Callback(status, data, sign(data, self.callback_secret))
            shipment.callbacks.append(callback)
        self._deliver(shipment, callback)

    def _due(self, shipment: Shipment) -> bool:
        return time.monotonic() - shipment.last_move >= self.advance_interval_s

    def _run_timer(self) -> None:
        poll = min(self.advance_interval_s / 2, 0.5)
        while not self._stopping.wait(poll):
            with self._lock:
                due = [s for s in self._shipments.values() if not s.final and self._due(s)]
            for shipment in due:
                # Busy (being moved by hand or by an earlier tick)? It waits for the next tick.
                if not shipment.move_lock.acquire(blocking=False):
                    continue
                threading.Thread(
                    target=self._timed_move,
                    args=(shipment,),
                    name=f"postal-move-{shipment.item_code}",
                    daemon=True,
                ).start()

    def _timed_move(self, shipment: Shipment) -> None:
        try:
            if not self._stopping.is_set():
                self._move(shipment, only_if_due=True)
        finally:
            shipment.move_lock.release()

    # -------------------------------------------------------------- callbacks

    def _deliver(self, shipment: Shipment, callback: Callback) -> None:
        """POST the callback, retrying on no answer or a 5xx; records every attempt's status."""
        if not self.callback_url:
            return
        with self._lock:
            callback.send_date = format_date(now_vn())
        body = json.dumps(
            {"Data": callback.data, "SendDate": callback.send_date, "SignData": callback.sign_data},
            ensure_ascii=False,
        ).encode("utf-8")
        for attempt in range(1 + self.callback_retries):
            if attempt and self._stopping.wait(self.callback_retry_delay):
                return
            status = self._post_callback(body)
            with self._lock:
                callback.attempts.append(status)
                shipment.callback_attempts.append(status)
            if status is not None and status < 500:
                return

    def _post_callback(self, body: bytes) -> int | None:
        """The receiver's HTTP status, or None when it gave no answer."""
        request = urllib.request.Request(  # noqa: S310 - the configured callback URL, http(s) checked
            self.callback_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "PostalSandbox/1.0",
            },
        )
        try:
            with self._opener.open(request, timeout=self.callback_timeout) as response:
                response.read(MAX_BODY)
                return int(response.status)
        except urllib.error.HTTPError as exc:
            exc.close()
            return int(exc.code)
        except (OSError, ValueError):  # URLError, timeouts, refused or dropped connections
            return None


def validate_booking(body: Any) -> dict[str, Any]:
    """The booking request, checked: SandboxError 400 when a field is missing or malformed."""
    bad = HTTPStatus.BAD_REQUEST
    if not isinstance(body, dict):
        raise SandboxError(bad, "Dữ liệu không hợp lệ: cần một đối tượng JSON")
    for name in BOOKING_TEXT_FIELDS:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise SandboxError(bad, f"Dữ liệu không hợp lệ: {name} phải là chuỗi")
    missing = [name for name in BOOKING_REQUIRED if not (body.get(name) or "").strip()]
    if missing:
        raise SandboxError(bad, f"Thiếu thông tin bắt buộc: {', '.join(missing)}")
    cod = body.get("CODAmount", 0)
    if cod is None:
        cod = 0
    if isinstance(cod, bool) or not isinstance(cod, int) or cod < 0:
        raise SandboxError(bad, "Dữ liệu không hợp lệ: CODAmount phải là số nguyên không âm (VND)")
    return dict(body)


# --------------------------------------------------------------------- handler


class _Handler(BaseHTTPRequestHandler):
    server: PostalSandbox
    server_version = "PostalSandbox/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    # ---------------------------------------------------------------- routing

    def do_GET(self) -> None:
        parts = self._path_parts()
        try:
            if parts == ["sandbox", "postal", "shipments"]:
                self._send_json(HTTPStatus.OK, self.server.shipments())
            elif len(parts) == 4 and parts[:3] == ["sandbox", "postal", "shipments"]:
                self._send_json(HTTPStatus.OK, self.server.shipment(parts[3]))
            else:
                raise SandboxError(HTTPStatus.NOT_FOUND, "Not found")
        except SandboxError as exc:
            self._send_error(exc)

    def do_POST(self) -> None:
        parts = self._path_parts()
        try:
            if parts == ["api", "orders"]:
                self._book()
            elif parts == ["sandbox", "postal", "fail-next"]:
                self._fail_next()
            elif parts == ["sandbox", "postal", "lose-next-response"]:
                self._lose_next_response()
            elif len(parts) == 5 and parts[:3] == ["sandbox", "postal", "shipments"]:
                if parts[4] == "advance":
                    self._send_json(HTTPStatus.OK, self.server.advance(parts[3]))
                elif parts[4] == "resend":
                    self._send_json(HTTPStatus.OK, self.server.resend(parts[3]))
                else:
                    raise SandboxError(HTTPStatus.NOT_FOUND, "Not found")
            else:
                raise SandboxError(HTTPStatus.NOT_FOUND, "Not found")
        except SandboxError as exc:
            self._send_error(exc)

    # -------------------------------------------------------------- endpoints

    def _book(self) -> None:
        body = self._read_body()
        if not self.server.authorized(self.headers.get("Authorization")):
            raise SandboxError(HTTPStatus.UNAUTHORIZED, "Unauthorized")
        failure = self.server.take_failure()
        if failure is not None:
            message = "Service unavailable" if failure == 503 else _phrase(failure)
            raise SandboxError(failure, message)
        try:
            request = json.loads(body)
        except ValueError:
            raise SandboxError(HTTPStatus.BAD_REQUEST, "Dữ liệu không hợp lệ: JSON sai") from None
        answer = self.server.book(request)
        if self.server.take_lost_response():
            # Booked, but the answer is lost: close the connection without a word.
            self.close_connection = True
            return
        self._send_json(HTTPStatus.OK, answer)

    def _fail_next(self) -> None:
        body = self._read_json_object()
        count = _int_field(body, "count", 1, minimum=0)
        status = _int_field(body, "status", 503, minimum=400)
        if status > 599:
            raise SandboxError(HTTPStatus.BAD_REQUEST, "status must be 400..599")
        self.server.fail_next(count, status)
        self._send_json(HTTPStatus.OK, {"Success": True, "count": count, "status": status})

    def _lose_next_response(self) -> None:
        count = _int_field(self._read_json_object(), "count", 1, minimum=0)
        self.server.lose_next_responses(count)
        self._send_json(HTTPStatus.OK, {"Success": True, "count": count})

    # ---------------------------------------------------------------- helpers

    def _path_parts(self) -> list[str]:
        path = urllib.parse.urlsplit(self.path).path
        return [urllib.parse.unquote(part) for part in path.split("/") if part]

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise SandboxError(HTTPStatus.BAD_REQUEST, "Content-Length không hợp lệ") from None
        if length < 0 or length > MAX_BODY:
            raise SandboxError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Dữ liệu quá lớn")
        return self.rfile.read(length)

    def _read_json_object(self) -> dict[str, Any]:
        raw = self._read_body()
        if not raw.strip():
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise SandboxError(HTTPStatus.BAD_REQUEST, "invalid JSON") from None
        if not isinstance(value, dict):
            raise SandboxError(HTTPStatus.BAD_REQUEST, "expected a JSON object")
        return value

    def _send_error(self, exc: SandboxError) -> None:
        self._send_json(exc.status, {"Success": False, "Message": exc.message})

    def _send_json(self, status: HTTPStatus | int, value: Any) -> None:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self.send_response(int(status))
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _int_field(body: dict[str, Any], name: str, default: int, *, minimum: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SandboxError(HTTPStatus.BAD_REQUEST, f"{name} must be an integer ≥ {minimum}")
    return value


def start_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    access_token: str,
    callback_secret: str,
    callback_url: str,
    advance_interval_s: float = 0.0,
    callback_retries: int = 3,
    callback_retry_delay: float = 0.5,
    callback_timeout: float = 10.0,
    quiet: bool = True,
) -> tuple[PostalSandbox, threading.Thread]:
    """Start a sandbox serving in a daemon thread; stop it: ``shutdown()``, ``server_close()``."""
    server = PostalSandbox(
        host,
        port,
        access_token=access_token,
        callback_secret=callback_secret,
        callback_url=callback_url,
        advance_interval_s=advance_interval_s,
        callback_retries=callback_retries,
        callback_retry_delay=callback_retry_delay,
        callback_timeout=callback_timeout,
        quiet=quiet,
    )
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="postal-sandbox",
        daemon=True,
    )
    thread.start()
    return server, thread
