"""Intake's functions that are not routes: what other services announce (the queue), the outbox
publisher with the statistics counting (the dossiers table's stream), the deadline watch (a
schedule)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Rate

from chalicelib.intake.bootstrap import service
from chalicelib.intake.domain.model import Actor, Role
from chalicelib.intake.settings import get_settings
from chalicelib.intake.storage.repositories import stats_views
from motcua_shared import timeutil
from motcua_shared.inbox import consume_sqs_batch
from motcua_shared.outbox import publish_stream_batch

if TYPE_CHECKING:
    from motcua_shared.events import Envelope

# Lambda's handler strings are "app.<function>" (chalice names a blueprint's handlers after its
# import name): app.py re-exports these functions under those names.
handlers = Blueprint("app")
settings = get_settings()

SYSTEM = Actor(sub="system", username="system", roles=frozenset({Role.SYSTEM}))


def apply_event(envelope: Envelope, data: Any) -> None:
    """What other services tell intake: a fee paid online moves the dossier on."""
    if envelope.type == "payment.succeeded":
        service().record_online_payment(data.dossier_id, SYSTEM, data.txn_ref, data.amount_vnd)
    elif envelope.type.startswith("shipment."):
        service().apply_shipment(SYSTEM, data, envelope.type)


@handlers.on_sqs_message(queue=settings.events_queue, batch_size=10)
def handle_events(event: Any) -> dict[str, Any]:
    return consume_sqs_batch(
        event.to_dict(), apply_event, settings.max_receive_count, failures=settings.dossiers_table
    )


@handlers.schedule(Rate(15, unit=Rate.MINUTES))
def watch_deadlines(event: Any) -> dict[str, int]:
    """Announce steps that are due within a working day or overdue (the event's time is now)."""
    raw = event.to_dict() if hasattr(event, "to_dict") else dict(event)
    at = (
        timeutil.parse_iso(raw["time"].replace("Z", "+00:00"))
        if raw.get("time")
        else timeutil.now()
    )
    return {"announced": service().watch_deadlines(at)}


@handlers.on_dynamodb_record(stream_arn=settings.dossiers_stream_arn, batch_size=100)
def publish_events(event: Any) -> dict[str, Any]:
    """Outbox: the events of each dossier write go to their subscribers' queues; the write's
    change to the leaders' statistics is counted (once)."""
    return publish_stream_batch(event.to_dict(), settings.event_routes, also=count_statistics)


def count_statistics(record: Any) -> None:
    if record.dynamodb is None:
        return
    change = stats_views(record.dynamodb.new_image, record.dynamodb.old_image)
    if change is not None:
        service().count(*change)
