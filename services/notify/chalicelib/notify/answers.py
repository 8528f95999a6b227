"""The JSON answers of the notify API, each defined once: the handlers build them from the
domain, and the same classes document them in OpenAPI (motcua_shared.openapi reads them).

Plain dataclasses, so that serving a GET loads no pydantic (tests/unit/test_cold_start.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.notify.domain.model import Channel, Notification, Status
from motcua_shared.masking import mask_email, mask_phone
from motcua_shared.timeutil import to_iso


@dataclass(frozen=True)
class NotificationOut:
    """One message about a dossier, its recipient masked; ``fragments``: its SMS parts."""

    id: str
    event_type: str
    template_id: str
    channel: Channel
    audience: str
    recipient: str
    subject: str | None
    status: Status
    attempts: int
    fragments: int | None
    failure_reason: str | None
    created_at: str
    sent_at: str | None
    updated_at: str

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        masked = mask_phone(n.recipient) if n.channel is Channel.SMS else mask_email(n.recipient)
        return cls(
            id=n.id,
            event_type=n.event_type,
            template_id=n.template_id,
            channel=n.channel,
            audience=n.audience,
            recipient=masked,
            subject=n.subject,
            status=n.status,
            attempts=n.attempts,
            fragments=n.fragments,
            failure_reason=n.failure_reason,
            created_at=to_iso(n.created_at),
            sent_at=to_iso(n.sent_at) if n.sent_at else None,
            updated_at=to_iso(n.updated_at),
        )


@dataclass(frozen=True)
class NotificationListOut:
    items: list[NotificationOut]


@dataclass(frozen=True)
class PreferencesOut:
    """The channels a person is told on."""

    channels: list[Channel]

    @classmethod
    def of(cls, channels: list[str]) -> PreferencesOut:
        return cls([Channel(c) for c in channels])


@dataclass(frozen=True)
class ReceiptAnswerOut:
    """Whether the receipt changed a notification (a repeat or a late one changes nothing)."""

    changed: bool
