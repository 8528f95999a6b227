"""A notification: one message to one recipient on one channel for one event (GOV.UK Notify).

Statuses and their moves::

    created ──claim──▶ sending ──▶ sent ──receipt──▶ delivered
                          │          └────receipt──▶ permanent-failure
                          ├──▶ permanent-failure      (the provider refuses the recipient)
                          ├──▶ temporary-failure ──claim (when due)──▶ sending …
                          └──▶ technical-failure      (retries used up, or the outcome is unknown)

Exactly one send per notification: only a claim (``created``/``temporary-failure`` → ``sending``,
written conditionally on the version) allows a send, so a repeated event or a retried function
finds the notification already claimed and sends nothing. A notification left in ``sending`` (the
function died between the provider's answer and the write) is never sent again: after
``RetryPolicy.stale_after_s`` it becomes ``technical-failure`` with the outcome unknown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from motcua_shared.timeutil import parse_iso, to_iso


class Status(StrEnum):
    CREATED = "created"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    TEMPORARY_FAILURE = "temporary-failure"
    PERMANENT_FAILURE = "permanent-failure"
    TECHNICAL_FAILURE = "technical-failure"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


FINAL = frozenset({Status.DELIVERED, Status.PERMANENT_FAILURE, Status.TECHNICAL_FAILURE})
CLAIMABLE = frozenset({Status.CREATED, Status.TEMPORARY_FAILURE})


class ReceiptOutcome(StrEnum):
    """What a provider's delivery receipt says."""

    DELIVERED = "delivered"
    PERMANENT_FAILURE = "permanent-failure"


class NotClaimable(ValueError):
    """Only a created notification, or one waiting for its retry, can be sent."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for temporary failures (throttling, provider errors)."""

    max_attempts: int = 5
    base_delay_s: int = 30
    max_delay_s: int = 900
    stale_after_s: int = 900  # a notification ``sending`` this long has an unknown outcome

    def delay_after(self, attempts: int) -> int:
        """Seconds to wait after the ``attempts``-th failed attempt (30, 60, 120, ...)."""
        delay: int = self.base_delay_s * 2 ** max(attempts - 1, 0)
        return min(delay, self.max_delay_s)


def notification_id(event_id: str, channel: str, recipient: str) -> str:
    """The same (event, channel, recipient) always gives the same notification."""
    digest = hashlib.sha256(f"{event_id}\n{channel}\n{recipient}".encode()).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class HistoryEntry:
    status: Status
    at: datetime
    note: str = ""


@dataclass
class Notification:
    id: str
    event_id: str
    event_type: str
    dossier_id: str
    template_id: str
    channel: Channel
    audience: str
    recipient: str  # the address as sent (+84… or an e-mail); masked in every view
    recipient_sub: str | None
    subject: str | None
    text: str
    html: str | None
    fragments: int | None
    status: Status
    created_at: datetime
    updated_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    provider: str | None = None
    provider_message_id: str | None = None
    failure_reason: str | None = None
    sent_at: datetime | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    version: int | None = None

    # -- moves ---------------------------------------------------------------------------------
    def _move(self, status: Status, at: datetime, note: str = "") -> None:
        self.status = status
        self.updated_at = at
        self.history.append(HistoryEntry(status, at, note))

    def is_due(self, at: datetime) -> bool:
        if self.status is Status.CREATED:
            return True
        return self.status is Status.TEMPORARY_FAILURE and (
            self.next_attempt_at is None or self.next_attempt_at <= at
        )

    def claim(self, at: datetime) -> None:
        """Take the notification for one send attempt (saved before the provider is called)."""
        if self.status not in CLAIMABLE:
            raise NotClaimable(self.status)
        self.attempts += 1
        self.next_attempt_at = None
        self._move(Status.SENDING, at, f"lần gửi {self.attempts}")

    def mark_sent(self, provider: str, message_id: str, at: datetime) -> None:
        self.provider = provider
        self.provider_message_id = message_id
        self.sent_at = at
        self.failure_reason = None
        self._move(Status.SENT, at)

    def mark_temporary_failure(self, reason: str, at: datetime, policy: RetryPolicy) -> None:
        """A retry after the backoff, or ``technical-failure`` when the attempts are used up."""
        self.failure_reason = reason
        if self.attempts >= policy.max_attempts:
            self._move(Status.TECHNICAL_FAILURE, at, f"hết {self.attempts} lần thử: {reason}")
            return
        self.next_attempt_at = at + timedelta(seconds=policy.delay_after(self.attempts))
        self._move(Status.TEMPORARY_FAILURE, at, reason)

    def mark_permanent_failure(self, reason: str, at: datetime) -> None:
        self.failure_reason = reason
        self.next_attempt_at = None
        self._move(Status.PERMANENT_FAILURE, at, reason)

    def mark_outcome_unknown(self, at: datetime) -> None:
        """Left in ``sending``: the provider may or may not have it; never sent twice."""
        reason = "outcome unknown: the send was interrupted, not repeated"
        self.failure_reason = reason
        self._move(Status.TECHNICAL_FAILURE, at, reason)

    def apply_receipt(self, outcome: ReceiptOutcome, at: datetime) -> bool:
        """A delivery receipt moves ``sent`` on; repeated or late receipts change nothing."""
        if self.status is not Status.SENT:
            return False
        if outcome is ReceiptOutcome.DELIVERED:
            self._move(Status.DELIVERED, at)
        else:
            self.failure_reason = "the provider reports the message undeliverable"
            self._move(Status.PERMANENT_FAILURE, at, "biên nhận: không chuyển được")
        return True

    # -- where it waits ------------------------------------------------------------------------
    def pending_until(self, policy: RetryPolicy) -> datetime | None:
        """When the sweep should look at it again (None: it is not waiting for anything)."""
        if self.status is Status.TEMPORARY_FAILURE:
            return self.next_attempt_at
        if self.status is Status.SENDING:
            return self.updated_at + timedelta(seconds=policy.stale_after_s)
        return None

    # -- storage form --------------------------------------------------------------------------
    def to_document(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "dossier_id": self.dossier_id,
            "template_id": self.template_id,
            "channel": str(self.channel),
            "audience": self.audience,
            "recipient": self.recipient,
            "recipient_sub": self.recipient_sub,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "fragments": self.fragments,
            "status": str(self.status),
            "created_at": to_iso(self.created_at),
            "updated_at": to_iso(self.updated_at),
            "attempts": self.attempts,
            "next_attempt_at": to_iso(self.next_attempt_at) if self.next_attempt_at else None,
            "provider": self.provider,
            "provider_message_id": self.provider_message_id,
            "failure_reason": self.failure_reason,
            "sent_at": to_iso(self.sent_at) if self.sent_at else None,
            "history": [
                {"status": str(h.status), "at": to_iso(h.at), "note": h.note} for h in self.history
            ],
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any], version: int | None) -> Notification:
        def when(key: str) -> datetime | None:
            value = doc.get(key)
            return parse_iso(value) if value else None

        return cls(
            id=doc["id"],
            event_id=doc["event_id"],
            event_type=doc["event_type"],
            dossier_id=doc["dossier_id"],
            template_id=doc["template_id"],
            channel=Channel(doc["channel"]),
            audience=doc["audience"],
            recipient=doc["recipient"],
            recipient_sub=doc.get("recipient_sub"),
            subject=doc.get("subject"),
            text=doc["text"],
            html=doc.get("html"),
            fragments=doc.get("fragments"),
            status=Status(doc["status"]),
            created_at=parse_iso(doc["created_at"]),
            updated_at=parse_iso(doc["updated_at"]),
            attempts=int(doc.get("attempts", 0)),
            next_attempt_at=when("next_attempt_at"),
            provider=doc.get("provider"),
            provider_message_id=doc.get("provider_message_id"),
            failure_reason=doc.get("failure_reason"),
            sent_at=when("sent_at"),
            history=[
                HistoryEntry(Status(h["status"]), parse_iso(h["at"]), h.get("note", ""))
                for h in doc.get("history", [])
            ],
            version=version,
        )

    def copy(self) -> Notification:
        return replace(self, history=list(self.history))
