"""Event delivery with Lambda's semantics: outbox → stream → queues; consumers apply each event
once; a poison message ends in the dead-letter queue without holding up the others."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from infra.local.bootstrap import Stack
from infra.local.pump import StreamPoller
from infra.resources import RESOURCES
from motcua_shared.events import new_event
from motcua_shared.events.dossier import Contact, DossierSubmitted
from motcua_shared.timeutil import now
from tests.service.conftest import Pump


def submitted_event(dossier_id: str) -> str:
    data = DossierSubmitted(
        dossier_id=dossier_id,
        procedure_code="MYPHAM-01",
        procedure_name="Công bố mỹ phẩm",
        status="submitted",
        national_status=1,
        actor="citizen1",
        applicant=Contact(full_name="Lê Văn An", phone="0912345678"),
        channel=2,
        submitted_at=now(),
    )
    return new_event(
        "dossier.submitted", source="intake", dossier_id=dossier_id, data=data
    ).model_dump_json()


def inbox(aws: Stack, dossier_id: str) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(
        TableName=aws.tables["notifications"],
        FilterExpression="dossier_id = :d AND begins_with(pk, :p)",
        ExpressionAttributeValues={":d": {"S": dossier_id}, ":p": {"S": "INBOX#"}},
    )["Items"]
    return items


def queue_depth(url: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
        "Attributes"
    ]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


@pytest.fixture
def drained(aws: Stack, pump: Pump, monkeypatch: pytest.MonkeyPatch) -> Pump:
    """Start from empty notify queues, without the messages other modules' tests left in them,
    in flight included (a failing one would come back and reach the DLQ during these tests).
    Emptied by PurgeQueue, which SQS allows once a minute per queue: the limit is lifted for
    this setup only (a test's housekeeping, not the product's)."""
    sqs = boto3.client("sqs")
    with monkeypatch.context() as setup:
        setup.setenv("MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR", "false")
        for url in (aws.queue_urls["notify"], aws.dlq_urls["notify"]):
            sqs.purge_queue(QueueUrl=url)
    return pump


def test_a_duplicate_delivery_is_applied_once(aws: Stack, drained: Pump) -> None:
    body = submitted_event("dup-1")
    sqs = boto3.client("sqs")
    for _ in range(2):
        sqs.send_message(QueueUrl=aws.queue_urls["notify"], MessageBody=body)
    while drained.queue("notify").poll_once():
        pass
    assert len(inbox(aws, "dup-1")) == 1
    assert queue_depth(aws.queue_urls["notify"]) == 0
    assert queue_depth(aws.dlq_urls["notify"]) == 0


def test_poison_message_goes_to_the_dlq_and_the_rest_flow(aws: Stack, drained: Pump) -> None:
    sqs = boto3.client("sqs")
    url = aws.queue_urls["notify"]
    sqs.send_message(QueueUrl=url, MessageBody=submitted_event("flow-1"))
    sqs.send_message(QueueUrl=url, MessageBody='{"this is": "not an event"}')
    sqs.send_message(QueueUrl=url, MessageBody=submitted_event("flow-2"))
    max_receives = RESOURCES.queue_of("notify").max_receive_count
    deadline = time.monotonic() + 4 * max_receives + 10
    while queue_depth(aws.dlq_urls["notify"]) == 0 and time.monotonic() < deadline:
        if not drained.queue("notify").poll_once():
            time.sleep(0.3)
    assert len(inbox(aws, "flow-1")) == 1
    assert len(inbox(aws, "flow-2")) == 1
    dead = sqs.receive_message(QueueUrl=aws.dlq_urls["notify"], AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in dead] == ['{"this is": "not an event"}']
    assert int(dead[0]["Attributes"]["ApproximateReceiveCount"]) > max_receives
    assert queue_depth(url) == 0


def test_stream_batch_failures_rewind_to_the_first_failed_record(aws: Stack) -> None:
    table = aws.tables["payments"]
    dynamodb = boto3.client("dynamodb")
    for n in range(3):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"TEST#{n}"}, "sk": {"S": "x"}})
    seen: list[str] = []
    fail_once = {"TEST#1"}

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        failures = []
        for record in event["Records"]:
            key = record["dynamodb"]["Keys"]["pk"]["S"]
            if not key.startswith("TEST#"):
                continue
            if key in fail_once or failures:
                fail_once.discard(key)
                failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
                continue
            seen.append(key)
        return {"batchItemFailures": failures}

    poller = StreamPoller(boto3.client("dynamodbstreams"), aws.stream_arns["payments"], handler)
    for _ in range(5):
        poller.poll_once()
    assert seen == ["TEST#0", "TEST#1", "TEST#2"]


def test_every_step_of_a_dossier_reaches_notify_in_order(
    aws: Stack, drained: Pump, intake: Any, auth: Any
) -> None:
    from tests.service.test_intake_dossiers import act, submitted

    dossier = submitted(intake, auth)
    act(intake, auth, "desk1", dossier["id"], "accept")
    drained.publish("intake")
    sqs = boto3.client("sqs")
    bodies = []
    for _ in range(5):
        for m in sqs.receive_message(QueueUrl=aws.queue_urls["notify"], MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            bodies.append(json.loads(m["Body"]))
    mine = [b for b in bodies if b["dossier_id"] == dossier["id"]]
    assert [b["type"] for b in mine] == ["dossier.submitted", "dossier.accepted"]
    assert all(b["source"] == "intake" and b["version"] == 1 for b in mine)


def outbox_events(dossier_id: str, table_env: str = "DOSSIERS_TABLE") -> list[dict[str, Any]]:
    """Every event announced about a dossier, in order, read from a table's stream (intake's
    dossiers table unless another is named)."""
    import os

    streams = boto3.client("dynamodbstreams")
    table = boto3.client("dynamodb").describe_table(TableName=os.environ[table_env])["Table"]
    arn = table["LatestStreamArn"]
    events: dict[str, dict[str, Any]] = {}
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            for record in page["Records"]:
                image = record["dynamodb"].get("NewImage", {})
                for body in image.get("outbox", {}).get("L", []):
                    event = json.loads(body["S"])
                    if event["dossier_id"] == dossier_id:
                        events[event["id"]] = event
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return sorted(events.values(), key=lambda e: e["occurred_at"])
