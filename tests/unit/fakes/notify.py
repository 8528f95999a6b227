"""Fakes of notify's ports: its stores (notifications with the inbox, preferences, dossier
facts), the staff directory and the message providers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.notify.domain.model import Notification, ReceiptOutcome, RetryPolicy, Status
from chalicelib.notify.domain.values import DossierFacts
from chalicelib.notify.ports import StaffMember
from chalicelib.notify.providers.base import Provider, Receipt
from motcua_shared.errors import Conflict
from motcua_shared.events import Envelope


@dataclass
class FakeNotificationStore:
    """Stores each notification once by id, with a version (a stale copy is a Conflict)."""

    policy: RetryPolicy
    items: dict[str, Notification] = field(default_factory=dict)
    applied: list[str] = field(default_factory=list)  # event ids, in the order handled

    def get(self, notification_id: str) -> Notification | None:
        stored = self.items.get(notification_id)
        return stored.copy() if stored is not None else None

    def add(self, n: Notification) -> tuple[Notification, bool]:
        stored = self.items.get(n.id)
        if stored is not None:
            return stored.copy(), False
        n.version = 1
        self.items[n.id] = n.copy()
        return n, True

    def save(self, n: Notification) -> None:
        stored = self.items.get(n.id)
        if stored is None or stored.version != n.version:
            raise Conflict()
        n.version = (n.version or 0) + 1
        self.items[n.id] = n.copy()

    def for_dossier(self, dossier_id: str) -> list[Notification]:
        return [n.copy() for n in self.items.values() if n.dossier_id == dossier_id]

    def by_message_id(self, message_id: str) -> Notification | None:
        found = (n for n in self.items.values() if n.provider_message_id == message_id)
        stored = next(found, None)
        return stored.copy() if stored is not None else None

    def pending(self, status: Status, until: datetime, limit: int) -> Iterator[Notification]:
        waiting = [
            n
            for n in self.items.values()
            if n.status is status and (at := n.pending_until(self.policy)) and at <= until
        ]
        for n in waiting[:limit]:
            yield n.copy()

    def mark_applied(self, envelope: Envelope) -> None:
        self.applied.append(envelope.id)

    def sent(self) -> list[tuple[str, str, str]]:
        """(audience, channel, recipient) of every notification, sorted."""
        return sorted((n.audience, str(n.channel), n.recipient) for n in self.items.values())


@dataclass
class FakePreferences:
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, sub: str) -> dict[str, Any] | None:
        return self.docs.get(sub)

    def save(self, sub: str, doc: dict[str, Any]) -> None:
        self.docs[sub] = dict(doc)


@dataclass
class FakeDossierFacts:
    facts: dict[str, DossierFacts] = field(default_factory=dict)
    writes: int = 0

    def get(self, dossier_id: str) -> DossierFacts | None:
        return self.facts.get(dossier_id)

    def save(self, facts: DossierFacts) -> None:
        self.facts[facts.dossier_id] = facts
        self.writes += 1


@dataclass
class FakeDirectory:
    users: dict[str, StaffMember] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)  # group → user names

    def user(self, username: str) -> StaffMember | None:
        return self.users.get(username)

    def group(self, name: str) -> list[StaffMember]:
        return [self.users[u] for u in self.groups.get(name, [])]


class FakeProvider(Provider):
    """Sends by remembering (message ids m-1, m-2…), or fails as the test says."""

    aws_service = "none"

    def __init__(self, name: str, channel: str) -> None:
        self.name = name
        self.channel = channel
        self.sent: list[str] = []  # recipients, in sending order
        self.failures: list[Exception] = []  # raised by the next sends, first first

    def send(self, notification: Notification) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(notification.recipient)
        return f"{self.name}-m-{len(self.sent)}"

    def read_receipt(self, body: Any) -> Receipt:
        outcome = body.get("outcome")
        return Receipt(body["message_id"], ReceiptOutcome(outcome) if outcome else None)
