"""From an event, a template and a person to a notification ready to send (or, for a contact
that cannot be used, one that ends as ``permanent-failure`` without any attempt)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from chalicelib.notify.domain.model import (
    Channel,
    HistoryEntry,
    Notification,
    Status,
    notification_id,
)
from chalicelib.notify.domain.phones import is_valid_email, normalise_phone
from chalicelib.notify.domain.templates import Template, render

INVALID_PHONE = "invalid phone number: not a Vietnamese mobile number"
INVALID_EMAIL = "invalid e-mail address"


@dataclass(frozen=True)
class Person:
    """Someone to tell, with the channels they chose and the link that fits them."""

    name: str
    sub: str | None
    phone: str | None
    email: str | None
    channels: frozenset[Channel]
    link: str


@dataclass(frozen=True)
class EventRef:
    id: str
    type: str
    dossier_id: str


def compose(
    event: EventRef,
    template: Template,
    person: Person,
    values: Mapping[str, str],
    at: datetime,
) -> Notification | None:
    """The notification of ``template`` for ``person``; None when they have no such contact or
    did not choose the channel."""
    channel = Channel(template.channel)
    if channel not in person.channels:
        return None
    raw = ((person.phone if channel is Channel.SMS else person.email) or "").strip()
    if not raw:
        return None
    if channel is Channel.SMS:
        address = normalise_phone(raw)
        invalid = INVALID_PHONE
    else:
        address = raw if is_valid_email(raw) else None
        invalid = INVALID_EMAIL
    message = render(template, {**values, "name": person.name, "link": person.link})
    notification = Notification(
        id=notification_id(event.id, channel, address or raw),
        event_id=event.id,
        event_type=event.type,
        dossier_id=event.dossier_id,
        template_id=template.id,
        channel=channel,
        audience=template.audience,
        recipient=address or raw,
        recipient_sub=person.sub,
        subject=message.subject,
        text=message.text,
        html=message.html,
        fragments=message.fragments,
        status=Status.CREATED,
        created_at=at,
        updated_at=at,
        history=[HistoryEntry(Status.CREATED, at)],
    )
    if address is None:
        notification.mark_permanent_failure(invalid, at)
    return notification
