"""E-mail through Amazon SES (moto's SES locally: ``/moto-api/data.json`` shows what went out).

Delivery receipts have the shape of SES's notifications (``notificationType`` Delivery / Bounce /
Complaint with ``mail.messageId``), forwarded to ``/notify/receipts/ses`` with our signature.
"""

from __future__ import annotations

from email.utils import formataddr
from typing import Any

from chalicelib.notify.domain.model import Notification, ReceiptOutcome
from chalicelib.notify.providers.base import (
    InvalidReceipt,
    Provider,
    Receipt,
    TemporaryProviderError,
    classify_client_error,
)

# The recipient is refused: never retried.
PERMANENT_ERROR_CODES = frozenset({"MessageRejected", "InvalidParameterValue"})


class SesEmail(Provider):
    name = "ses"
    channel = "email"
    aws_service = "ses"

    def __init__(self, sender_address: str, sender_name: str) -> None:
        self.source = formataddr((sender_name, sender_address), charset="utf-8")

    def send(self, notification: Notification) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        body = {"Text": {"Data": notification.text, "Charset": "UTF-8"}}
        if notification.html:
            body["Html"] = {"Data": notification.html, "Charset": "UTF-8"}
        try:
            answer = self.client.send_email(
                Source=self.source,
                Destination={"ToAddresses": [notification.recipient]},
                Message={
                    "Subject": {"Data": notification.subject or "", "Charset": "UTF-8"},
                    "Body": body,
                },
            )
        except ClientError as exc:
            raise classify_client_error(exc, PERMANENT_ERROR_CODES) from exc
        except BotoCoreError as exc:  # connection and timeout errors
            raise TemporaryProviderError(f"{type(exc).__name__}: {exc}") from exc
        return str(answer["MessageId"])

    def read_receipt(self, body: Any) -> Receipt:
        if not isinstance(body, dict):
            raise InvalidReceipt("expected a JSON object")
        kind = body.get("notificationType") or body.get("eventType")
        mail = body.get("mail")
        message_id = mail.get("messageId") if isinstance(mail, dict) else None
        if kind not in {"Delivery", "Bounce", "Complaint"} or not isinstance(message_id, str):
            raise InvalidReceipt(
                "expected notificationType Delivery/Bounce/Complaint and mail.messageId"
            )
        if kind == "Delivery":
            return Receipt(message_id, ReceiptOutcome.DELIVERED)
        bounce = body.get("bounce")
        if (
            kind == "Bounce"
            and isinstance(bounce, dict)
            and bounce.get("bounceType") == "Permanent"
        ):
            return Receipt(message_id, ReceiptOutcome.PERMANENT_FAILURE)
        return Receipt(message_id, None)  # a soft bounce or a complaint: not a delivery outcome
