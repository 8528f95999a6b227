"""The VNPay sandbox server: payment page, simulated bank, IPN with retries, return, querydr.

Endpoints (all on one ``ThreadingHTTPServer``):

- ``GET  /paymentv2/vpcpay.html?vnp_...``  the payment page a merchant sends the browser to
- ``POST /paymentv2/complete``              the page's buttons: pay, cancel, insufficient balance
- ``POST /merchant_webapi/api/transaction`` querydr (JSON)
- ``GET  /sandbox/transactions``            what the sandbox recorded (JSON)
- ``POST /sandbox/complete-silently``       complete without calling the IPN (a lost IPN)
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .signing import (
    HASH_PARAM,
    QUERYDR_REQUEST_FIELDS,
    QUERYDR_RESPONSE_FIELDS,
    build_query,
    querydr_signature,
    signed,
    verify,
)

VN_TZ = timezone(timedelta(hours=7), "GMT+7")
DATE_FORMAT = "%Y%m%d%H%M%S"

VERSION = "2.1.0"
BANK_CODE = "NCB"
CARD_TYPE = "ATM"

# Transaction status as querydr reports it.
STATUS_PAID = "00"
STATUS_PENDING = "01"
STATUS_FAILED = "02"

# Results a tester may choose (vnp_ResponseCode). The page offers the first three.
CHOICES: dict[str, str] = {
    "00": "Thanh toán thành công",
    "24": "Hủy giao dịch",
    "51": "Tài khoản không đủ số dư",
    "09": "Thẻ/Tài khoản chưa đăng ký dịch vụ InternetBanking",
    "10": "Xác thực thông tin thẻ/tài khoản không đúng quá 3 lần",
    "11": "Đã hết hạn chờ thanh toán",
    "12": "Thẻ/Tài khoản bị khóa",
    "65": "Tài khoản đã vượt quá hạn mức giao dịch trong ngày",
    "75": "Ngân hàng thanh toán đang bảo trì",
}
PAGE_CHOICES = ("00", "24", "51")

# Parameters the payment URL must carry (version 2.1.0), besides vnp_SecureHash.
PAYMENT_REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_ExpireDate",
)

QUERYDR_MESSAGES: dict[str, str] = {
    "00": "QueryDR Success",
    "02": "Merchant is not valid",
    "03": "Invalid data format",
    "91": "Transaction not found",
    "97": "Invalid Checksum",
    "99": "Unknown error",
}

# IPN answers after which VNPay stops calling: confirmed, or already confirmed.
IPN_FINAL_CODES = ("00", "02")

MAX_BODY = 1 << 20


def now_vn() -> datetime:
    return datetime.now(VN_TZ)


def format_date(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).strftime(DATE_FORMAT)


def parse_date(value: str) -> datetime | None:
    """A ``yyyyMMddHHmmss`` date in GMT+7, or None when malformed."""
    if len(value) != 14 or not value.isdigit():
        return None
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=VN_TZ)
    except ValueError:
        return None


def format_amount(vnp_amount: str) -> str:
    """``vnp_Amount`` (VND × 100) as Vietnamese text: "50000000" → "500.000 VND"."""
    dong, xu = divmod(int(vnp_amount), 100)
    text = f"{dong:,}".replace(",", ".")
    if xu:
        text += f",{xu:02d}"
    return f"{text} VND"


def with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


class SandboxError(Exception):
    """A request the sandbox refuses: HTTP status and a Vietnamese message."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Transaction:
    txn_ref: str
    amount: str
    order_info: str
    return_url: str
    create_date: str
    ip_addr: str
    status: str = STATUS_PENDING
    response_code: str | None = None
    transaction_no: str = "0"
    bank_code: str = ""
    pay_date: str = ""
    ipn_attempts: int = 0
    ipn_answers: list[dict[str, Any]] = field(default_factory=list)
    result: dict[str, str] | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "txn_ref": self.txn_ref,
            "amount": self.amount,
            "order_info": self.order_info,
            "create_date": self.create_date,
            "status": self.status,
            "response_code": self.response_code,
            "transaction_no": self.transaction_no,
            "pay_date": self.pay_date,
            "ipn_attempts": self.ipn_attempts,
            "ipn_answers": [dict(answer) for answer in self.ipn_answers],
        }


class VnpaySandbox(ThreadingHTTPServer):
    """A VNPay gateway for one merchant (``tmn_code`` / ``hash_secret``), state in memory."""

    daemon_threads = True

    def __init__(
        self,
        host: str,
        port: int,
        tmn_code: str,
        hash_secret: str,
        ipn_url: str,
        *,
        ipn_retries: int = 3,
        ipn_retry_delay: float = 0.5,
        ipn_timeout: float = 10.0,
        quiet: bool = False,
    ) -> None:
        if ipn_url and urllib.parse.urlsplit(ipn_url).scheme not in ("http", "https"):
            raise ValueError(f"the IPN URL must be http(s): {ipn_url!r}")
        if not hash_secret:
            raise ValueError("the hash secret must not be empty")
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret
        self.ipn_url = ipn_url
        self.ipn_retries = ipn_retries
        self.ipn_retry_delay = ipn_retry_delay
        self.ipn_timeout = ipn_timeout
        self.quiet = quiet
        self._lock = threading.Lock()
        self._transactions: dict[str, Transaction] = {}
        self._last_transaction_no = 10_000_000 + secrets.randbelow(80_000_000)
        # Loopback merchants only: never go through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        super().__init__((host, port), _Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------ state

    def transactions(self) -> list[dict[str, Any]]:
        with self._lock:
            return [txn.summary() for txn in self._transactions.values()]

    def open_payment(self, params: Mapping[str, str]) -> Transaction:
        """Check a payment URL's parameters and record the order; SandboxError when refused."""
        bad = HTTPStatus.BAD_REQUEST
        missing = [name for name in PAYMENT_REQUIRED if not params.get(name)]
        if missing:
            raise SandboxError(bad, f"Thiếu tham số: {', '.join(missing)}")
        if params["vnp_TmnCode"] != self.tmn_code:
            raise SandboxError(bad, "Không tìm thấy website (vnp_TmnCode không đúng)")
        if not verify(params, self.hash_secret):
            raise SandboxError(bad, "Sai chữ ký")
        if params["vnp_Version"] != VERSION:
            raise SandboxError(bad, f"Phiên bản không được hỗ trợ (vnp_Version phải là {VERSION})")
        if params["vnp_Command"] != "pay":
            raise SandboxError(bad, "Lệnh không hợp lệ (vnp_Command phải là pay)")
        amount = params["vnp_Amount"]
        if not (amount.isascii() and amount.isdigit()) or int(amount) <= 0:
            raise SandboxError(bad, "Số tiền không hợp lệ (vnp_Amount phải là số nguyên dương)")
        if params["vnp_CurrCode"] != "VND":
            raise SandboxError(bad, "Loại tiền tệ không hợp lệ (vnp_CurrCode phải là VND)")
        if params["vnp_Locale"] not in ("vn", "en"):
            raise SandboxError(bad, "Ngôn ngữ không hợp lệ (vnp_Locale phải là vn hoặc en)")
        if urllib.parse.urlsplit(params["vnp_ReturnUrl"]).scheme not in ("http", "https"):
            raise SandboxError(bad, "Địa chỉ trả về không hợp lệ (vnp_ReturnUrl)")
        if parse_date(params["vnp_CreateDate"]) is None:
            raise SandboxError(bad, "Thời gian tạo không hợp lệ (vnp_CreateDate)")
        expire = parse_date(params["vnp_ExpireDate"])
        if expire is None:
            raise SandboxError(bad, "Thời gian hết hạn không hợp lệ (vnp_ExpireDate)")
        if expire < now_vn():
            raise SandboxError(bad, "Giao dịch đã quá thời gian chờ thanh toán")

        txn_ref = params["vnp_TxnRef"]
        with self._lock:
            existing = self._transactions.get(txn_ref)
            if existing is not None and existing.status != STATUS_PENDING:
                raise SandboxError(bad, "Giao dịch đã tồn tại (vnp_TxnRef đã được thanh toán)")
            txn = Transaction(
                txn_ref=txn_ref,
                amount=amount,
                order_info=params["vnp_OrderInfo"],
                return_url=params["vnp_ReturnUrl"],
                create_date=params["vnp_CreateDate"],
                ip_addr=params["vnp_IpAddr"],
            )
            self._transactions[txn_ref] = txn
            return txn

    def complete(self, txn_ref: str, choice: str, *, notify: bool = True) -> dict[str, str]:
        """Play the bank: settle the transaction, call the IPN (unless told not to)."""
        if choice not in CHOICES:
            raise SandboxError(HTTPStatus.BAD_REQUEST, "Kết quả giao dịch không hợp lệ")
        with self._lock:
            txn = self._transactions.get(txn_ref)
            if txn is None:
                raise SandboxError(HTTPStatus.NOT_FOUND, "Không tìm thấy giao dịch")
            if txn.status != STATUS_PENDING:
                raise SandboxError(HTTPStatus.CONFLICT, "Giao dịch đã được xử lý")
            paid = choice == "00"
            if paid:
                self._last_transaction_no = (self._last_transaction_no + 1) % 100_000_000
                txn.transaction_no = f"{self._last_transaction_no:08d}"
            txn.status = STATUS_PAID if paid else STATUS_FAILED
            txn.response_code = choice
            txn.bank_code = BANK_CODE
            txn.pay_date = format_date(now_vn())
            params = {
                "vnp_Amount": txn.amount,
                "vnp_BankCode": txn.bank_code,
                "vnp_CardType": CARD_TYPE,
                "vnp_OrderInfo": txn.order_info,
                "vnp_PayDate": txn.pay_date,
                "vnp_ResponseCode": choice,
                "vnp_TmnCode": self.tmn_code,
                "vnp_TransactionNo": txn.transaction_no,
                "vnp_TransactionStatus": txn.status,
                "vnp_TxnRef": txn.txn_ref,
            }
            if paid:
                params["vnp_BankTranNo"] = f"VNP{txn.transaction_no}"
            result = signed(params, self.hash_secret)
            txn.result = result
        if notify and self.ipn_url:
            self._notify(txn, result)
        return result

    def return_url_of(self, txn_ref: str) -> str:
        with self._lock:
            return self._transactions[txn_ref].return_url

    # -------------------------------------------------------------------- IPN

    def _notify(self, txn: Transaction, params: Mapping[str, str]) -> None:
        url = with_query(self.ipn_url, build_query(params))
        for attempt in range(1 + self.ipn_retries):
            if attempt:
                time.sleep(self.ipn_retry_delay)
            answer = self._call_ipn(url)
            with self._lock:
                txn.ipn_attempts += 1
                txn.ipn_answers.append(answer)
            if answer.get("RspCode") in IPN_FINAL_CODES:
                return

    def _call_ipn(self, url: str) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the configured merchant IPN URL, http(s) checked
            url, method="GET", headers={"Accept": "application/json", "User-Agent": "VNPAY-Sandbox"}
        )
        try:
            with self._opener.open(request, timeout=self.ipn_timeout) as response:
                raw = response.read(MAX_BODY)
        except urllib.error.HTTPError as exc:
            return {"error": f"HTTP {exc.code}"}
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections
            return {"error": f"{type(exc).__name__}: {exc}"}
        try:
            answer = json.loads(raw)
        except ValueError:
            return {"error": "the answer is not JSON"}
        if not isinstance(answer, dict):
            return {"error": "the answer is not a JSON object"}
        return answer

    # ---------------------------------------------------------------- querydr

    def querydr(self, body: Any) -> dict[str, str]:
        """Answer a querydr request (any JSON value); always a signed answer."""
        request = body if isinstance(body, dict) else {}
        txn_ref = request.get("vnp_TxnRef")
        answer: dict[str, str] = {
            "vnp_ResponseId": secrets.token_hex(16),
            "vnp_Command": "querydr",
            "vnp_ResponseCode": "99",
            "vnp_Message": "",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": txn_ref if isinstance(txn_ref, str) else "",
            "vnp_Amount": "",
            "vnp_BankCode": "",
            "vnp_PayDate": "",
            "vnp_TransactionNo": "",
            "vnp_TransactionType": "01",
            "vnp_TransactionStatus": "",
            "vnp_OrderInfo": "",
            "vnp_PromotionCode": "",
            "vnp_PromotionAmount": "",
        }
        answer["vnp_ResponseCode"] = code = self._querydr_lookup(request, answer)
        answer["vnp_Message"] = QUERYDR_MESSAGES[code]
        answer[HASH_PARAM] = querydr_signature(
            [answer[name] for name in QUERYDR_RESPONSE_FIELDS], self.hash_secret
        )
        return answer

    def _querydr_lookup(self, request: dict[str, Any], answer: dict[str, str]) -> str:
        fields = [request.get(name) for name in (*QUERYDR_REQUEST_FIELDS, HASH_PARAM)]
        if not all(isinstance(value, str) for value in fields):
            return "03"
        values: list[str] = [value for value in fields if isinstance(value, str)]
        expected = querydr_signature(values[:-1], self.hash_secret)
        if not hmac.compare_digest(expected.encode(), values[-1].lower().encode()):
            return "97"
        if request["vnp_Command"] != "querydr" or request["vnp_Version"] != VERSION:
            return "99"
        if request["vnp_TmnCode"] != self.tmn_code:
            return "02"
        with self._lock:
            txn = self._transactions.get(request["vnp_TxnRef"])
            # VNPay finds a payment by its reference and the merchant's vnp_CreateDate of it.
            if txn is None or txn.create_date != request["vnp_TransactionDate"]:
                return "91"
            answer.update(
                {
                    "vnp_Amount": txn.amount,
                    "vnp_BankCode": txn.bank_code,
                    "vnp_PayDate": txn.pay_date,
                    "vnp_TransactionNo": txn.transaction_no,
                    "vnp_TransactionStatus": txn.status,
                    "vnp_OrderInfo": txn.order_info,
                }
            )
        return "00"


# ------------------------------------------------------------------------ HTML

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f9;color:#1b1b1b}"
    "main{max-width:36rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;"
    "border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}"
    "h1{font-size:1.4rem;color:#005baa}"
    "dl{display:grid;grid-template-columns:auto 1fr;gap:.5rem 1rem}"
    "dt{font-weight:600}dd{margin:0}fieldset{border:1px solid #ccd;border-radius:6px;padding:1rem}"
    "button{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem;"
    "border-radius:6px;border:1px solid #005baa;background:#fff;cursor:pointer}"
    "button[value='00']{background:#005baa;color:#fff}"
    "button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}"
    ".note{color:#555;font-size:.9rem}"
)


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} – VNPay sandbox</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def payment_page(tmn_code: str, txn: Transaction) -> str:
    e = html.escape
    buttons = "\n".join(
        f'<button type="submit" name="choice" value="{code}">{e(CHOICES[code])}</button>'
        for code in PAGE_CHOICES
    )
    body = f"""<h1>Thanh toán qua VNPay</h1>
<p class="note">Cổng thanh toán thử nghiệm (sandbox): không có tiền thật được chuyển.</p>
<dl aria-label="Thông tin đơn hàng">
<dt>Nhà cung cấp (vnp_TmnCode)</dt><dd>{e(tmn_code)}</dd>
<dt>Mã giao dịch</dt><dd>{e(txn.txn_ref)}</dd>
<dt>Nội dung thanh toán</dt><dd>{e(txn.order_info)}</dd>
<dt>Số tiền</dt><dd>{e(format_amount(txn.amount))}</dd>
</dl>
<form method="post" action="/paymentv2/complete">
<input type="hidden" name="vnp_TxnRef" value="{e(txn.txn_ref)}">
<fieldset>
<legend>Chọn kết quả giao dịch</legend>
{buttons}
</fieldset>
</form>"""
    return _page("Thanh toán đơn hàng", body)


def error_page(message: str) -> str:
    body = (
        "<h1>Giao dịch không thành công</h1>\n"
        f'<p role="alert">{html.escape(message)}</p>\n'
        '<p class="note">Cổng thanh toán thử nghiệm (sandbox).</p>'
    )
    return _page("Lỗi giao dịch", body)


# --------------------------------------------------------------------- handler


class _Handler(BaseHTTPRequestHandler):
    server: VnpaySandbox
    server_version = "VNPaySandbox/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    # ---------------------------------------------------------------- routing

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/paymentv2/vpcpay.html":
            self._payment_page(url.query)
        elif url.path == "/sandbox/transactions":
            self._send_json(HTTPStatus.OK, self.server.transactions())
        else:
            self._send_html(HTTPStatus.NOT_FOUND, error_page("Không tìm thấy trang"))

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path == "/paymentv2/complete":
            self._complete()
        elif path == "/merchant_webapi/api/transaction":
            self._querydr()
        elif path == "/sandbox/complete-silently":
            self._complete_silently()
        else:
            self._send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})

    # -------------------------------------------------------------- endpoints

    def _payment_page(self, query: str) -> None:
        try:
            params = _parse_form(query)
            txn = self.server.open_payment(params)
        except SandboxError as exc:
            self._send_html(exc.status, error_page(exc.message))
            return
        self._send_html(HTTPStatus.OK, payment_page(self.server.tmn_code, txn))

    def _complete(self) -> None:
        try:
            form = _parse_form(self._read_body().decode("utf-8", "strict"))
            result = self.server.complete(form.get("vnp_TxnRef", ""), form.get("choice", ""))
            return_url = self.server.return_url_of(result["vnp_TxnRef"])
        except UnicodeDecodeError:
            self._send_html(HTTPStatus.BAD_REQUEST, error_page("Dữ liệu không hợp lệ"))
            return
        except SandboxError as exc:
            self._send_html(exc.status, error_page(exc.message))
            return
        location = with_query(return_url, build_query(result))
        self._send(HTTPStatus.FOUND, b"", "text/plain; charset=utf-8", {"Location": location})

    def _complete_silently(self) -> None:
        try:
            body = self._read_json()
            if not isinstance(body, dict):
                raise SandboxError(HTTPStatus.BAD_REQUEST, "expected a JSON object")
            txn_ref, choice = body.get("vnp_TxnRef"), body.get("choice", "00")
            if not isinstance(txn_ref, str) or not isinstance(choice, str):
                raise SandboxError(HTTPStatus.BAD_REQUEST, "vnp_TxnRef and choice are strings")
            result = self.server.complete(txn_ref, choice, notify=False)
        except SandboxError as exc:
            self._send_json(exc.status, {"error": exc.message})
            return
        self._send_json(HTTPStatus.OK, result)

    def _querydr(self) -> None:
        try:
            body = self._read_json()
        except SandboxError:
            body = None
        self._send_json(HTTPStatus.OK, self.server.querydr(body))

    # ---------------------------------------------------------------- helpers

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise SandboxError(HTTPStatus.BAD_REQUEST, "Content-Length không hợp lệ") from None
        if length < 0 or length > MAX_BODY:
            raise SandboxError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Dữ liệu quá lớn")
        return self.rfile.read(length)

    def _read_json(self) -> Any:
        raw = self._read_body()
        try:
            return json.loads(raw)
        except ValueError:
            raise SandboxError(HTTPStatus.BAD_REQUEST, "invalid JSON") from None

    def _send_html(self, status: HTTPStatus, page: str) -> None:
        self._send(status, page.encode("utf-8"), "text/html; charset=utf-8")

    def _send_json(self, status: HTTPStatus, value: Any) -> None:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _parse_form(query: str) -> dict[str, str]:
    """A query string or form body, decoded as PHP does (``+`` is a space; the last value wins)."""
    try:
        pairs = urllib.parse.parse_qsl(
            query, keep_blank_values=True, encoding="utf-8", errors="strict"
        )
    except (UnicodeDecodeError, ValueError):
        raise SandboxError(HTTPStatus.BAD_REQUEST, "Dữ liệu không hợp lệ") from None
    return dict(pairs)


def start_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    tmn_code: str,
    hash_secret: str,
    ipn_url: str,
    ipn_retries: int = 3,
    ipn_retry_delay: float = 0.5,
    ipn_timeout: float = 10.0,
    quiet: bool = True,
) -> tuple[VnpaySandbox, threading.Thread]:
    """Start a sandbox serving in a daemon thread; stop it: ``shutdown()``, ``server_close()``."""
    server = VnpaySandbox(
        host,
        port,
        tmn_code,
        hash_secret,
        ipn_url,
        ipn_retries=ipn_retries,
        ipn_retry_delay=ipn_retry_delay,
        ipn_timeout=ipn_timeout,
        quiet=quiet,
    )
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="vnpay-sandbox",
        daemon=True,
    )
    thread.start()
    return server, thread
