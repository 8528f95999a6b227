"""Stream failures: the places of stream records a table's reader gave up on, and replaying them.

A service's ``publish_events`` function reads its table's stream; a record it keeps failing on is
retried ``Table.stream_max_retries`` times (Lambda halves the batch each time), then Lambda sends
the batch's place in the stream — ``DDBStreamBatchInfo``: shard, first and last sequence numbers —
to the table's stream-failures queue and the records after it flow on (the local event pump does
the same). The records stay in the stream for 24 hours. Replaying reads them again and hands them
to the same function: locally through the gateway's ``/_local/functions`` (what ``aws lambda
invoke`` does), on AWS the function the stream's event source mapping names. A message is deleted
only when the function took every record; publishing is idempotent downstream (every consumer
keeps an inbox), so replaying a record that did get through changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from infra.ops.dlq import Location
from infra.ops.queues import receive_all, release
from infra.resources import RESOURCES, SERVICES

# The stream handler of every service's app (services/<service>/app.py).
STREAM_FUNCTION = "publish_events"
BATCH_INFO = "DDBStreamBatchInfo"

Invoke = Callable[[dict[str, Any]], dict[str, Any]]


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record of GetRecords as Lambda hands it to a function."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = created.timestamp()
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", "ap-southeast-1"),
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


def failure_message(
    stream_arn: str, shard_id: str, records: list[dict[str, Any]], attempts: int
) -> dict[str, Any]:
    """What Lambda sends to a stream's on-failure destination for ``records`` (GetRecords shape)."""

    def arrival(record: dict[str, Any]) -> str:
        created = record["dynamodb"].get("ApproximateCreationDateTime")
        if isinstance(created, (int, float)):
            created = datetime.fromtimestamp(created, UTC)
        return created.isoformat() if isinstance(created, datetime) else str(created or "")

    return {
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(),
        "requestContext": {
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": attempts,
        },
        BATCH_INFO: {
            "shardId": shard_id,
            "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
            "approximateArrivalOfFirstRecord": arrival(records[0]),
            "approximateArrivalOfLastRecord": arrival(records[-1]),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }


@dataclass
class StreamFailure:
    """One message of a stream-failures queue: where the records are, and when they failed."""

    message_id: str
    receipt_handle: str
    stream_arn: str
    shard_id: str
    start: str
    end: str
    batch_size: int
    condition: str
    attempts: int
    failed_at: str

    @classmethod
    def of(cls, message: dict[str, Any]) -> StreamFailure:
        body = json.loads(message["Body"])
        info = body[BATCH_INFO]
        context = body.get("requestContext", {})
        return cls(
            message_id=message["MessageId"],
            receipt_handle=message["ReceiptHandle"],
            stream_arn=info["streamArn"],
            shard_id=info["shardId"],
            start=info["startSequenceNumber"],
            end=info["endSequenceNumber"],
            batch_size=int(info.get("batchSize", 0)),
            condition=str(context.get("condition", "?")),
            attempts=int(context.get("approximateInvokeCount", 0)),
            failed_at=str(body.get("timestamp", "")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "shard_id": self.shard_id,
            "start_sequence_number": self.start,
            "end_sequence_number": self.end,
            "batch_size": self.batch_size,
            "condition": self.condition,
            "attempts": self.attempts,
            "failed_at": self.failed_at,
        }


@dataclass
class Replay:
    """What a replay did, by failure message id."""

    replayed: dict[str, int] = field(default_factory=dict)  # records handed over and taken
    expired: list[str] = field(default_factory=list)  # the stream no longer has the records
    failed: dict[str, str] = field(default_factory=dict)  # why (the message stays)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.expired or self.failed or self.missing)


class StreamFailures:
    """One service's stream-failures queue, the stream it is about, and the function to replay
    through."""

    def __init__(
        self,
        sqs: Any,
        streams: Any,
        queue_url: str,
        invoke: Invoke,
        visibility_s: int = 60,
        wait_s: int = 0,
    ) -> None:
        self.sqs = sqs
        self.streams = streams
        self.queue_url = queue_url
        self.invoke = invoke
        self.visibility_s = visibility_s
        self.wait_s = wait_s

    @classmethod
    def of(cls, location: Location, service: str, invoke: Invoke | None = None) -> StreamFailures:
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}: one of {', '.join(SERVICES)}")
        sqs = location.client("sqs")
        url = location.stream_failure_urls.get(service) or str(
            sqs.get_queue_url(
                QueueName=RESOURCES.table_of(service).stream_failures_name(location.stage)
            )["QueueUrl"]
        )
        return cls(
            sqs,
            location.client("dynamodbstreams"),
            url,
            invoke or _invoker(location, service),
            wait_s=location.wait_s,
        )

    def failures(self) -> list[StreamFailure]:
        """Every message of the queue, oldest first; they stay where they are."""
        found = [StreamFailure.of(m) for m in self._receive()]
        release(self.sqs, self.queue_url, [f.receipt_handle for f in found])
        return found

    def records(self, failure: StreamFailure) -> list[dict[str, Any]] | None:
        """The failed records, as Lambda hands them over (None: trimmed from the stream)."""
        try:
            iterator = self.streams.get_shard_iterator(
                StreamArn=failure.stream_arn,
                ShardId=failure.shard_id,
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                SequenceNumber=failure.start,
            )["ShardIterator"]
        except self.streams.exceptions.TrimmedDataAccessException:
            return None
        except self.streams.exceptions.ResourceNotFoundException:
            return None
        end = int(failure.end)
        found: list[dict[str, Any]] = []
        while iterator:
            response = self.streams.get_records(ShardIterator=iterator, Limit=100)
            for record in response["Records"]:
                if int(record["dynamodb"]["SequenceNumber"]) > end:
                    return found
                found.append(lambda_record(record, failure.stream_arn))
            if not response["Records"]:
                break
            iterator = response.get("NextShardIterator")
        return found

    def replay(self, message_ids: Iterable[str] | None = None) -> Replay:
        """Hand the chosen failures' records (None: all) to the stream function again."""
        chosen = None if message_ids is None else list(dict.fromkeys(message_ids))
        report = Replay()
        received = [StreamFailure.of(m) for m in self._receive()]
        pending = {f.message_id: f.receipt_handle for f in received}  # released at the end
        try:
            for failure in received:
                if chosen is not None and failure.message_id not in chosen:
                    continue
                records = self.records(failure)
                if not records:
                    report.expired.append(failure.message_id)
                    continue
                try:
                    result = self.invoke({"Records": records})
                except Exception as exc:
                    report.failed[failure.message_id] = f"{type(exc).__name__}: {exc}"
                    continue
                left = (result or {}).get("batchItemFailures") or []
                if left:
                    report.failed[failure.message_id] = f"{len(left)} record(s) failed again"
                    continue
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=failure.receipt_handle
                )
                del pending[failure.message_id]
                report.replayed[failure.message_id] = len(records)
        finally:
            release(self.sqs, self.queue_url, list(pending.values()))
        found = {f.message_id for f in received}
        report.missing = [m for m in chosen or [] if m not in found]
        return report

    def _receive(self) -> list[dict[str, Any]]:
        return receive_all(
            self.sqs, self.queue_url, visibility_s=self.visibility_s, wait_s=self.wait_s
        )


def _invoker(location: Location, service: str) -> Invoke:
    """The service's stream function: through the local gateway, or on AWS through Lambda."""
    if location.gateway_url:
        import urllib.request

        url = f"{location.gateway_url}/_local/functions/{service}/{STREAM_FUNCTION}"

        def local(event: dict[str, Any]) -> dict[str, Any]:
            request = urllib.request.Request(  # noqa: S310 - the local stack's own gateway
                url,
                data=json.dumps(event).encode(),
                method="POST",
                headers={"Content-Type": "application/json", **location.function_headers},
            )
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                result: dict[str, Any] = json.loads(answer.read() or b"{}")
            return result

        return local

    lambda_client = location.client("lambda")
    dynamodb = location.client("dynamodb")

    def on_aws(event: dict[str, Any]) -> dict[str, Any]:
        table = dynamodb.describe_table(TableName=location.table(service))["Table"]
        mappings = lambda_client.list_event_source_mappings(
            EventSourceArn=table["LatestStreamArn"]
        )["EventSourceMappings"]
        if not mappings:
            raise LookupError(f"no function reads the stream of {table['TableName']}")
        answer = lambda_client.invoke(
            FunctionName=mappings[0]["FunctionArn"], Payload=json.dumps(event).encode()
        )
        payload = answer["Payload"].read()
        if answer.get("FunctionError"):
            raise RuntimeError(f"the function failed: {payload[:500]!r}")
        result: dict[str, Any] = json.loads(payload or b"{}")
        return result

    return on_aws
