"""The event pump: the local stand-in for Lambda's event source mappings.

- DynamoDB Streams: records of each shard in order, in batches, with a checkpoint that advances
  past what the handler accepted; ``batchItemFailures`` rewinds to the first failed record; a
  raised exception retries the whole batch. A poll goes on with the ``NextShardIterator`` of the
  one before only when that one ended exactly at the checkpoint (nothing new, or all handled), as
  Lambda does; otherwise (a failure, a rewind, a checkpoint set from outside) it takes a fresh
  AFTER_SEQUENCE_NUMBER iterator from the checkpoint. (moto's iterators went astray after a
  cancelled transaction (moto 5.2.5), because moto put back a copy of the whole table with
  its stream; motofix.py keeps the table and its stream.) The shard list is looked up again
  every ``SHARD_REFRESH_S``: most polls find nothing new, and asking for the shards each time
  was a third of the requests the idle pump made. A record still failing after ``max_retries``
  retries is given up on as Lambda does with an on-failure destination: its place in the stream
  (``DDBStreamBatchInfo``, infra/ops/streams.py) goes to the table's stream-failures queue and
  the records after it flow on (a whole batch, when the handler raised).
- SQS: batches received with the queue's visibility timeout; messages the handler accepted are
  deleted; those in ``batchItemFailures`` (or the whole batch when it raised) stay, to be received
  again and moved to the dead-letter queue by the queue's redrive policy after maxReceiveCount.

Handlers are invoked in-process with the exact event shapes Lambda delivers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from infra.local.lambda_context import LambdaContext
from infra.ops.streams import failure_message, lambda_record

Handler = Callable[[dict[str, Any], Any], Any]
log = logging.getLogger("motcua.pump")

# Locally a failed message becomes visible again after this many seconds instead of the queue's
# full visibility timeout, so that retries and dead-lettering happen within a test's patience.
LOCAL_RETRY_DELAY_S = 1
# How often a stream poller looks up the stream's shards again (moto's stream keeps one shard).
SHARD_REFRESH_S = 30.0


def failed_ids(result: Any) -> list[str] | None:
    """The ``itemIdentifier`` values of a partial-batch response (None: nothing failed)."""
    if isinstance(result, dict) and result.get("batchItemFailures"):
        return [str(f["itemIdentifier"]) for f in result["batchItemFailures"]]
    return None


class Poller(threading.Thread):
    def __init__(self, name: str, handler: Handler, idle_s: float) -> None:
        super().__init__(name=name, daemon=True)
        self.handler = handler
        self.idle_s = idle_s
        self.stopping = threading.Event()
        self.invocations = 0
        self.errors = 0

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        backoff = self.idle_s
        while not self.stopping.is_set():
            try:
                busy = self.poll_once()
                backoff = self.idle_s
            except Exception:
                log.exception("%s: poll failed", self.name)
                self.errors += 1
                busy = False
                backoff = min(backoff * 2, 5.0)
            if not busy:
                self.stopping.wait(backoff)

    def invoke(self, event: dict[str, Any]) -> Any:
        self.invocations += 1
        return self.handler(event, LambdaContext(function_name=self.name))

    def poll_once(self) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError


class StreamPoller(Poller):
    """One DynamoDB stream → one handler."""

    def __init__(
        self,
        streams: Any,
        stream_arn: str,
        handler: Handler,
        batch_size: int = 100,
        idle_s: float = 0.2,
        failures: tuple[Any, str] | None = None,
        max_retries: int = 10,
    ) -> None:
        super().__init__(f"stream:{stream_arn.split('/')[1]}", handler, idle_s)
        self.streams = streams
        self.stream_arn = stream_arn
        self.batch_size = batch_size
        # (an SQS client, the stream-failures queue URL); without it a failing record is retried
        # for ever, holding up the records after it
        self.failures = failures
        self.max_retries = max_retries
        # shard id -> (the first sequence number of the failing records, attempts so far)
        self.attempts: dict[str, tuple[str, int]] = {}
        self.checkpoints: dict[str, str] = {}  # shard id -> last sequence number handled
        # shard id -> (the checkpoint it starts after, the iterator the last poll ended with)
        self.iterators: dict[str, tuple[str | None, str]] = {}
        self.shards: list[str] = []
        self.shards_listed_at = float("-inf")

    def poll_once(self) -> bool:
        if time.monotonic() - self.shards_listed_at > SHARD_REFRESH_S:
            description = self.streams.describe_stream(StreamArn=self.stream_arn)
            self.shards = [s["ShardId"] for s in description["StreamDescription"]["Shards"]]
            self.shards_listed_at = time.monotonic()
        busy = False
        for shard_id in self.shards:
            busy |= self._poll_shard(shard_id)
        return busy

    def _iterator(self, shard_id: str, checkpoint: str | None) -> str:
        following = self.iterators.pop(shard_id, None)
        if following is not None and following[0] == checkpoint:
            return following[1]
        params: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard_id}
        if checkpoint:
            params.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=checkpoint)
        else:
            params.update(ShardIteratorType="TRIM_HORIZON")
        return str(self.streams.get_shard_iterator(**params)["ShardIterator"])

    def _ended_at(self, shard_id: str, checkpoint: str | None, response: dict[str, Any]) -> None:
        """The next poll may go on from here (the response ended exactly at ``checkpoint``)."""
        if response.get("NextShardIterator"):
            self.iterators[shard_id] = (checkpoint, response["NextShardIterator"])

    def _poll_shard(self, shard_id: str) -> bool:
        checkpoint = self.checkpoints.get(shard_id)
        iterator = self._iterator(shard_id, checkpoint)
        response = self.streams.get_records(ShardIterator=iterator, Limit=self.batch_size)
        records = response["Records"]
        if not records:
            self._ended_at(shard_id, checkpoint, response)
            return False
        event = {"Records": [lambda_record(r, self.stream_arn) for r in records]}
        try:
            result = self.invoke(event)
        except Exception:
            log.exception("%s: handler raised; the batch will be retried", self.name)
            self.errors += 1
            return self._failed(shard_id, records)
        failures = failed_ids(result)
        if failures:
            first = min(int(s) for s in failures)
            handled = [r for r in records if int(r["dynamodb"]["SequenceNumber"]) < first]
            if handled:
                self.checkpoints[shard_id] = handled[-1]["dynamodb"]["SequenceNumber"]
            self.errors += 1
            failing = next(r for r in records if int(r["dynamodb"]["SequenceNumber"]) >= first)
            return self._failed(shard_id, [failing])
        self.checkpoints[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
        self._ended_at(shard_id, self.checkpoints[shard_id], response)
        return True

    def _failed(self, shard_id: str, records: list[dict[str, Any]]) -> bool:
        """Count an attempt at ``records`` (from the first failing one); past ``max_retries``
        retries, send their place to the stream-failures queue and go on after them. True when
        the reader moved on."""
        start = records[0]["dynamodb"]["SequenceNumber"]
        seen, attempts = self.attempts.get(shard_id, (start, 0))
        attempts = attempts + 1 if seen == start else 1
        self.attempts[shard_id] = (start, attempts)
        if self.failures is None or attempts <= self.max_retries:
            return False
        sqs, queue_url = self.failures
        body = failure_message(self.stream_arn, shard_id, records, attempts)
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(body))
        log.error(
            "%s: gave up on %d record(s) from %s after %d attempts; their place is in %s",
            self.name,
            len(records),
            start,
            attempts,
            queue_url.rsplit("/", 1)[-1],
        )
        self.checkpoints[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
        del self.attempts[shard_id]
        return True


class QueuePoller(Poller):
    """One SQS queue → one handler, with Lambda's batch semantics."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        handler: Handler,
        batch_size: int = 10,
        region: str = "ap-southeast-1",
        idle_s: float = 0.2,
        wait_s: int = 1,
        worker: int = 0,
    ) -> None:
        name = f"queue:{queue_url.rsplit('/', 1)[-1]}" + (f"#{worker}" if worker else "")
        super().__init__(name, handler, idle_s)
        self.wait_s = wait_s  # SQS long polling
        self.sqs = sqs
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.batch_size = min(batch_size, 10)
        self.region = region

    def poll_once(self) -> bool:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=self.wait_s,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return False
        event = {"Records": [self._lambda_record(m) for m in messages]}
        try:
            failures = set(failed_ids(self.invoke(event)) or [])
        except Exception:
            log.exception("%s: handler raised; the whole batch returns to the queue", self.name)
            failures = {m["MessageId"] for m in messages}
        done = [m for m in messages if m["MessageId"] not in failures]
        for start in range(0, len(done), 10):
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done[start : start + 10])
                ],
            )
        for message in messages:
            if message["MessageId"] in failures:
                self.errors += 1
                self.sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=LOCAL_RETRY_DELAY_S,
                )
        return True

    def _lambda_record(self, message: dict[str, Any]) -> dict[str, Any]:
        attributes = {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        }
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": attributes,
            "md5OfBody": message.get("MD5OfBody")
            or hashlib.md5(message["Body"].encode()).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.region,
        }


def scheduled_event(
    rule: str, region: str = "ap-southeast-1", at: datetime | None = None
) -> dict[str, Any]:
    """The event EventBridge sends to a function on a schedule."""
    from datetime import UTC

    moment = (at or datetime.now(UTC)).astimezone(UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:123456789012:rule/{rule}"],
        "detail": {},
    }


class SchedulePoller(Poller):
    """A scheduled function, invoked every ``interval_s`` seconds (locally, not at its rate)."""

    def __init__(self, name: str, handler: Handler, interval_s: float) -> None:
        super().__init__(f"schedule:{name}", handler, interval_s)
        self.rule = name

    def poll_once(self) -> bool:
        self.invoke(scheduled_event(self.rule))
        return False


class EventPump:
    """Starts and stops the pollers of every event source of every service."""

    def __init__(self) -> None:
        self.pollers: list[Poller] = []

    def add(self, poller: Poller) -> None:
        self.pollers.append(poller)

    def start(self) -> None:
        for poller in self.pollers:
            poller.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        for poller in self.pollers:
            poller.stop()
        deadline = time.monotonic() + timeout_s
        for poller in self.pollers:
            poller.join(max(deadline - time.monotonic(), 0.1))
