"""What every message provider offers, and how its failures are told apart.

A provider sends one rendered notification and answers the provider's message id, or raises
:class:`TemporaryProviderError` (throttling, the provider unavailable: retry later) or
:class:`PermanentProviderError` (the recipient is refused: never retry). It also reads its own
delivery receipts (the body it posts to ``/notify/receipts/<name>``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from chalicelib.notify.domain.model import Notification, ReceiptOutcome

# AWS error codes that mean "not now": throttling and the provider's own trouble.
TEMPORARY_ERROR_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "Throttled",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalError",
        "InternalFailure",
        "InternalErrorException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


class ProviderError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TemporaryProviderError(ProviderError):
    """Try again later (with backoff)."""


class PermanentProviderError(ProviderError):
    """The provider will never deliver this message to this recipient."""


class InvalidReceipt(ValueError):
    """The receipt's body is not what this provider posts."""


@dataclass(frozen=True)
class Receipt:
    message_id: str
    outcome: ReceiptOutcome | None  # None: a receipt that changes nothing (e.g. a soft bounce)


def classify_client_error(error: Any, permanent_codes: frozenset[str]) -> ProviderError:
    """A botocore error as temporary or permanent; unknown codes are retried (temporary), so a
    passing fault never loses a message, and the retry limit ends in technical-failure."""
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", type(error).__name__))
    message = str(response.get("Error", {}).get("Message", error))
    reason = f"{code}: {message}"[:300]
    if code in permanent_codes:
        return PermanentProviderError(reason)
    return TemporaryProviderError(reason)


class Provider(ABC):
    name: str
    channel: str
    aws_service: str  # the boto3 client it sends with
    _client: Any = None

    @property
    def client(self) -> Any:
        """Created on first use, so a function that sends nothing never builds it."""
        if self._client is None:
            self._client = provider_client(self.aws_service)
        return self._client

    @abstractmethod
    def send(self, notification: Notification) -> str:
        """Hand the message over; the provider's message id."""

    @abstractmethod
    def read_receipt(self, body: Any) -> Receipt:
        """Parse a delivery receipt; :class:`InvalidReceipt` if it is not one."""


def provider_client(service_name: str) -> Any:
    """A client without botocore's own retries: the notification's retry policy decides when to
    try again, and every attempt is counted on the notification."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10)
    return boto3.session.Session().client(service_name, config=config)
