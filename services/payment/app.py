"""payment: online fee payment (for now: records the events that will request fees)."""

from __future__ import annotations

from typing import Any

from chalice import Chalice
from pydantic import BaseModel

from chalicelib.payment.settings import get_settings
from chalicelib.payment.storage import PaymentInbox
from motcua_shared.api import Api
from motcua_shared.events import Envelope
from motcua_shared.inbox import consume_sqs_batch
from motcua_shared.logs import get_logger
from motcua_shared.outbox import publish_stream_batch

app = Chalice(app_name="motcua-payment")
api = Api(app, title="motcua payment", settings=get_settings)
settings = get_settings()
logger = get_logger("payment")


def receive(envelope: Envelope, data: BaseModel) -> None:
    """Record the event once; fee requests build on this record."""
    if PaymentInbox.of(envelope, settings.inbox_retention_s).save_once():
        logger.info("event received", extra={"event_type": envelope.type, "event_id": envelope.id})


@app.on_sqs_message(queue=settings.events_queue, batch_size=10)
def handle_events(event: Any) -> dict[str, Any]:
    return consume_sqs_batch(event.to_dict(), receive)


@app.on_dynamodb_record(stream_arn=settings.payments_stream_arn, batch_size=100)
def publish_events(event: Any) -> dict[str, Any]:
    return publish_stream_batch(event.to_dict(), settings.event_routes)
