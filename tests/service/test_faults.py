"""Faults in event delivery, with the real handlers and Lambda's batch semantics (infra/local/pump).

- A batch of which half fails: exactly the failed messages come back (``batchItemFailures``),
  the others are applied once; once the cause is gone the failed ones are applied too, once.
- The stream pump restarted mid-stream: resumed from its checkpoint it loses nothing; restarted
  from an older one (its progress lost) it publishes every event again, and still each event
  takes effect once (notify's notifications, intake's statistics).
- A queue consumer that dies after applying a batch but before deleting it: the batch comes back
  and nothing happens twice.

Covered elsewhere, not repeated here: duplicate delivery, a poison message to the DLQ while the
rest flow, a stream batch rewinding to its first failure (tests/service/test_events.py); SES and
SNS throttling retried then sent once, a poison message in a batch (tests/service/test_notify.py);
post-office 503s retried into one shipment (tests/service/test_delivery.py); parallel and
duplicate IPNs settling once (tests/service/test_payment.py, tests/e2e/test_payment_flow.py);
a poison message fixed and redriven (tests/service/test_redrive.py); two officers at once and
concurrent acceptances (tests/service/test_concurrency.py).
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
import pytest
from chalice.test import Client

from infra.local import pump as pump_module
from infra.local.apps import load_app
from infra.local.bootstrap import Stack
from infra.local.pump import QueuePoller, StreamPoller
from infra.resources import RESOURCES
from motcua_shared.timeutil import VN_TZ
from tests.service.conftest import Pump
from tests.service.test_events import outbox_events
from tests.service.test_intake_dossiers import Auth, act, applicant, submitted
from tests.service.test_notify import Person, emails_to, event, records, sample_events, sms_to

# A working day of this module's own: the statistics of that day are its dossiers'.
DAY = datetime(2026, 9, 16, 9, 30, tzinfo=VN_TZ)


def depth(url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(v) for v in attributes.values())


@dataclass(frozen=True)
class OwnQueue:
    """An event queue with its DLQ (maxReceiveCount as in infra/resources.py) of one test's own:
    nothing of other tests in it, none of its messages for them. (Purging the shared queues is
    not an option: SQS allows one purge a minute.)"""

    url: str
    arn: str
    dlq_url: str

    def poller(self, handler: Any, client: Any = None, batch_size: int = 10) -> QueuePoller:
        sqs = client or boto3.client("sqs")
        return QueuePoller(sqs, self.url, self.arn, handler, batch_size=batch_size, wait_s=0)

    def send(self, body: str) -> str:
        answer = boto3.client("sqs").send_message(QueueUrl=self.url, MessageBody=body)
        return str(answer["MessageId"])


@contextmanager
def own_queue(consumer: str = "notify") -> Iterator[OwnQueue]:
    sqs = boto3.client("sqs")
    name = f"test-{consumer}-{uuid.uuid4().hex[:10]}"
    dlq_url = sqs.create_queue(QueueName=name + "-dlq")["QueueUrl"]
    policy = {
        "deadLetterTargetArn": arn_of(dlq_url),
        "maxReceiveCount": str(RESOURCES.queue_of(consumer).max_receive_count),
    }
    url = sqs.create_queue(
        QueueName=name,
        Attributes={"VisibilityTimeout": "180", "RedrivePolicy": json.dumps(policy)},
    )["QueueUrl"]
    try:
        yield OwnQueue(url, arn_of(url), dlq_url)
    finally:
        for queue_url in (url, dlq_url):
            sqs.delete_queue(QueueUrl=queue_url)


def arn_of(url: str) -> str:
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


class Recording:
    """A queue handler that remembers what it was given and what it answered."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.events: list[dict[str, Any]] = []
        self.results: list[Any] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        result = self.handler(event, context)
        self.results.append(result)
        return result


def notify_handler() -> Any:
    app = load_app("notify").app
    source = next(s for s in app.event_sources if hasattr(s, "queue"))
    return app.handler_map[source.name]


@pytest.fixture
def notify_queue(aws: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[OwnQueue]:
    """A queue of the test's own that notify consumes; a failed message is retried at once."""
    monkeypatch.setattr(pump_module, "LOCAL_RETRY_DELAY_S", 0)
    with own_queue("notify") as queue:
        yield queue


def test_half_a_batch_failing_returns_only_those_and_loses_nothing(
    aws: Stack, notify_queue: OwnQueue
) -> None:
    service = load_app("notify").service
    known: list[tuple[Person, str]] = [(Person(), str(uuid.uuid4())) for _ in range(5)]
    unknown: list[tuple[Person, str]] = [(Person(), str(uuid.uuid4())) for _ in range(5)]
    sent: dict[str, str] = {}  # message id -> dossier
    for (p1, d1), (p2, d2) in zip(known, unknown, strict=True):
        accepted = event("dossier.accepted", d1, sample_events(d1, p1)["dossier.accepted"])
        paid = event("payment.succeeded", d2, sample_events(d2, p2)["payment.succeeded"])
        for envelope, dossier_id in ((accepted, d1), (paid, d2)):  # interleaved
            sent[notify_queue.send(envelope.model_dump_json())] = dossier_id
    recording = Recording(notify_handler())
    poller = notify_queue.poller(recording)

    assert poller.poll_once()
    [batch] = recording.events
    assert len(batch["Records"]) == 10
    failed = {f["itemIdentifier"] for f in recording.results[0]["batchItemFailures"]}
    unknown_ids = {d for _, d in unknown}
    assert failed == {m for m, d in sent.items() if d in unknown_ids}
    for person, dossier_id in known:  # applied, once
        assert len(emails_to(person.email)) == 1
        assert len(records(service, dossier_id)) == 2
    assert depth(notify_queue.url) == 5  # the failed ones wait to be retried: none lost
    assert depth(notify_queue.dlq_url) == 0

    # The cause goes away (notify learns the dossiers); the failed five are applied, once.
    for person, dossier_id in unknown:
        fee = sample_events(dossier_id, person)["dossier.fee_requested"]
        service.apply_event(event("dossier.fee_requested", dossier_id, fee), fee)
    while poller.poll_once():
        pass
    retried = Counter(r["messageId"] for e in recording.events[1:] for r in e["Records"])
    assert set(retried) == failed
    for person, dossier_id in unknown:
        templates = {n.template_id for n in records(service, dossier_id)}
        assert "payment.succeeded.email.citizen" in templates
        assert len(emails_to(person.email)) == 2  # the fee request and the payment
    for person, _ in known:
        assert len(emails_to(person.email)) == 1
    assert depth(notify_queue.url) == depth(notify_queue.dlq_url) == 0


@pytest.fixture
def intake_day(intake: Client) -> Iterator[Any]:
    service = load_app("intake").service
    original = service.clock
    service.clock = lambda: DAY
    yield service
    service.clock = original


def test_a_restarted_stream_pump_loses_nothing_and_repeats_no_effect(
    aws: Stack,
    pump: Pump,
    intake: Client,
    auth: Auth,
    intake_day: Any,
    notify_queue: OwnQueue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib.intake.domain import stats
    from tests.service.test_intake_stats import all_dossiers, same

    # Intake announces to this test's queue what it would send notify (and nothing elsewhere).
    intake_service = load_app("intake").service  # publish_events reads its settings when called
    routes = {
        event_type: [notify_queue.url] if "notify" in subscribers else []
        for event_type, subscribers in RESOURCES.routes.items()
    }
    monkeypatch.setattr(
        intake_service,
        "settings",
        dataclasses.replace(intake_service.settings, event_routes=routes),
    )

    shared = pump.stream("intake")
    streams = boto3.client("dynamodbstreams")
    arn = aws.stream_arns["dossiers"]
    before_test = stream_head(streams, arn, shared.checkpoints)

    people = [Person() for _ in range(3)]
    dossiers = []
    for n, person in enumerate(people):
        contact = applicant(email=person.email, phone=person.phone_local)
        dossier = submitted(intake, auth, applicant=contact)
        if n < 2:
            assert act(intake, auth, "desk1", dossier["id"], "accept")[0] == 200
        dossiers.append(dossier["id"])
    announced = {d: outbox_events(d) for d in dossiers}
    for_notify = {
        e["id"]: d
        for d, events in announced.items()
        for e in events
        if "notify" in RESOURCES.subscribers(e["type"])
    }
    assert len(for_notify) == 5  # three submissions, two acceptances

    first = StreamPoller(streams, arn, shared.handler, batch_size=2)
    first.checkpoints = dict(before_test)
    assert first.poll_once()
    assert first.poll_once()  # two batches handled; then this pump stops
    assert first.checkpoints != before_test
    # A new pump resumes from the checkpoint: the rest, nothing lost.
    resumed = StreamPoller(streams, arn, shared.handler, batch_size=3)
    resumed.checkpoints = dict(first.checkpoints)
    while resumed.poll_once():
        pass
    # Another starts from before the first one's progress (as if its checkpoint was lost):
    # every record is handled again and every event published a second time.
    replayed = StreamPoller(streams, arn, shared.handler, batch_size=5)
    replayed.checkpoints = dict(before_test)
    while replayed.poll_once():
        pass
    assert replayed.checkpoints == resumed.checkpoints
    # (The shared pump publishes these records once more later on: harmless, as shown here.)

    recording = Recording(notify_handler())
    consumer = notify_queue.poller(recording)
    while consumer.poll_once():
        pass
    delivered = Counter(json.loads(r["body"])["id"] for e in recording.events for r in e["Records"])
    assert delivered == dict.fromkeys(for_notify, 2)  # all there, each published twice
    assert all(not r.get("batchItemFailures") for r in recording.results)

    service = load_app("notify").service
    for person, dossier_id in zip(people, dossiers, strict=True):
        events = [e for e, d in for_notify.items() if d == dossier_id]
        notifications = records(service, dossier_id)
        citizen = [n for n in notifications if n.recipient in (person.email, person.phone)]
        assert len(citizen) == 2 * len(events)  # an e-mail and an SMS per event
        assert len(emails_to(person.email)) == len(events)  # each sent once
        assert len(sms_to(person.phone)) == len(events)
        assert all(n.attempts == 1 for n in notifications)

    # The statistics (counted from the same stream, twice here) count each change once.
    day = DAY.date()
    counted = intake_day.statistics(day, day, None).to_dict()
    recomputed = stats.recompute(all_dossiers(), day, day, None, intake_day.calendar()).to_dict()
    same(counted, recomputed)


def stream_head(streams: Any, arn: str, after: dict[str, str]) -> dict[str, str]:
    """The last sequence number of each shard: where a pump that has handled everything stands
    (found by reading only, so that what other tests left unpublished stays for the shared pump).
    """
    head = dict(after)
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        shard_id = shard["ShardId"]
        params: dict[str, Any] = {"StreamArn": arn, "ShardId": shard_id}
        if shard_id in head:
            params.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=head[shard_id])
        else:
            params.update(ShardIteratorType="TRIM_HORIZON")
        iterator = streams.get_shard_iterator(**params)["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            if not page["Records"]:
                break
            head[shard_id] = page["Records"][-1]["dynamodb"]["SequenceNumber"]
            iterator = page.get("NextShardIterator")
    return head


class DiesBeforeDeleting:
    """An SQS client whose pump dies after the handler ran, before the batch was deleted; the
    messages it received come back after one second (their visibility timeout)."""

    def __init__(self, sqs: Any) -> None:
        self.sqs = sqs

    def receive_message(self, **kwargs: Any) -> Any:
        return self.sqs.receive_message(**kwargs, VisibilityTimeout=1)

    def delete_message_batch(self, **kwargs: Any) -> Any:
        raise RuntimeError("the pump died")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sqs, name)


def test_a_queue_pump_dying_before_deleting_its_batch_repeats_no_effect(
    aws: Stack, notify_queue: OwnQueue
) -> None:
    service = load_app("notify").service
    sqs = boto3.client("sqs")
    people = [(Person(), str(uuid.uuid4())) for _ in range(3)]
    for person, dossier_id in people:
        accepted = event(
            "dossier.accepted", dossier_id, sample_events(dossier_id, person)["dossier.accepted"]
        )
        notify_queue.send(accepted.model_dump_json())
    dying = notify_queue.poller(notify_handler(), client=DiesBeforeDeleting(sqs))
    with pytest.raises(RuntimeError, match="the pump died"):
        dying.poll_once()
    for person, _ in people:
        assert len(emails_to(person.email)) == 1  # applied before the pump died
    assert depth(notify_queue.url) == 3  # not deleted: they will come back

    time.sleep(1.2)
    recording = Recording(notify_handler())
    fresh = notify_queue.poller(recording)
    while fresh.poll_once():
        pass
    assert sum(len(e["Records"]) for e in recording.events) == 3  # delivered again
    for person, dossier_id in people:
        assert len(emails_to(person.email)) == 1
        assert len(sms_to(person.phone)) == 1
        assert len(records(service, dossier_id)) == 2
    assert depth(notify_queue.url) == depth(notify_queue.dlq_url) == 0
