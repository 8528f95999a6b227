"""The public postal service's API: booking shipments and the signed status callbacks.

Booking: ``POST {base}/api/orders`` with a bearer token. Callbacks: ``{Data, SendDate, SignData}``
where SignData is the hex HMAC-SHA256 of the Data string with the shared secret.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from chalicelib.delivery.domain.model import Shipment
from chalicelib.delivery.ports import PermanentBookingError, StatusReport, TransientBookingError
from motcua_shared.errors import MalformedJson
from motcua_shared.parsing import parse_json, parse_whole_number
from motcua_shared.secrets import Secret, SecretError
from motcua_shared.timeutil import VN_TZ

__all__ = [
    "BadSignature",
    "InvalidCallback",
    "PermanentBookingError",
    "PostOffice",
    "PostOfficeNotReady",
    "StatusReport",
    "TransientBookingError",
]

MAX_STATUS_ID = 999  # the post office's status ids have three digits (10 … 170)


class InvalidCallback(Exception):
    """A callback that is not JSON of the expected shape."""


class BadSignature(Exception):
    """A callback whose SignData does not verify."""


class PostOfficeNotReady(Exception):
    """A secret the call needs (the booking token, the callback secret) is missing, empty or
    unreadable: a configuration error, logged as ALARM. Nothing is booked or verified: an empty
    callback secret would make every forged SignData verify."""


class PostOffice:
    def __init__(
        self,
        base_url: str,
        access_token: Secret,
        callback_secret: Secret,
        customer_code: str,
        timeout_s: int,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token  # secrets: read when a call needs them
        self.callback_secret = callback_secret
        self.customer_code = customer_code
        self.timeout_s = timeout_s

    def book(self, shipment: Shipment) -> str:
        """Book the shipment and return its waybill number (ItemCode). Without a token nothing
        is sent and the failure is transient: the event is retried (and, if the token is never
        set, ends in the DLQ, to be redriven once it is); a pickup stays "booking"."""
        import requests

        try:
            if not self.base_url:
                _not_configured("POSTAL_BASE_URL")
            token = _secret(self.access_token)
        except PostOfficeNotReady as exc:
            raise TransientBookingError(str(exc)) from None

        body: dict[str, str | int | None] = {
            "CustomerCode": self.customer_code,
            "OrderNumber": shipment.order_number,
            "SenderName": shipment.sender.name,
            "SenderPhone": shipment.sender.phone,
            "SenderAddress": shipment.sender.address,
            "ReceiverName": shipment.receiver.name,
            "ReceiverPhone": shipment.receiver.phone,
            "ReceiverAddress": shipment.receiver.address,
            "ReceiverProvinceCode": "",
            "ReceiverDistrictCode": "",
            "CODAmount": 0,
            "Content": "Kết quả giải quyết thủ tục hành chính"
            if shipment.purpose == "result"
            else "Hồ sơ gốc",
        }
        try:
            response = requests.post(
                f"{self.base_url}/api/orders",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.timeout_s,
            )
        except requests.RequestException as exc:
            raise TransientBookingError(f"{type(exc).__name__}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientBookingError(f"HTTP {response.status_code}")
        try:
            answer: dict[str, Any] = response.json()
        except ValueError as exc:
            raise TransientBookingError("not JSON") from exc
        if response.status_code >= 400 or not answer.get("Success") or not answer.get("ItemCode"):
            raise PermanentBookingError(
                f"HTTP {response.status_code}: {answer.get('Message', 'refused')}"
            )
        return str(answer["ItemCode"])

    def read_callback(self, body: Any) -> StatusReport:
        """Verify and read a status callback; raises InvalidCallback, BadSignature or
        PostOfficeNotReady (no callback secret: nothing is verified, nothing changes)."""
        secret = _secret(self.callback_secret)
        if not isinstance(body, dict) or not isinstance(body.get("Data"), str):
            raise InvalidCallback("Data must be a JSON string")
        given = body.get("SignData")
        if not isinstance(given, str):
            raise InvalidCallback("SignData is missing")
        expected = hmac.new(secret.encode(), body["Data"].encode(), hashlib.sha256).hexdigest()
        # As bytes: compare_digest refuses str with non-ASCII characters (a forgery may have).
        # Verified over the Data string as sent, before a byte of it is parsed.
        if not hmac.compare_digest(given.lower().encode(), expected.encode()):
            raise BadSignature()
        try:
            data = parse_json(body["Data"])
            status_id = parse_whole_number(
                str(data["OrderStatusId"]), minimum=0, maximum=MAX_STATUS_ID
            )
            item_code = str(data["ItemCode"])
            reported_at = str(data.get("LastUpdateTime", ""))
        except (MalformedJson, KeyError, TypeError) as exc:
            raise InvalidCallback(f"Data is not valid: {exc}") from exc
        if status_id is None:
            raise InvalidCallback("OrderStatusId is not a status number")
        return StatusReport(
            item_code=item_code,
            order_code=str(data.get("OrderCode", "")),
            status_id=status_id,
            note=str(data.get("DeliveryNote", "")),
            reported_at=reported_at,
            reported=_parse_time(reported_at),
        )


def _not_configured(setting: str) -> None:
    from motcua_shared.logs import get_logger

    get_logger("delivery").error(
        "ALARM the post office is not configured: nothing is booked", extra={"setting": setting}
    )
    raise PostOfficeNotReady(f"{setting} is not configured")


def _secret(setting: Secret) -> str:
    try:
        return setting.value()  # non-empty, or SecretError (logged as ALARM)
    except SecretError as exc:
        raise PostOfficeNotReady(str(exc)) from None


def _parse_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%d/%m/%Y %H:%M:%S").replace(tzinfo=VN_TZ)
    except ValueError:
        return None
