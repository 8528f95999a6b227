"""Operating the dead-letter queues: ``python -m infra.ops dlq list|redrive`` (``make redrive``).

- A message notify cannot apply yet (a payment of a dossier it does not know) fails
  maxReceiveCount times and lands in the dead-letter queue; ``dlq list`` shows its event type,
  dossier, first failure reason and receive count (recorded by ``consume_sqs_batch`` in notify's
  table); once the cause is fixed, ``dlq redrive`` moves it back and it is applied to completion,
  exactly once.
- Only the chosen messages move; a message whose send fails stays in the dead-letter queue.
- The failure record keeps the first reason and the latest one; failing to record never hides
  the message's own failure.

That a poison message goes to the DLQ while the rest flow is tests/service/test_events.py's and
tests/service/test_notify.py's; duplicates applied once are test_events.py's.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.local import pump as pump_module
from infra.local.apps import load_app
from infra.local.bootstrap import Stack
from infra.ops.__main__ import main
from infra.ops.dlq import NOT_RECORDED, DeadLetterQueue, Location
from infra.resources import RESOURCES
from motcua_shared.inbox import FailureLog, consume_sqs_batch
from tests.service.test_faults import OwnQueue, depth, notify_handler, own_queue
from tests.service.test_notify import Person, emails_to, event, records, sample_events, sms_to

MAX_RECEIVES = RESOURCES.queue_of("notify").max_receive_count


@pytest.fixture
def queue(aws: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[OwnQueue]:
    """A queue and DLQ of the test's own that notify consumes; a failed message is retried at
    once (not after the local stack's second)."""
    monkeypatch.setattr(pump_module, "LOCAL_RETRY_DELAY_S", 0)
    with own_queue("notify") as own:
        yield own


@pytest.fixture
def stack_file(aws: Stack, queue: OwnQueue, tmp_path: Path) -> Path:
    """What ``make run`` writes, for the in-process mock AWS (no endpoint: moto intercepts),
    with this test's queue as notify's."""
    path = tmp_path / "stack.json"
    state = {
        "region": aws.region,
        "stage": aws.stage,
        "tables": aws.tables,
        "queues": {**aws.queue_urls, "notify": queue.url},
        "dead_letter_queues": {**aws.dlq_urls, "notify": queue.dlq_url},
    }
    path.write_text(json.dumps(state), encoding="utf-8")
    return path


def ops(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr().out


def drain(queue: OwnQueue) -> None:
    poller = queue.poller(notify_handler())
    while poller.poll_once():
        pass


def send(url: str, body: str) -> str:
    return str(boto3.client("sqs").send_message(QueueUrl=url, MessageBody=body)["MessageId"])


def test_a_poison_message_fixed_and_redriven_is_applied_once(
    aws: Stack, queue: OwnQueue, stack_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = load_app("notify").service
    person, dossier_id = Person(), str(uuid.uuid4())
    samples = sample_events(dossier_id, person)
    payment = event("payment.succeeded", dossier_id, samples["payment.succeeded"])
    message_id = send(queue.url, payment.model_dump_json())

    # Notify does not know the dossier: every attempt fails, then SQS dead-letters it.
    poller = queue.poller(notify_handler())
    for _ in range(3 * MAX_RECEIVES):
        poller.poll_once()
        if depth(queue.dlq_url):
            break
    assert depth(queue.dlq_url) == 1
    assert depth(queue.url) == 0
    assert records(service, dossier_id) == []

    code, out = ops(capsys, "dlq", "list", "--queue", "notify", "--stack", str(stack_file))
    assert code == 0
    assert f"{queue.dlq_url.rsplit('/', 1)[-1]}: 1 message(s)" in out
    assert message_id in out
    assert dossier_id in out
    assert "payment.succeeded" in out
    assert "FactsNotYetKnown: payment.succeeded for dossier" in out
    code, out = ops(
        capsys, "dlq", "list", "--queue", "notify", "--stack", str(stack_file), "--json"
    )
    [listed] = json.loads(out)
    assert listed["message_id"] == message_id
    assert listed["event_type"] == "payment.succeeded"
    assert listed["event_id"] == payment.id
    assert listed["dossier_id"] == dossier_id
    assert listed["receive_count"] == MAX_RECEIVES
    assert listed["failures"] == MAX_RECEIVES
    assert listed["first_reason"].startswith("FactsNotYetKnown: payment.succeeded for dossier")
    assert listed["first_failed_at"] <= listed["last_failed_at"]
    assert depth(queue.dlq_url) == 1  # listing leaves it where it is

    # The cause is fixed: notify hears of the dossier (its fee was asked for).
    fee = event("dossier.fee_requested", dossier_id, samples["dossier.fee_requested"])
    send(queue.url, fee.model_dump_json())
    drain(queue)
    assert len(emails_to(person.email)) == 1

    code, out = ops(
        capsys,
        "dlq",
        "redrive",
        "--queue",
        "notify",
        "--stack",
        str(stack_file),
        "--message-id",
        message_id,
    )
    assert code == 0, out
    assert f"moved {message_id}" in out
    assert "1 moved, 0 not" in out
    assert depth(queue.dlq_url) == 0
    assert depth(queue.url) == 1
    drain(queue)

    sent = {n.template_id: n for n in records(service, dossier_id)}
    assert {"payment.succeeded.email.citizen", "payment.succeeded.sms.citizen"} <= set(sent)
    assert len(emails_to(person.email)) == 2  # the fee request, then the payment: once each
    assert len(sms_to(person.phone)) == 2
    assert depth(queue.url) == depth(queue.dlq_url) == 0

    # Redriving it again finds nothing; delivering it again changes nothing.
    code, _ = ops(
        capsys,
        "dlq",
        "redrive",
        "--queue",
        "notify",
        "--stack",
        str(stack_file),
        "--message-id",
        message_id,
    )
    assert code == 1
    send(queue.url, payment.model_dump_json())
    drain(queue)
    assert len(emails_to(person.email)) == 2
    assert len(sms_to(person.phone)) == 2


def test_only_chosen_messages_move_and_a_failed_send_loses_none(
    aws: Stack, queue: OwnQueue, stack_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = [Person() for _ in range(3)]
    bodies = []
    for person in people:
        dossier_id = str(uuid.uuid4())
        accepted = sample_events(dossier_id, person)["dossier.accepted"]
        bodies.append(event("dossier.accepted", dossier_id, accepted).model_dump_json())
    ids = [send(queue.dlq_url, body) for body in bodies]

    listed = {
        m.message_id: m
        for m in DeadLetterQueue.of(Location.from_stack_file(stack_file), "notify").messages()
    }
    assert set(listed) == set(ids)
    assert {m.first_reason for m in listed.values()} == {NOT_RECORDED}
    assert {m.event_type for m in listed.values()} == {"dossier.accepted"}

    # The source queue cannot be reached: nothing is deleted from the dead-letter queue.
    broken = DeadLetterQueue.of(Location.from_stack_file(stack_file), "notify")
    broken.source_url = queue.url + "-gone"
    report = broken.redrive(None)
    assert set(report.failed) == set(ids)
    assert not report.moved
    assert not report.complete
    assert depth(queue.dlq_url) == 3

    code, out = ops(
        capsys,
        "dlq",
        "redrive",
        "--queue",
        "notify",
        "--stack",
        str(stack_file),
        "--message-id",
        ids[1],
        "--message-id",
        "not-there",
    )
    assert code == 1  # one id was not in the queue
    assert f"moved {ids[1]}" in out
    assert depth(queue.dlq_url) == 2
    drain(queue)
    assert [len(emails_to(p.email)) for p in people] == [0, 1, 0]

    code, out = ops(
        capsys, "dlq", "redrive", "--queue", "notify", "--stack", str(stack_file), "--all"
    )
    assert code == 0
    assert "2 moved, 0 not" in out
    drain(queue)
    assert [len(emails_to(p.email)) for p in people] == [1, 1, 1]
    assert depth(queue.dlq_url) == 0


def sqs_event(*bodies: str, receive_count: int = 1) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"msg-{n}",
                "receiptHandle": f"handle-{n}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": str(receive_count)},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-southeast-1:123456789012:q",
                "awsRegion": "ap-southeast-1",
            }
            for n, body in enumerate(bodies)
        ]
    }


def test_the_failure_record_keeps_the_first_reason_and_the_latest(aws: Stack) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    good = event(
        "dossier.accepted", dossier_id, sample_events(dossier_id, person)["dossier.accepted"]
    )
    poison = json.dumps({"id": "p-" + uuid.uuid4().hex, "type": "dossier.accepted"})
    fine = event("dossier.accepted", "fine", sample_events("fine", person)["dossier.accepted"])
    log = FailureLog(aws.tables["notifications"])
    reason = ["the directory timed out"]

    def handle(envelope: Any, data: Any) -> None:
        if envelope.id == good.id:
            raise RuntimeError(reason[0])

    batch = uuid.uuid4().hex
    for attempt, why in enumerate(("the directory timed out", "throttled"), start=1):
        reason[0] = why
        delivered = sqs_event(
            good.model_dump_json(), poison, fine.model_dump_json(), receive_count=attempt
        )
        for record in delivered["Records"]:
            record["messageId"] += batch
        failed = consume_sqs_batch(delivered, handle, 5, failures=log)["batchItemFailures"]
        assert [f["itemIdentifier"] for f in failed] == [f"msg-0{batch}", f"msg-1{batch}"]
    found = log.get([f"msg-0{batch}", f"msg-1{batch}", f"msg-2{batch}"])
    assert set(found) == {f"msg-0{batch}", f"msg-1{batch}"}
    applied = found[f"msg-0{batch}"]
    assert applied.first_reason == "RuntimeError: the directory timed out"
    assert applied.last_reason == "RuntimeError: throttled"
    assert (applied.failures, applied.receive_count) == (2, 2)
    assert (applied.event_type, applied.event_id, applied.dossier_id) == (
        "dossier.accepted",
        good.id,
        dossier_id,
    )
    invalid = found[f"msg-1{batch}"]
    assert invalid.first_reason.startswith("ValidationError")  # never reached the handler
    assert invalid.dossier_id is None
    assert invalid.event_type == "dossier.accepted"


def test_a_failure_that_cannot_be_recorded_still_fails_only_its_message() -> None:
    class Unreachable:
        def update_item(self, **_: Any) -> None:
            raise ConnectionError("dynamodb is down")

    log = FailureLog("motcua-test-notifications", client=Unreachable())
    seen: list[str] = []

    def handle(envelope: Any, data: Any) -> None:
        if envelope.dossier_id == "bad":
            raise ValueError("cannot apply")
        seen.append(envelope.dossier_id)

    person = Person()
    bodies = [
        event("dossier.accepted", d, sample_events(d, person)["dossier.accepted"]).model_dump_json()
        for d in ("good-1", "bad", "good-2")
    ]
    result = consume_sqs_batch(sqs_event(*bodies), handle, 5, failures=log)
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    assert seen == ["good-1", "good-2"]
