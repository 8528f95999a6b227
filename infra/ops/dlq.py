"""Dead-letter queues: what sits in one and why, and moving messages back once the cause is fixed.

A dead-lettered message carries no reason of its own: each consumer records why a message failed
in its own table (``motcua_shared.inbox.FailureLog``, keyed by the SQS message id, which the
message keeps when SQS moves it to the dead-letter queue). Listing receives the messages with a
short visibility timeout and releases them at once; moving one back sends the same body (and
attributes) to the service's queue and deletes it from the dead-letter queue only after that send
succeeded, so a message is never lost (at worst, if the delete fails, it is in both queues, and
the consumers are idempotent).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.ops.queues import receive_all, release
from infra.resources import RESOURCES, SERVICES
from motcua_shared.inbox import Failure, FailureLog

ROOT = Path(__file__).resolve().parents[2]
NOT_RECORDED = "(no failure recorded)"


@dataclass(frozen=True)
class Location:
    """Where the queues and tables of one motcua stage are."""

    region: str
    stage: str
    endpoint: str | None = None
    queue_urls: dict[str, str] = field(default_factory=dict)  # consumer -> queue URL
    dlq_urls: dict[str, str] = field(default_factory=dict)  # consumer -> DLQ URL
    tables: dict[str, str] = field(default_factory=dict)  # logical name -> table name
    stream_failure_urls: dict[str, str] = field(default_factory=dict)  # service -> queue URL
    gateway_url: str | None = None  # the local stack's gateway (functions invoked through it)
    # what the gateway's /_local/functions asks of a caller: the run's secret, in a header
    function_headers: dict[str, str] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    wait_s: int = 0  # SQS long polling while listing (AWS answers empty short polls at times)

    @classmethod
    def from_stack_file(cls, path: Path) -> Location:
        """The local stack, from the ``stack.json`` that ``make run`` writes."""
        state = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            region=state["region"],
            stage=state.get("stage", "local"),
            endpoint=state.get("aws_endpoint"),
            queue_urls=dict(state["queues"]),
            dlq_urls=dict(state["dead_letter_queues"]),
            tables=dict(state["tables"]),
            stream_failure_urls=dict(state.get("stream_failures", {})),
            gateway_url=state.get("gateway_url"),
            function_headers=dict(state.get("local_functions", {}).get("headers", {})),
            credentials={"aws_access_key_id": "local", "aws_secret_access_key": "local"},
        )

    @classmethod
    def from_environment(cls, stage: str, region: str, endpoint: str | None) -> Location:
        """A deployment: names from infra/resources.py, credentials from the environment."""
        return cls(region=region, stage=stage, endpoint=endpoint, wait_s=0 if endpoint else 2)

    def client(self, service_name: str) -> Any:
        import boto3

        return boto3.session.Session(region_name=self.region, **self.credentials).client(
            service_name, endpoint_url=self.endpoint
        )

    def queue_url(self, sqs: Any, service: str, dead_letter: bool) -> str:
        known = (self.dlq_urls if dead_letter else self.queue_urls).get(service)
        if known:
            return known
        queue = RESOURCES.queue_of(service)
        name = queue.dlq_name(self.stage) if dead_letter else queue.name(self.stage)
        return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def table(self, service: str) -> str:
        table = RESOURCES.table_of(service)
        return self.tables.get(table.logical_name) or table.name(self.stage)


@dataclass
class DeadLetter:
    """One message in a dead-letter queue, with what its consumer recorded about it."""

    message_id: str
    body: str
    receipt_handle: str
    dlq_receive_count: int
    sent_at: int = 0  # epoch milliseconds
    attributes: dict[str, Any] = field(default_factory=dict)  # message attributes
    failure: Failure | None = None

    @property
    def envelope(self) -> dict[str, Any]:
        try:
            parsed = json.loads(self.body)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}

    @property
    def event_type(self) -> str:
        return str(self.envelope.get("type") or (self.failure and self.failure.event_type) or "?")

    @property
    def dossier_id(self) -> str:
        return str(
            self.envelope.get("dossier_id") or (self.failure and self.failure.dossier_id) or "?"
        )

    @property
    def receive_count(self) -> int:
        """How often the consumer got it (what it recorded, else what the DLQ reports)."""
        if self.failure is not None and self.failure.receive_count is not None:
            return self.failure.receive_count
        return self.dlq_receive_count

    @property
    def first_reason(self) -> str:
        return self.failure.first_reason if self.failure else NOT_RECORDED

    def to_dict(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "event_type": self.event_type,
            "event_id": self.envelope.get("id"),
            "dossier_id": self.dossier_id,
            "receive_count": self.receive_count,
            "first_reason": self.first_reason,
            "first_failed_at": self.failure.first_at if self.failure else None,
            "last_reason": self.failure.last_reason if self.failure else None,
            "last_failed_at": self.failure.last_at if self.failure else None,
            "failures": self.failure.failures if self.failure else None,
        }


@dataclass
class Redrive:
    """What a redrive did: moved (DLQ message id → new message id), not found, not moved."""

    moved: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # message id -> why (still in the DLQ)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.failed


class DeadLetterQueue:
    """One service's dead-letter queue, its source queue and its consumer's failure records."""

    def __init__(
        self,
        sqs: Any,
        dlq_url: str,
        source_url: str,
        failures: FailureLog,
        visibility_s: int = 30,
        wait_s: int = 0,
        limit: int = 1000,
    ) -> None:
        self.sqs = sqs
        self.dlq_url = dlq_url
        self.source_url = source_url
        self.failures = failures
        self.visibility_s = visibility_s  # how long a listing holds the messages at most
        self.wait_s = wait_s
        self.limit = limit

    @classmethod
    def of(cls, location: Location, service: str) -> DeadLetterQueue:
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}: one of {', '.join(SERVICES)}")
        sqs = location.client("sqs")
        return cls(
            sqs,
            dlq_url=location.queue_url(sqs, service, dead_letter=True),
            source_url=location.queue_url(sqs, service, dead_letter=False),
            failures=FailureLog(location.table(service), client=location.client("dynamodb")),
            wait_s=location.wait_s,
        )

    def messages(self) -> list[DeadLetter]:
        """Every message of the dead-letter queue (up to ``limit``), oldest first, with its
        recorded failure; the messages stay where they are."""
        letters = self._receive()
        try:
            recorded = self.failures.get([letter.message_id for letter in letters])
            for letter in letters:
                letter.failure = recorded.get(letter.message_id)
        finally:
            self._release(letters)
        return letters

    def redrive(self, message_ids: Iterable[str] | None = None) -> Redrive:
        """Move the chosen messages (None: all) back to the service's queue."""
        chosen = None if message_ids is None else list(dict.fromkeys(message_ids))
        letters = self._receive()
        report = Redrive()
        wanted = [m for m in letters if chosen is None or m.message_id in chosen]
        kept = [m for m in letters if chosen is not None and m.message_id not in chosen]
        try:
            for letter in wanted:
                try:
                    sent = self.sqs.send_message(
                        QueueUrl=self.source_url,
                        MessageBody=letter.body,
                        **({"MessageAttributes": letter.attributes} if letter.attributes else {}),
                    )
                except Exception as exc:  # not sent: it stays in the dead-letter queue
                    report.failed[letter.message_id] = f"{type(exc).__name__}: {exc}"
                    kept.append(letter)
                    continue
                report.moved[letter.message_id] = str(sent["MessageId"])
                try:
                    self.sqs.delete_message(
                        QueueUrl=self.dlq_url, ReceiptHandle=letter.receipt_handle
                    )
                except Exception as exc:  # sent but still here too: consumers are idempotent
                    report.failed[letter.message_id] = (
                        f"moved, but not deleted from the dead-letter queue: {exc}"
                    )
        finally:
            self._release(kept)
        found = {m.message_id for m in letters}
        report.missing = [m for m in chosen or [] if m not in found]
        return report

    def _receive(self) -> list[DeadLetter]:
        received = receive_all(
            self.sqs,
            self.dlq_url,
            limit=self.limit,
            visibility_s=self.visibility_s,
            wait_s=self.wait_s,
        )
        return [_dead_letter(message) for message in received]

    def _release(self, letters: list[DeadLetter]) -> None:
        release(self.sqs, self.dlq_url, [letter.receipt_handle for letter in letters])


def _dead_letter(message: dict[str, Any]) -> DeadLetter:
    system = message.get("Attributes", {})
    attributes = {}
    for name, value in message.get("MessageAttributes", {}).items():
        kept = {k: value[k] for k in ("DataType", "StringValue", "BinaryValue") if k in value}
        attributes[name] = kept
    return DeadLetter(
        message_id=message["MessageId"],
        body=message["Body"],
        receipt_handle=message["ReceiptHandle"],
        dlq_receive_count=int(system.get("ApproximateReceiveCount", 0)),
        sent_at=int(system.get("SentTimestamp", 0)),
        attributes=attributes,
    )


def default_stack_file() -> Path:
    return Path(os.environ.get("MOTCUA_STATE_DIR", ROOT / ".local")) / "stack.json"
