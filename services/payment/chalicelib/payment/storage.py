"""Payment's table: its own records, the inbox of events it applied, the outbox it announces."""

from __future__ import annotations

from chalicelib.payment.settings import get_settings
from motcua_shared.inbox import inbox_model
from motcua_shared.outbox import outbox_model

_settings = get_settings()

PaymentInbox = inbox_model(_settings.payments_table, _settings.region)
PaymentOutbox = outbox_model(_settings.payments_table, _settings.region)
