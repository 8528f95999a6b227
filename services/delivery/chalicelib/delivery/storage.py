"""Delivery's table: its own records and the inbox of the events it applied; the events it
announces travel in the outbox attribute of the items that change."""

from __future__ import annotations

from chalicelib.delivery.settings import get_settings
from motcua_shared.inbox import inbox_model

_settings = get_settings()

DeliveryInbox = inbox_model(_settings.shipments_table, _settings.region)
