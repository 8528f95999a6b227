"""VNPay (version 2.1.0): payment URL, IPN verification and the querydr status query.

Signing follows VNPay's PHP sample: every ``vnp_*`` parameter except the hash itself, sorted by
key, ``urlencode(key)=urlencode(value)`` joined with ``&`` (PHP's urlencode: space → ``+``, every
byte but letters, digits and ``-_.`` percent-encoded), HMAC-SHA512 with the merchant's secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from urllib.parse import quote_plus

from chalicelib.payment.domain.model import Payment
from chalicelib.payment.providers.base import (
    InvalidSignature,
    MalformedCallback,
    Outcome,
    PaymentProvider,
    ProviderNotReady,
)
from motcua_shared.logs import get_logger
from motcua_shared.parsing import parse_whole_number
from motcua_shared.secrets import Secret, SecretError
from motcua_shared.timeutil import VN_TZ, now

VERSION = "2.1.0"
MAX_AMOUNT_HUNDREDTHS = 10**18  # vnp_Amount is VND × 100; no fee comes near 10^16 VND
HASH_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
# vnp_ResponseCode → why a payment did not go through (shown to people)
RESPONSE_REASONS: dict[str, str] = {
    "00": "Giao dịch thành công",
    "07": "Giao dịch bị nghi ngờ gian lận",
    "09": "Thẻ/Tài khoản chưa đăng ký dịch vụ InternetBanking",
    "10": "Xác thực thông tin thẻ/tài khoản không đúng quá 3 lần",
    "11": "Đã hết hạn chờ thanh toán",
    "12": "Thẻ/Tài khoản bị khóa",
    "24": "Khách hàng hủy giao dịch",
    "51": "Tài khoản không đủ số dư",
    "65": "Tài khoản đã vượt quá hạn mức giao dịch trong ngày",
    "75": "Ngân hàng thanh toán đang bảo trì",
    "79": "Nhập sai mật khẩu thanh toán quá số lần quy định",
    "99": "Lỗi không xác định",
}


def php_urlencode(value: str) -> str:
    return quote_plus(value, safe="").replace("~", "%7E")


def signed_data(params: dict[str, str]) -> str:
    items = sorted(
        (k, v) for k, v in params.items() if k.startswith("vnp_") and k not in HASH_FIELDS and v
    )
    return "&".join(f"{php_urlencode(k)}={php_urlencode(v)}" for k, v in items)


def sign(params: dict[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), signed_data(params).encode(), hashlib.sha512).hexdigest()


def verify(params: dict[str, str], secret: str) -> bool:
    """Whether ``vnp_SecureHash`` is the parameters' signature; never with an empty secret
    (anyone can compute an HMAC with an empty key)."""
    given = params.get("vnp_SecureHash", "").lower()
    if not secret or not given:
        return False
    # As bytes: compare_digest refuses str with non-ASCII characters (a forgery may have).
    return hmac.compare_digest(given.encode(), sign(params, secret).encode())


def vn_time(value: datetime) -> str:
    return value.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def parse_vn_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except ValueError:
        return None


class VnpayProvider(PaymentProvider):
    name = "vnpay"

    def __init__(
        self, tmn_code: str, hash_secret: Secret, pay_url: str, api_url: str, return_url: str
    ) -> None:
        self.tmn_code = tmn_code
        self.hash_secret = hash_secret  # read when a call needs it, not at start
        self.pay_url = pay_url
        self.api_url = api_url
        self.return_url = return_url

    def ready_to_pay(self) -> None:
        """Raises :class:`ProviderNotReady` unless payment URLs can be made: checked before
        anything is saved, so that a refused attempt leaves nothing behind."""
        if not self.pay_url.strip():
            get_logger("payment").error(
                "ALARM VNPay is not configured (no payment URL): payments are refused",
                extra={"setting": "VNPAY_PAY_URL"},
            )
            raise ProviderNotReady("VNPAY_PAY_URL is not configured")
        self.secret()

    def secret(self) -> str:
        """The merchant's hash secret, or :class:`ProviderNotReady` (logged as ALARM) when the
        merchant account is not configured."""
        if not self.tmn_code.strip():
            get_logger("payment").error(
                "ALARM VNPay is not configured (no merchant code): payments are refused",
                extra={"setting": "VNPAY_TMN_CODE"},
            )
            raise ProviderNotReady("VNPAY_TMN_CODE is not configured")
        try:
            return self.hash_secret.value()
        except SecretError as exc:  # logged as ALARM where it was found
            raise ProviderNotReady(str(exc)) from None

    def payment_url(self, payment: Payment, client_ip: str) -> str:
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(payment.amount_vnd * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.txn_ref,
            "vnp_OrderInfo": payment.order_info,
            "vnp_OrderType": "billpayment",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": self.return_url,
            "vnp_IpAddr": client_ip,
            "vnp_CreateDate": vn_time(payment.created_at),
            "vnp_ExpireDate": vn_time(payment.expires_at),
        }
        self.ready_to_pay()
        secret = self.secret()
        query = signed_data(params)
        return f"{self.pay_url}?{query}&vnp_SecureHash={sign(params, secret)}"

    def parse_callback(self, params: dict[str, str]) -> Outcome:
        if not verify(params, self.secret()):
            raise InvalidSignature()
        try:
            txn_ref = params["vnp_TxnRef"]
            response_code = params["vnp_ResponseCode"]
            raw_amount = params["vnp_Amount"]
        except KeyError as exc:
            raise MalformedCallback(str(exc)) from exc
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise InvalidSignature()
        amount = _vnd(raw_amount)
        paid = response_code == "00" and params.get("vnp_TransactionStatus") == "00"
        return Outcome(
            txn_ref=txn_ref,
            amount_vnd=amount,
            state="succeeded" if paid else "failed",
            response_code=response_code,
            reason=RESPONSE_REASONS.get(response_code, RESPONSE_REASONS["99"]),
            paid_at=parse_vn_time(params.get("vnp_PayDate", "")) if paid else None,
            bank_code=params.get("vnp_BankCode"),
            transaction_no=params.get("vnp_TransactionNo"),
        )

    def query(self, payment: Payment, client_ip: str) -> Outcome:
        import requests  # only the reconciliation needs it

        secret = self.secret()
        request_id = secrets.token_hex(8)
        create_date = vn_time(now())
        fields = {
            "vnp_RequestId": request_id,
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": payment.txn_ref,
            "vnp_TransactionDate": vn_time(payment.created_at),
            "vnp_CreateDate": create_date,
            "vnp_IpAddr": client_ip,
            "vnp_OrderInfo": f"Truy van giao dich {payment.txn_ref}",
        }
        fields["vnp_SecureHash"] = _pipe_hash(secret, fields.values())
        answer = requests.post(self.api_url, json=fields, timeout=10).json()
        response_fields = (
            "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode",
            "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo",
            "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode",
            "vnp_PromotionAmount",
        )  # fmt: skip
        expected = _pipe_hash(secret, (str(answer.get(f, "")) for f in response_fields))
        given = str(answer.get("vnp_SecureHash", "")).lower().encode()
        if not hmac.compare_digest(given, expected.encode()):
            raise InvalidSignature()
        if answer.get("vnp_ResponseCode") != "00":
            return Outcome(
                payment.txn_ref, None, "unknown", str(answer.get("vnp_ResponseCode")), ""
            )
        status = str(answer.get("vnp_TransactionStatus"))
        state = {"00": "succeeded", "01": "pending"}.get(status, "failed")
        raw_amount = str(answer.get("vnp_Amount", ""))
        return Outcome(
            txn_ref=payment.txn_ref,
            amount_vnd=_vnd(raw_amount),
            state=state,
            response_code=status,
            reason=RESPONSE_REASONS["00"] if state == "succeeded" else "Truy vấn trạng thái",
            paid_at=parse_vn_time(str(answer.get("vnp_PayDate", ""))),
            bank_code=answer.get("vnp_BankCode"),
            transaction_no=answer.get("vnp_TransactionNo"),
        )


def _vnd(raw_amount: str) -> int | None:
    """vnp_Amount (VND × 100, ASCII digits) in VND; None if it is not a whole number of VND."""
    hundredths = parse_whole_number(raw_amount, minimum=0, maximum=MAX_AMOUNT_HUNDREDTHS)
    return hundredths // 100 if hundredths is not None and hundredths % 100 == 0 else None


def _pipe_hash(secret: str, values: object) -> str:
    data = "|".join(str(v) for v in values)  # type: ignore[attr-defined]
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()
