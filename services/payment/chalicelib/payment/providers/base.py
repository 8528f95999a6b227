"""What the payment service needs of a provider; one subclass per provider."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime

from chalicelib.payment.domain.model import Payment


class InvalidSignature(Exception):
    """A callback's signature does not verify: it did not come from the provider."""


class MalformedCallback(Exception):
    """A callback lacks fields the provider always sends."""


class ProviderNotReady(Exception):
    """The merchant account is not configured (no merchant code, or a hash secret that is
    missing, empty or unreadable): a configuration error, logged as ALARM. Nothing is signed
    or verified without the secret: an empty key would make every forged callback verify."""


@dataclass(frozen=True)
class Outcome:
    """What the provider says happened to a payment (from a callback or a status query)."""

    txn_ref: str
    amount_vnd: int | None
    state: str  # "succeeded" / "failed" / "pending" / "unknown"
    response_code: str
    reason: str
    paid_at: datetime | None = None
    bank_code: str | None = None
    transaction_no: str | None = None


class PaymentProvider(abc.ABC):
    name: str

    @abc.abstractmethod
    def ready_to_pay(self) -> None:
        """Raises :class:`ProviderNotReady` unless payment URLs can be made (checked before
        anything is saved)."""

    @abc.abstractmethod
    def payment_url(self, payment: Payment, client_ip: str) -> str:
        """Where the browser goes to pay."""

    @abc.abstractmethod
    def parse_callback(self, params: dict[str, str]) -> Outcome:
        """Verify and read a server-to-server notification; raises InvalidSignature."""

    @abc.abstractmethod
    def query(self, payment: Payment, client_ip: str) -> Outcome:
        """Ask the provider what became of a payment."""
