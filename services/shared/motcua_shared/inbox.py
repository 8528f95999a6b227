"""Idempotent consumers: each event is applied once, whatever the number of deliveries.

The rule: the inbox mark is written WITH the event's effect, never before it. Either the mark
(keyed by the event id) goes in the same DynamoDB transaction as the change the event causes
(:func:`apply_once`: a second delivery finds the mark and changes nothing; a failed write leaves
neither, and the redelivery applies the event), or the effect is idempotent by itself and the
mark is only recorded after it (:meth:`InboxRecord.record`). A mark written first and an effect
that then fails would make every redelivery look like a duplicate: the event would be lost.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from motcua_shared.logs import get_logger
from motcua_shared.masking import mask_text

if TYPE_CHECKING:
    from pydantic import BaseModel

    from motcua_shared.events import Envelope

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

    def record(self) -> None:
        """Record the event as applied, AFTER its effect, when that effect is idempotent by
        itself (a repeated delivery applies it again harmlessly)."""
        self.save()

    def is_recorded(self) -> bool:
        try:
            type(self).get(self.pk, self.sk, consistent_read=True)
        except DoesNotExist:
            return False
        return True


def inbox_model(table_name: str, region: str) -> type[InboxRecord]:
    """The inbox record class of one service's table."""
    meta = type("Meta", (), {"table_name": table_name, "region": region})
    return type("InboxRecord", (InboxRecord,), {"Meta": meta})


def apply_once(
    mark: InboxRecord, effect: Callable[[TransactWrite], None], connection: Connection | None = None
) -> bool:
    """Write the event's effect (what ``effect`` adds to the transaction, at most 99 items of
    the mark's table or others) and its inbox mark in one transaction: both or neither.

    False if the mark was there already (a duplicate delivery: nothing written). Any other
    failure raises, nothing is written, and the redelivered event is applied then.
    """
    if connection is None:
        connection = Connection(region=mark.Meta.region)
    try:
        with TransactWrite(connection=connection) as transaction:
            transaction.save(mark, condition=type(mark).pk.does_not_exist())
            effect(transaction)
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons or []
        cancelled = any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
        if cancelled and mark.is_recorded():
            return False
        raise
    return True


EventHandler = Callable[["Envelope", "BaseModel"], None]


def consume_sqs_batch(
    event: dict[str, Any],
    handle: EventHandler,
    max_receive_count: int | None = None,
    failures: FailureLog | str | None = None,
) -> dict[str, Any]:
    """SQS handler body: validate each message against the event contract and apply it.

    A message that fails (invalid, or its handler raised) is reported in ``batchItemFailures``;
    SQS redelivers it and, after ``maxReceiveCount`` attempts, moves it to the dead-letter queue.
    The rest of the batch is deleted normally. With ``failures`` (a :class:`FailureLog` or the
    name of the consumer's table) each failure is also recorded by message id, for whoever
    later looks at the dead-letter queue (``python -m infra.ops dlq list``).
    """
    log = FailureLog(failures) if isinstance(failures, str) else failures
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from motcua_shared.events import parse_event  # the contract (pydantic): loaded when used

    def apply(record: SQSRecord) -> None:
        try:
            envelope, data = parse_event(record.body)
            handle(envelope, data)
        except Exception as exc:
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
            if log is not None:
                log.record_quietly(record.message_id, record.body, exc, count)
            raise

    processor = BatchProcessor(event_type=EventType.SQS)
    response = process_partial_response(event=event, record_handler=apply, processor=processor)
    return dict(response)


def _receive_count(record: Any) -> str:
    return str(record.raw_event.get("attributes", {}).get("ApproximateReceiveCount", "?"))


FAILURE_PREFIX = "FAILURE#"
FAILURE_SORT_KEY = "FAILURE"
# As long as a message may sit in a dead-letter queue (infra/resources.py: Queue.dlq_retention_s).
FAILURE_RETENTION_S = 14 * 24 * 3600
REASON_MAX_CHARS = 500


@dataclass(frozen=True)
class Failure:
    """Why a message failed: the first and the latest reason, and how often it was received."""

    message_id: str
    first_reason: str
    first_at: str
    last_reason: str
    last_at: str
    failures: int
    receive_count: int | None = None
    event_type: str | None = None
    event_id: str | None = None
    dossier_id: str | None = None


class FailureLog:
    """Failed messages of one consumer, by SQS message id, in the consumer's own table
    (``FAILURE#<message id>`` / ``FAILURE``, expiring with the dead-letter queue's retention).

    A dead-lettered message carries no reason of its own; this is where an operator finds it.
    """

    def __init__(
        self, table_name: str, retention_s: int = FAILURE_RETENTION_S, client: Any = None
    ) -> None:
        self.table_name = table_name
        self.retention_s = retention_s
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            from motcua_shared import aws

            self._client = aws.client("dynamodb")
        return self._client

    def record(self, message_id: str, body: str, reason: str, receive_count: str = "?") -> None:
        """Remember one failed attempt: the first reason stays, the latest replaces the last."""
        from motcua_shared import timeutil

        now = timeutil.now()
        values: dict[str, Any] = {
            ":reason": {"S": _clip(reason)},
            ":at": {"S": timeutil.to_iso(now)},
            ":expires": {"N": str(int(now.timestamp()) + self.retention_s)},
            ":one": {"N": "1"},
        }
        assignments = [
            "first_reason = if_not_exists(first_reason, :reason)",
            "first_at = if_not_exists(first_at, :at)",
            "last_reason = :reason",
            "last_at = :at",
            "expires_at = :expires",
        ]
        if receive_count.isdigit():
            values[":count"] = {"N": receive_count}
            assignments.append("receive_count = :count")
        for name, value in _envelope_fields(body).items():
            values[":" + name] = {"S": value}
            assignments.append(f"{name} = :{name}")
        self.client.update_item(
            TableName=self.table_name,
            Key=_failure_key(message_id),
            UpdateExpression="SET " + ", ".join(assignments) + " ADD failures :one",
            ExpressionAttributeValues=values,
        )

    def record_quietly(self, message_id: str, body: str, exc: BaseException, count: str) -> None:
        """:meth:`record`, best effort: a failure to record never hides the message's own."""
        try:
            self.record(message_id, body, f"{type(exc).__name__}: {exc}", count)
        except Exception:
            logger.warning(
                "the failure could not be recorded", exc_info=True, extra={"message_id": message_id}
            )

    def get(self, message_ids: list[str]) -> dict[str, Failure]:
        """The recorded failures of these messages (those with none are left out)."""
        found: dict[str, Failure] = {}
        unique = list(dict.fromkeys(message_ids))
        for start in range(0, len(unique), 100):
            keys: list[dict[str, Any]] = [_failure_key(m) for m in unique[start : start + 100]]
            request: dict[str, Any] = {self.table_name: {"Keys": keys, "ConsistentRead": True}}
            while request:
                answer = self.client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self.table_name, []):
                    failure = _failure_of(item)
                    found[failure.message_id] = failure
                request = answer.get("UnprocessedKeys") or {}
        return found


def _failure_key(message_id: str) -> dict[str, Any]:
    return {"pk": {"S": FAILURE_PREFIX + message_id}, "sk": {"S": FAILURE_SORT_KEY}}


def _failure_of(item: dict[str, Any]) -> Failure:
    def text(name: str) -> str | None:
        return item[name]["S"] if name in item else None

    return Failure(
        message_id=item["pk"]["S"].removeprefix(FAILURE_PREFIX),
        first_reason=text("first_reason") or "",
        first_at=text("first_at") or "",
        last_reason=text("last_reason") or "",
        last_at=text("last_at") or "",
        failures=int(item.get("failures", {}).get("N", "0")),
        receive_count=int(item["receive_count"]["N"]) if "receive_count" in item else None,
        event_type=text("event_type"),
        event_id=text("event_id"),
        dossier_id=text("dossier_id"),
    )


def _envelope_fields(body: str) -> dict[str, str]:
    """What the body says it is (it may be no event at all: a poison message)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    fields = {"event_type": "type", "event_id": "id", "dossier_id": "dossier_id"}
    return {
        name: parsed[key][:200]
        for name, key in fields.items()
        if isinstance(parsed.get(key), str) and parsed[key]
    }


def _clip(text: str, limit: int = REASON_MAX_CHARS) -> str:
    """Masked (reasons may quote personal data) and short."""
    masked = " ".join(mask_text(text).split()) or "?"
    return masked if len(masked) <= limit else masked[: limit - 1] + "…"
