"""SMS through Amazon SNS (moto's SNS locally), transactional, under the agency's sender id.

Delivery receipts have the shape of SNS's SMS delivery status records (``notification.messageId``
and ``status`` SUCCESS / FAILURE), forwarded to ``/notify/receipts/sns`` with our signature.
"""

from __future__ import annotations

from typing import Any

from chalicelib.notify.domain.model import Notification, ReceiptOutcome
from chalicelib.notify.providers.base import (
    InvalidReceipt,
    Provider,
    Receipt,
    TemporaryProviderError,
    classify_client_error,
)

PERMANENT_ERROR_CODES = frozenset({"InvalidParameter", "InvalidParameterValue"})
OUTCOMES = {"SUCCESS": ReceiptOutcome.DELIVERED, "FAILURE": ReceiptOutcome.PERMANENT_FAILURE}


class SnsSms(Provider):
    name = "sns"
    channel = "sms"
    aws_service = "sns"

    def __init__(self, sender_id: str) -> None:
        self.sender_id = sender_id

    def send(self, notification: Notification) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.publish(
                PhoneNumber=notification.recipient,
                Message=notification.text,
                MessageAttributes={
                    "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
                    "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": self.sender_id},
                },
            )
        except ClientError as exc:
            raise classify_client_error(exc, PERMANENT_ERROR_CODES) from exc
        except BotoCoreError as exc:
            raise TemporaryProviderError(f"{type(exc).__name__}: {exc}") from exc
        return str(answer["MessageId"])

    def read_receipt(self, body: Any) -> Receipt:
        if not isinstance(body, dict):
            raise InvalidReceipt("expected a JSON object")
        notification = body.get("notification")
        message_id = notification.get("messageId") if isinstance(notification, dict) else None
        status = body.get("status")
        if not isinstance(message_id, str) or status not in OUTCOMES:
            raise InvalidReceipt("expected notification.messageId and status SUCCESS/FAILURE")
        return Receipt(message_id, OUTCOMES[status])
