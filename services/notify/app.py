"""notify: tells people about every step that concerns them (for now: records what it hears)."""

from __future__ import annotations

from typing import Any

from chalice import Chalice
from pydantic import BaseModel

from chalicelib.notify.settings import get_settings
from chalicelib.notify.storage import NotifyInbox
from motcua_shared.api import Api
from motcua_shared.events import Envelope
from motcua_shared.inbox import consume_sqs_batch
from motcua_shared.logs import get_logger
from motcua_shared.outbox import publish_stream_batch

app = Chalice(app_name="motcua-notify")
api = Api(app, title="motcua notify", settings=get_settings)
settings = get_settings()
logger = get_logger("notify")


def receive(envelope: Envelope, data: BaseModel) -> None:
    """Record the event once; sending SMS and e-mail builds on this record."""
    if NotifyInbox.of(envelope, settings.inbox_retention_s).save_once():
        logger.info("event received", extra={"event_type": envelope.type, "event_id": envelope.id})


@app.on_sqs_message(queue=settings.events_queue, batch_size=10)
def handle_events(event: Any) -> dict[str, Any]:
    return consume_sqs_batch(event.to_dict(), receive, settings.max_receive_count)


@app.on_dynamodb_record(stream_arn=settings.notifications_stream_arn, batch_size=100)
def publish_events(event: Any) -> dict[str, Any]:
    return publish_stream_batch(event.to_dict(), settings.event_routes)
