"""What payment's use cases need of the world: its store of fees and payment attempts (with the
inbox of applied events), the payment provider (:mod:`.providers.base`) and a clock.

The DynamoDB store is :class:`chalicelib.payment.storage.PaymentRepository`; in-memory fakes of
each port drive the use cases in tests/unit/fakes/payment.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from chalicelib.payment.domain.closure import FeeClosure
from chalicelib.payment.domain.model import Fee, Payment

if TYPE_CHECKING:
    from motcua_shared.events import Envelope

Clock = Callable[[], datetime]


class AttemptRaced(Exception):
    """The fee changed while an attempt was being started (closed, or another attempt)."""


class PaymentStore(Protocol):
    """Fees owed (``FEE#<dossier>``), payment attempts with the events announcing their
    settlement (the outbox), and the marks of the events applied (the inbox)."""

    def get(self, txn_ref: str) -> Payment | None:
        """One attempt, read consistently; None if unknown."""

    def save(self, payment: Payment, events: Iterable[Envelope] = ()) -> None:
        """Write the attempt with its events; another writer first → ``Conflict``."""

    def start(self, payment: Payment, previous: str | None) -> None:
        """Store a new attempt and make it the fee's current one, if the fee is still open and
        its current attempt is still ``previous``; else :class:`AttemptRaced`."""

    def settle_online(
        self, payment: Payment, events: Iterable[Envelope], closure: FeeClosure
    ) -> FeeClosure | None:
        """Write a success together with the fee's closure, at once: None if done, the fee's
        closure if it was closed already (nothing written), ``Conflict`` if another writer
        came first."""

    def for_dossier(self, dossier_id: str) -> list[Payment]:
        """The attempts of a dossier, newest first."""

    def pending_before(self, created_before: str) -> Iterable[Payment]:
        """Attempts still pending, created no later than ``created_before`` (ISO 8601)."""

    def refunds_due(self) -> list[Payment]:
        """Money owed back, newest attempts first."""

    def fee(self, dossier_id: str) -> Fee | None:
        """The fee intake requested (None if it did not, or payment has not heard yet)."""

    def closure(self, dossier_id: str) -> FeeClosure | None:
        """How the fee was closed, if it was (also when payment heard of it first)."""

    def record_fee(self, fee: Fee, envelope: Envelope) -> bool:
        """Store the requested fee and the event's inbox mark at once (both or neither); False
        if the event was already applied. A closure heard before stays."""

    def close(self, dossier_id: str, closure: FeeClosure) -> FeeClosure:
        """Close the fee unless it is closed already (idempotent); the closure that stands."""

    def mark_applied(self, envelope: Envelope) -> None:
        """Record the event as applied, AFTER its effect (idempotent by itself)."""
