"""A stream record the publisher keeps failing on is not lost and does not hold up the others.

Intake's stream reader retries a record ``stream_max_retries`` times; then the record's place in
the stream goes to the dossiers table's stream-failures queue (what Lambda's on-failure
destination receives) and the records after it are published. Once the cause is fixed, the
operator's replay (``python -m infra.ops streams replay``) hands the record to the same function
again: its event reaches the subscriber once, and the failure message is gone.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client

from infra.local.apps import load_app
from infra.local.bootstrap import Stack
from infra.local.pump import StreamPoller
from infra.ops.streams import StreamFailures
from infra.resources import RESOURCES
from tests.service.test_faults import OwnQueue, own_queue, stream_head
from tests.service.test_intake_dossiers import Auth, act, submitted

DOSSIERS = RESOURCES.table_of("intake")


def published(queue: OwnQueue) -> Counter[tuple[str, str]]:
    """How many distinct events of each (event type, dossier id) the queue holds (taken out of
    it). A record retried after one before it in its batch failed is published again, as on
    Lambda: the same event, which consumers apply once."""
    sqs = boto3.client("sqs")
    seen: dict[tuple[str, str], set[str]] = {}
    while True:
        answer = sqs.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10)
        if not answer.get("Messages"):
            return Counter({key: len(ids) for key, ids in seen.items()})
        for message in answer["Messages"]:
            body = json.loads(message["Body"])
            seen.setdefault((body["type"], body["dossier_id"]), set()).add(body["id"])
            sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def queues() -> Iterator[tuple[OwnQueue, OwnQueue]]:
    """A queue that works, and one that is gone (an outage longer than the retries) until the
    test creates it again."""
    sqs = boto3.client("sqs")
    with own_queue("notify") as good, own_queue("notify") as broken:
        sqs.delete_queue(QueueUrl=broken.url)
        try:
            yield good, broken
        finally:  # there again for own_queue to delete
            sqs.create_queue(QueueName=broken.url.rsplit("/", 1)[-1])


def test_a_record_given_up_on_waits_in_the_failures_queue_and_is_replayed_once(
    aws: Stack,
    intake: Client,
    auth: Auth,
    queues: tuple[OwnQueue, OwnQueue],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good, broken = queues
    sqs = boto3.client("sqs")
    streams = boto3.client("dynamodbstreams")
    arn = aws.stream_arns[DOSSIERS.logical_name]
    failures_url = aws.stream_failure_urls["intake"]
    app = load_app("intake")
    handler = app.app.handler_map["publish_events"]
    routes = {"dossier.submitted": [good.url], "dossier.accepted": [broken.url]}
    intake_service = app.service  # publish_events reads its settings when called
    monkeypatch.setattr(
        intake_service,
        "settings",
        dataclasses.replace(intake_service.settings, event_routes=routes),
    )

    reader = StreamPoller(streams, arn, handler, failures=(sqs, failures_url))
    reader.checkpoints = stream_head(streams, arn, {})
    first = submitted(intake, auth)
    assert act(intake, auth, "desk1", first["id"], "accept")[0] == 200
    second = submitted(intake, auth)
    for _ in range(DOSSIERS.stream_max_retries + 10):  # a poll per attempt, then the rest
        reader.poll_once()

    # The submissions, before and after the failed record, were published; the acceptance waits,
    # by its place in the stream.
    assert published(good) == {
        ("dossier.submitted", first["id"]): 1,
        ("dossier.submitted", second["id"]): 1,
    }
    operator = StreamFailures(sqs, streams, failures_url, invoke=lambda e: handler(e, None))
    (failure,) = operator.failures()
    assert failure.batch_size == 1
    assert failure.attempts == DOSSIERS.stream_max_retries + 1
    (record,) = operator.records(failure) or []
    assert record["dynamodb"]["NewImage"]["pk"]["S"] == "DOSSIER#" + first["id"]

    # Fixed: the queue is back. The replay publishes the acceptance, once, and nothing else.
    sqs.create_queue(QueueName=broken.url.rsplit("/", 1)[-1])
    report = operator.replay()
    assert report.replayed == {failure.message_id: 1}
    assert report.complete
    assert operator.failures() == []
    assert published(broken) == {("dossier.accepted", first["id"]): 1}
    assert published(good) == Counter()
    assert operator.replay().replayed == {}  # nothing left to do


def test_a_replay_says_what_it_did_not_find(aws: Stack) -> None:
    def never(event: dict[str, Any]) -> dict[str, Any]:
        raise AssertionError("nothing to hand over")

    sqs, streams = boto3.client("sqs"), boto3.client("dynamodbstreams")
    operator = StreamFailures(sqs, streams, aws.stream_failure_urls["payment"], invoke=never)
    report = operator.replay(["no-such-message"])
    assert report.missing == ["no-such-message"]
    assert not report.complete
