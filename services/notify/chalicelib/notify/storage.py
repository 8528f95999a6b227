"""Notify's table: its own records and the inbox of the events it applied; the events it
announces travel in the outbox attribute of the items that change."""

from __future__ import annotations

from chalicelib.notify.settings import get_settings
from motcua_shared.inbox import inbox_model

_settings = get_settings()

NotifyInbox = inbox_model(_settings.notifications_table, _settings.region)
