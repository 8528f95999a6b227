"""Delivery's table: its own records, the inbox of events it applied, the outbox it announces."""

from __future__ import annotations

from chalicelib.delivery.settings import get_settings
from motcua_shared.inbox import inbox_model
from motcua_shared.outbox import outbox_model

_settings = get_settings()

DeliveryInbox = inbox_model(_settings.shipments_table, _settings.region)
DeliveryOutbox = outbox_model(_settings.shipments_table, _settings.region)
