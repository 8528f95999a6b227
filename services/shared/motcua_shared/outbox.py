"""Outbox on DynamoDB Streams.

The events that announce a change travel inside the item that changes, in its ``outbox``
attribute, so state and events are written by one atomic (conditional) write — no dual write and
no multi-item transaction. Each write replaces the list with the events of that write. The table's
stream hands the new image to :func:`publish_stream_batch`, which sends every event not already in
the old image to the queue of each subscriber (``EVENT_ROUTES``). Delivery is at least once:
consumers use :mod:`motcua_shared.inbox` to apply each event once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from motcua_shared.aws import client
from motcua_shared.logs import get_logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

    from motcua_shared.events import Envelope

OUTBOX_ATTRIBUTE = "outbox"

logger = get_logger()


def outbox_bodies(events: Iterable[Envelope]) -> list[str]:
    """The value of an item's ``outbox`` attribute for the events of one write."""
    return [event.model_dump_json() for event in events]


def new_events(record: DynamoDBRecord) -> list[tuple[str, str]]:
    """(body, event type) of the events the record's write added (in the new image, not the old)."""
    if record.raw_event.get("eventName") not in {"INSERT", "MODIFY"} or record.dynamodb is None:
        return []
    new = (record.dynamodb.new_image or {}).get(OUTBOX_ATTRIBUTE) or []
    if not new:
        return []
    old = (record.dynamodb.old_image or {}).get(OUTBOX_ATTRIBUTE) or []
    seen = {json.loads(body)["id"] for body in old}
    added = [(str(body), json.loads(body)) for body in new]
    return [(body, event["type"]) for body, event in added if event["id"] not in seen]


def publish_stream_batch(
    event: dict[str, Any],
    routes: dict[str, list[str]],
    also: Callable[[DynamoDBRecord], None] | None = None,
) -> dict[str, Any]:
    """Stream handler body: send every new event to its subscribers' queues, and run ``also``
    (another idempotent use of the same record) on each record.

    Returns ``{"batchItemFailures": [...]}`` so that only the failed record and those after it
    are retried (the event source mapping has ``ReportBatchItemFailures``).
    """
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    sqs = client("sqs")

    def handle(record: DynamoDBRecord) -> None:
        for body, event_type in new_events(record):
            for queue_url in routes.get(event_type, []):
                sqs.send_message(
                    QueueUrl=queue_url,
                    MessageBody=body,
                    MessageAttributes={
                        "event_type": {"DataType": "String", "StringValue": event_type},
                    },
                )
        if also is not None:
            also(record)

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    response = process_partial_response(event=event, record_handler=handle, processor=processor)
    return dict(response)
