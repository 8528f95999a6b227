"""Outbox on DynamoDB Streams: an event is an item written in the same transaction as the state
it announces; the table's stream hands it to :func:`publish_stream_batch`, which sends it to the
queue of every subscriber (``EVENT_ROUTES``). Delivery is at least once: consumers use
:mod:`motcua_shared.inbox` to apply each event once.
"""

from __future__ import annotations

import time
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from motcua_shared.aws import client
from motcua_shared.events import Envelope
from motcua_shared.logs import get_logger

OUTBOX_PREFIX = "EVENT#"
OUTBOX_SORT_KEY = "EVENT"

logger = get_logger()


class OutboxRecord(Model):
    """An announced event, stored beside the state it describes (same table, same transaction).

    Bind it to a table with :func:`outbox_model`.
    """

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    event_type = UnicodeAttribute()
    dossier_id = UnicodeAttribute()
    body = UnicodeAttribute()
    expires_at = NumberAttribute()

    @classmethod
    def of(cls, envelope: Envelope, retention_s: int) -> OutboxRecord:
        return cls(
            pk=OUTBOX_PREFIX + envelope.id,
            sk=OUTBOX_SORT_KEY,
            event_type=envelope.type,
            dossier_id=envelope.dossier_id,
            body=envelope.model_dump_json(),
            expires_at=int(time.time()) + retention_s,
        )


def outbox_model(table_name: str, region: str) -> type[OutboxRecord]:
    """The outbox record class of one service's table."""
    meta = type("Meta", (), {"table_name": table_name, "region": region})
    return type("OutboxRecord", (OutboxRecord,), {"Meta": meta})


def publish_stream_batch(event: dict[str, Any], routes: dict[str, list[str]]) -> dict[str, Any]:
    """Stream handler body: send every new outbox record to its subscribers' queues.

    Returns ``{"batchItemFailures": [...]}`` so that only the failed record and those after it
    are retried (the event source mapping has ``ReportBatchItemFailures``).
    """
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )

    sqs = client("sqs")

    def send(record: DynamoDBRecord) -> None:
        if record.raw_event.get("eventName") != "INSERT":
            return
        image = record.dynamodb.new_image if record.dynamodb else None
        if not image or not str(image.get("pk", "")).startswith(OUTBOX_PREFIX):
            return
        event_type = str(image["event_type"])
        for queue_url in routes.get(event_type, []):
            sqs.send_message(
                QueueUrl=queue_url,
                MessageBody=str(image["body"]),
                MessageAttributes={
                    "event_type": {"DataType": "String", "StringValue": event_type},
                },
            )
        logger.debug("published", extra={"event_type": event_type, "queues": len(routes)})

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    response = process_partial_response(event=event, record_handler=send, processor=processor)
    return dict(response)
