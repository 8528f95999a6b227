"""An event's inbox mark is written with its effect, never before it.

The outbox/inbox rule (consumers are idempotent on the event id: the inbox of
motcua_shared/inbox.py): a consumer that records "event applied" and then fails to apply
it takes every redelivery for a duplicate, and the event is lost. So the mark goes into the same
DynamoDB transaction as the effect (both or neither, AWS: TransactWriteItems is all-or-nothing),
or after an effect that is idempotent by itself.

Each test makes the effect's own DynamoDB write fail once, at the boundary (botocore answers the
real storage call with a ClientError, as DynamoDB does when throttled), delivers the event through
a real SQS queue with its redrive policy, and shows that the redelivery applies it exactly once.

The audit of every consumer:
- payment (dossier.fee_requested): marked BEFORE saving the fee; fixed, tested here;
  (the events that close the fee, domain/closure.py): idempotent effects, then the mark; tested;
- notify: the mark is recorded after its effects, each idempotent (a notification is keyed by
  event, channel and recipient and sent once: tests/service/test_faults.py);
- delivery: no mark; the dossier copy is overwritten, the shipment is keyed by dossier and
  purpose, the post office dedupes bookings by OrderNumber (tests/service/test_delivery.py);
- intake (payment.succeeded, shipment.*): no mark; each change checks the dossier's state and is
  saved with its version; its statistics (from the stream) write their marker and the counters in
  one transaction (storage.apply_stats);
- motcua_shared.inbox.consume_sqs_batch writes no mark, only failure records.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import botocore.client
import pytest
from botocore.exceptions import ClientError

from infra.local import pump as pump_module
from infra.local.apps import load_app
from infra.local.bootstrap import Stack
from motcua_shared.events import dossier as de
from motcua_shared.events import new_event, parse_event
from tests.service.test_faults import OwnQueue, Recording, depth, own_queue
from tests.service.test_payment_closed import payment_events

_real_call = botocore.client.BaseClient._make_api_call


WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems"})
THROTTLED = {
    "Error": {
        "Code": "ProvisionedThroughputExceededException",
        "Message": "injected: the rate of requests exceeds the throughput",
    }
}


@contextmanager
def failing_once(touching: str, answer: dict[str, Any] | None = None) -> Iterator[list[str]]:
    """DynamoDB answers the first write whose request names ``touching`` (an item's key) with
    ``answer`` (a throttling error unless told); every other call goes through. Yields the
    failure it caused."""
    failed: list[str] = []

    def call(client: Any, name: str, params: dict[str, Any]) -> Any:
        if not failed and name in WRITES and touching in json.dumps(params, default=str):
            failed.append(name)
            raise ClientError(answer or THROTTLED, name)  # type: ignore[arg-type]
        return _real_call(client, name, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.client.BaseClient, "_make_api_call", call)
        yield failed


def payment_handler() -> Callable[[dict[str, Any], Any], Any]:
    app = load_app("payment").app
    source = next(s for s in app.event_sources if hasattr(s, "queue"))
    return app.handler_map[source.name]  # type: ignore[no-any-return]


@pytest.fixture
def payment_queue(aws: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[OwnQueue]:
    """A queue of the test's own that payment consumes; a failed message comes back at once."""
    monkeypatch.setattr(pump_module, "LOCAL_RETRY_DELAY_S", 0)
    with own_queue("payment") as queue:
        yield queue


def dossier_event(dossier_id: str, event_type: str, schema: Any, **extra: Any) -> Any:
    fields = {
        "dossier_id": dossier_id,
        "procedure_code": "MYPHAM-01",
        "procedure_name": "Công bố sản phẩm mỹ phẩm sản xuất trong nước",
        "status": "fee_requested",
        "national_status": 6,
        "actor": "desk1",
        "applicant": de.Contact(full_name="Nguyễn Thị Hồng Nhung"),
        "code": "000.00.01.H56-261203-0999",
        "owner_sub": "owner-" + dossier_id[:8],
    }
    return new_event(
        event_type, source="intake", dossier_id=dossier_id, data=schema(**fields, **extra)
    )


def deliver(queue: OwnQueue, body: str) -> Recording:
    recording = Recording(payment_handler())
    queue.send(body)
    poller = queue.poller(recording)
    while poller.poll_once():
        pass
    return recording


def test_a_fee_request_whose_write_fails_once_is_applied_on_redelivery(
    payment_queue: OwnQueue,
) -> None:
    dossier_id = str(uuid.uuid4())
    fee_requested = dossier_event(
        dossier_id, "dossier.fee_requested", de.DossierFeeRequested, amount_vnd=500_000
    )
    repository = load_app("payment").service.repository
    with failing_once(f"FEE#{dossier_id}") as failed:
        recording = deliver(payment_queue, fee_requested.model_dump_json())
    assert len(failed) == 1  # the fault did happen, on the fee's write
    # delivered and failed (a batch whose every record fails raises: Lambda retries it all),
    # then delivered again and applied
    assert len(recording.events) == 2
    assert recording.results == [{"batchItemFailures": []}]
    fee = repository.fee(dossier_id)
    assert fee is not None
    assert (fee.amount_vnd, fee.owner_sub) == (500_000, "owner-" + dossier_id[:8])

    # A duplicate delivery (SQS is at least once) changes nothing and fails nothing.
    deliver(payment_queue, fee_requested.model_dump_json())
    assert repository.fee(dossier_id) == fee
    assert depth(payment_queue.url) == depth(payment_queue.dlq_url) == 0


def test_a_withdrawal_whose_refund_write_fails_once_owes_the_money_back_once(
    payment_queue: OwnQueue,
) -> None:
    """The fee was paid online just after the dossier was withdrawn (the events crossed);
    marking that payment as owed back fails once."""
    from chalicelib.payment.domain.closure import ClosedBy, FeeClosure
    from chalicelib.payment.domain.model import Payment, PaymentStatus

    service = load_app("payment").service
    repository = service.repository
    dossier_id = str(uuid.uuid4())
    at = service.clock()
    fee_requested = dossier_event(
        dossier_id, "dossier.fee_requested", de.DossierFeeRequested, amount_vnd=500_000
    )
    service.apply_event(*parse_event(fee_requested.model_dump_json()))
    fee = repository.fee(dossier_id)
    assert fee is not None
    paid = Payment(
        txn_ref=f"P{uuid.uuid4().int % 10**18:018d}",
        dossier_id=dossier_id,
        dossier_code=fee.dossier_code,
        owner_sub=fee.owner_sub,
        amount_vnd=500_000,
        provider="vnpay",
        order_info="Thanh toan le phi",
        status=PaymentStatus.SUCCEEDED,
        created_at=at,
        expires_at=at + timedelta(minutes=15),
        paid_at=at + timedelta(minutes=2),
        settled_at=at + timedelta(minutes=2),
    )
    repository.start(paid, previous=None)
    assert (
        repository.settle_online(
            paid, [], FeeClosure(ClosedBy.ONLINE, at + timedelta(minutes=2), paid.txn_ref)
        )
        is None
    )
    withdrawn = dossier_event(dossier_id, "dossier.withdrawn", de.DossierWithdrawn, reason=None)
    withdrawn = withdrawn.model_copy(update={"occurred_at": at + timedelta(minutes=1)})

    with failing_once(f"PAYMENT#{paid.txn_ref}") as failed:
        recording = deliver(payment_queue, withdrawn.model_dump_json())
    assert len(failed) == 1
    assert len(recording.events) == 2
    assert recording.results == [{"batchItemFailures": []}]
    owed_back = repository.get(paid.txn_ref)
    assert owed_back is not None
    assert owed_back.status is PaymentStatus.REFUND_DUE
    assert owed_back.refund_reason == "Hồ sơ đã được rút theo yêu cầu của người nộp"

    deliver(payment_queue, withdrawn.model_dump_json())  # a duplicate
    [announced] = payment_events(dossier_id, "payment.refund_due")
    assert announced["data"]["txn_ref"] == paid.txn_ref
    assert depth(payment_queue.url) == depth(payment_queue.dlq_url) == 0
