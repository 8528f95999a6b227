"""Request bodies of the notify API, validated at the edge (named by the routes in app.py and
imported when a request first needs them)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.notify.domain.model import Channel, Status


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    channels: Annotated[list[Literal["email", "sms"]], Field(min_length=1, max_length=2)]


# -- Responses (documentation of the JSON answers; the handlers build them) -------------------


class _Out(BaseModel):
    # the answers have at least these keys
    model_config = ConfigDict(extra="allow", defer_build=True)


class NotificationOut(_Out):
    """One message about a dossier, its recipient masked."""

    id: str
    event_type: str
    template_id: str
    channel: Channel
    audience: str
    recipient: str
    subject: str | None
    status: Status
    attempts: int
    fragments: int | None  # SMS parts
    failure_reason: str | None
    created_at: str
    sent_at: str | None
    updated_at: str


class NotificationListOut(_Out):
    items: list[NotificationOut]


class PreferencesOut(_Out):
    channels: list[Channel]


class ReceiptAnswerOut(_Out):
    """Whether the receipt changed a notification (a repeat or a late one changes nothing)."""

    changed: bool
