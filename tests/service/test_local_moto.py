"""infra/local/motofix.py changes how long moto takes, never what it answers: a cancelled
transaction leaves no trace (items nor stream records), a query reads its partition in order
and by pages, a FIFO queue still deduplicates by content."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from infra.local.bootstrap import Stack


@pytest.fixture
def table(aws: Stack) -> Iterator[str]:
    name = f"motofix-{uuid.uuid4().hex[:8]}"
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    yield name
    dynamodb.delete_table(TableName=name)


def stream_records(table: str) -> list[dict[str, Any]]:
    arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return list(streams.get_records(ShardIterator=iterator)["Records"])


def everything(table: str) -> list[dict[str, Any]]:
    return sorted(
        boto3.client("dynamodb").scan(TableName=table)["Items"],
        key=lambda i: (i["pk"]["S"], i["sk"]["S"]),
    )


def test_a_cancelled_transaction_leaves_no_trace(table: str) -> None:
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "A"}, "sk": {"S": "1"}, "n": {"N": "1"}})
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "B"}, "sk": {"S": "1"}, "n": {"N": "5"}})
    before, records = everything(table), len(stream_records(table))

    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Update": {  # applied by moto, then to be undone
                        "TableName": table,
                        "Key": {"pk": {"S": "A"}, "sk": {"S": "1"}},
                        "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {"Put": {"TableName": table, "Item": {"pk": {"S": "C"}, "sk": {"S": "1"}}}},
                {"Delete": {"TableName": table, "Key": {"pk": {"S": "B"}, "sk": {"S": "1"}}}},
                {
                    "Put": {  # fails: A's marker exists
                        "TableName": table,
                        "Item": {"pk": {"S": "A"}, "sk": {"S": "2"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert everything(table) == before
    assert len(stream_records(table)) == records

    dynamodb.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": {"pk": {"S": "A"}, "sk": {"S": "1"}},
                    "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            {"Put": {"TableName": table, "Item": {"pk": {"S": "C"}, "sk": {"S": "1"}}}},
        ]
    )
    items = {(i["pk"]["S"], i["sk"]["S"]): i for i in everything(table)}
    assert set(items) == {("A", "1"), ("B", "1"), ("C", "1")}
    assert items["A", "1"]["n"] == {"N": "2"}
    assert [r["eventName"] for r in stream_records(table)[records:]] == ["MODIFY", "INSERT"]


def test_a_query_reads_its_partition_in_order_and_by_pages(table: str) -> None:
    dynamodb = boto3.client("dynamodb")
    for pk in ("A", "B", "C"):
        for sk in ("3", "1", "2", "5", "4"):
            dynamodb.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": sk}})
    pages, start = [], None
    while True:
        page = dynamodb.query(
            TableName=table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "B"}},
            Limit=2,
            ScanIndexForward=False,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        pages.append([i["sk"]["S"] for i in page["Items"]])
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert [sk for page in pages for sk in page] == ["5", "4", "3", "2", "1"]
    assert all(len(page) <= 2 for page in pages)
    none = dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "Z"}},
    )
    assert none["Items"] == []


def test_queues_still_deduplicate_and_count(aws: Stack) -> None:
    sqs = boto3.client("sqs")
    name = uuid.uuid4().hex[:8]
    fifo = sqs.create_queue(
        QueueName=f"motofix-{name}.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    for _ in range(2):
        sqs.send_message(QueueUrl=fifo, MessageBody="same", MessageGroupId="g")
    without = sqs.create_queue(
        QueueName=f"motofix-{name}-plain.fifo", Attributes={"FifoQueue": "true"}
    )["QueueUrl"]
    with pytest.raises(ClientError):  # neither content deduplication nor an id
        sqs.send_message(QueueUrl=without, MessageBody="x", MessageGroupId="g")
    standard = sqs.create_queue(QueueName=f"motofix-{name}")["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=standard, MessageBody=f"m{n}")

    def count(url: str) -> str:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
        return str(attributes["Attributes"]["ApproximateNumberOfMessages"])

    assert count(fifo) == "1"
    assert count(standard) == "3"
    attributes = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]
    assert attributes["ContentBasedDeduplication"] == "true"


def test_the_patched_moto_is_the_one_the_patches_were_checked_with() -> None:
    """A moto upgrade runs unpatched (slower, same answers) until motofix is checked against it:
    this fails first, so that nobody loses the speed without noticing."""
    import moto

    from infra.local import motofix

    assert moto.__version__ == motofix.WRITTEN_FOR
