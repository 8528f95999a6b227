"""Idempotent consumers: each event is applied once, whatever the number of deliveries.

A consumer writes an inbox record keyed by the event id in the same transaction as the change the
event causes; a second delivery finds the record and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from motcua_shared.events import Envelope, parse_event
from motcua_shared.logs import get_logger

INBOX_PREFIX = "INBOX#"
INBOX_SORT_KEY = "INBOX"

logger = get_logger()


class InboxRecord(Model):
    """Marks an event as applied by this service. Bind it to a table with :func:`inbox_model`."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    event_type = UnicodeAttribute()
    dossier_id = UnicodeAttribute()
    received_at = NumberAttribute()
    expires_at = NumberAttribute()

    @classmethod
    def of(cls, envelope: Envelope, retention_s: int) -> InboxRecord:
        now = int(time.time())
        return cls(
            pk=INBOX_PREFIX + envelope.id,
            sk=INBOX_SORT_KEY,
            event_type=envelope.type,
            dossier_id=envelope.dossier_id,
            received_at=now,
            expires_at=now + retention_s,
        )

    def save_once(self) -> bool:
        """Record the event; False if it was already recorded (a duplicate delivery)."""
        try:
            self.save(condition=InboxRecord.pk.does_not_exist())
        except PutError as exc:
            if _condition_failed(exc):
                return False
            raise
        return True


def inbox_model(table_name: str, region: str) -> type[InboxRecord]:
    """The inbox record class of one service's table."""
    meta = type("Meta", (), {"table_name": table_name, "region": region})
    return type("InboxRecord", (InboxRecord,), {"Meta": meta})


def _condition_failed(exc: PutError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


EventHandler = Callable[[Envelope, BaseModel], None]


def consume_sqs_batch(
    event: dict[str, Any], handle: EventHandler, max_receive_count: int | None = None
) -> dict[str, Any]:
    """SQS handler body: validate each message against the event contract and apply it.

    A message that fails (invalid, or its handler raised) is reported in ``batchItemFailures``;
    SQS redelivers it and, after ``maxReceiveCount`` attempts, moves it to the dead-letter queue.
    The rest of the batch is deleted normally.
    """
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    def apply(record: SQSRecord) -> None:
        try:
            envelope, data = parse_event(record.body)
            handle(envelope, data)
        except Exception:
            count = _receive_count(record)
            last = (
                max_receive_count is not None
                and count.isdigit()
                and int(count) >= max_receive_count
            )
            logger.exception(
                "ALARM event failed for the last time: it goes to the dead-letter queue"
                if last
                else "event failed; it will be retried",
                extra={"message_id": record.message_id, "receive_count": count},
            )
            raise

    processor = BatchProcessor(event_type=EventType.SQS)
    response = process_partial_response(event=event, record_handler=apply, processor=processor)
    return dict(response)


def _receive_count(record: Any) -> str:
    return str(record.raw_event.get("attributes", {}).get("ApproximateReceiveCount", "?"))
