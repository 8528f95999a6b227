"""Looking at a queue's messages without taking them: receive them all (up to a limit) with a
visibility timeout, then make them visible again (or delete those dealt with)."""

from __future__ import annotations

from typing import Any


def receive_all(
    sqs: Any, queue_url: str, *, limit: int = 1000, visibility_s: int = 30, wait_s: int = 0
) -> list[dict[str, Any]]:
    """Every message of the queue (up to ``limit``), oldest first; each is hidden for
    ``visibility_s`` (release it with :func:`release`)."""
    seen: dict[str, dict[str, Any]] = {}
    while len(seen) < limit:
        messages = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=visibility_s,
            WaitTimeSeconds=wait_s,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        new = [m for m in messages if m["MessageId"] not in seen]
        for message in messages:  # the latest receipt handle is the one that counts
            seen[message["MessageId"]] = message
        if not new:
            break
    return sorted(seen.values(), key=lambda m: int(m.get("Attributes", {}).get("SentTimestamp", 0)))


def release(sqs: Any, queue_url: str, receipt_handles: list[str]) -> None:
    """Make received messages visible again at once."""
    for start in range(0, len(receipt_handles), 10):
        sqs.change_message_visibility_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                for i, handle in enumerate(receipt_handles[start : start + 10])
            ],
        )
