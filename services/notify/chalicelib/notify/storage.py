"""Notify's table: its own records, the inbox of events it applied, the outbox it announces."""

from __future__ import annotations

from chalicelib.notify.settings import get_settings
from motcua_shared.inbox import inbox_model
from motcua_shared.outbox import outbox_model

_settings = get_settings()

NotifyInbox = inbox_model(_settings.notifications_table, _settings.region)
NotifyOutbox = outbox_model(_settings.notifications_table, _settings.region)
