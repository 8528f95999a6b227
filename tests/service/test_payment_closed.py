"""A fee that is closed takes no more money, and money that arrives anyway is owed back.

A fee is closed once paid (at the counter, or online) or no longer owed (the dossier withdrawn,
refused or stopped). Before 2026-12-03 a hostile client paid after a withdrawal and again after
a counter payment: both IPNs answered 00 and the money was silently kept. The rules held here:

- VNPay's IPN protocol (VNPay API 2.1.0): verify the signature, find the order, check the
  amount, check it is not already confirmed, answer ``RspCode``. The money of a paid IPN is taken
  by the bank whatever we answer: an order found, of the right amount and not confirmed before,
  is recorded (here as ``refund_due``) and answered ``00 Confirm Success``; its replay ``02``.
- One open order at a time: a second click while an attempt is pending and valid gets that
  attempt and its URL back (VNPay: ``vnp_TxnRef`` unique per attempt, the URL's CreateDate and
  ExpireDate those of the attempt), instead of a new order for reconciliation to chase.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from chalice.test import Client

from infra.local.apps import load_app
from infra.local.bootstrap import Stack
from infra.ops.__main__ import main as ops_main
from sandboxes.vnpay.server import VnpaySandbox
from tests.service.conftest import Pump
from tests.service.test_events import outbox_events
from tests.service.test_intake_dossiers import Auth, act, call
from tests.service.test_payment import FEE, ipn, owe, paid_by_sandbox, start

OWED_BACK_AFTER_WITHDRAWAL = "Hồ sơ đã được rút theo yêu cầu của người nộp"


def drain(pump: Pump, *queues: str) -> None:
    for queue in queues:
        while pump.queue(queue).poll_once():
            pass


def intake_tells_payment(pump: Pump) -> None:
    pump.publish("intake")
    drain(pump, "payment")


def payment_tells_intake(pump: Pump) -> None:
    pump.publish("payment")
    drain(pump, "intake")


def payment_events(dossier_id: str, event_type: str) -> list[dict[str, Any]]:
    return [e for e in outbox_events(dossier_id, "PAYMENTS_TABLE") if e["type"] == event_type]


def attempt_of(payment: Client, auth: Auth, txn_ref: str, user: str = "citizen1") -> dict[str, Any]:
    status, body = call(payment, "GET", f"/payments/{txn_ref}", auth(user))
    assert status == 200, body
    return body


def refunds(payment: Client, auth: Auth, user: str) -> tuple[int, dict[str, Any]]:
    return call(payment, "GET", "/refunds", auth(user))


@pytest.fixture
def owed(intake: Client, auth: Auth, pump: Pump) -> dict[str, Any]:
    return owe(intake, auth, pump)


# -- no new attempt on a closed fee ------------------------------------------------------------


def test_a_fee_paid_at_the_counter_takes_no_online_payment(
    payment: Client, intake: Client, auth: Auth, owed: dict[str, Any], pump: Pump
) -> None:
    status, _ = act(
        intake,
        auth,
        "desk1",
        owed["id"],
        "record-payment",
        {"receipt_no": "BL-0001", "amount_vnd": FEE},
    )
    assert status == 200
    intake_tells_payment(pump)  # dossier.payment_confirmed reaches payment

    status, body = start(payment, auth, owed["id"])
    assert status == 409, body
    assert body["error"]["code"] == "already_paid"
    assert body["error"]["closed_by"] == "counter"
    assert body["error"]["message_vi"] == "Phí, lệ phí của hồ sơ này đã được thanh toán."
    assert body["error"]["message"] == "The fee of this dossier is already paid."
    _, listing = call(payment, "GET", f"/payments?dossier_id={owed['id']}", auth("citizen1"))
    assert listing["items"] == []


@pytest.mark.parametrize(
    ("user", "action", "body", "closed_by"),
    [
        ("citizen1", "withdraw", {"reason": "Không cần nữa"}, "withdrawn"),
        ("leader1", "stop", {"reason": "Đình chỉ theo yêu cầu thanh tra"}, "stopped"),
    ],
)
def test_a_dossier_withdrawn_or_stopped_owes_no_fee(
    payment: Client,
    intake: Client,
    auth: Auth,
    owed: dict[str, Any],
    pump: Pump,
    user: str,
    action: str,
    body: dict[str, str],
    closed_by: str,
) -> None:
    assert act(intake, auth, user, owed["id"], action, body)[0] == 200
    intake_tells_payment(pump)

    status, answer = start(payment, auth, owed["id"])
    assert status == 409, answer
    assert answer["error"] == {
        "code": "fee_no_longer_owed",
        "message": "The fee of this dossier is no longer owed: the dossier was withdrawn, "
        "refused or stopped.",
        "message_vi": "Hồ sơ đã được rút, bị từ chối hoặc bị dừng xử lý: không còn phải nộp "
        "phí, lệ phí.",
        "closed_by": closed_by,
    }


# -- money that arrives anyway ------------------------------------------------------------------


def test_money_paid_after_a_withdrawal_is_recorded_as_owed_back(
    payment: Client,
    intake: Client,
    auth: Auth,
    owed: dict[str, Any],
    vnpay: VnpaySandbox,
    pump: Pump,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The attempt was started before the withdrawal; the citizen pays it after."""
    _, attempt = start(payment, auth, owed["id"])
    assert act(intake, auth, "citizen1", owed["id"], "withdraw", {})[0] == 200
    intake_tells_payment(pump)

    params = paid_by_sandbox(vnpay, attempt["pay_url"])
    assert ipn(payment, params) == {"RspCode": "00", "Message": "Confirm Success"}
    assert ipn(payment, params) == {"RspCode": "02", "Message": "Order already confirmed"}

    recorded = attempt_of(payment, auth, attempt["txn_ref"])
    assert recorded["status"] == "refund_due"
    assert recorded["refund_reason"] == OWED_BACK_AFTER_WITHDRAWAL
    assert recorded["transaction_no"] == params["vnp_TransactionNo"]
    assert payment_events(owed["id"], "payment.succeeded") == []
    page = payment.http.get(f"/vnpay/return?{urlencode(params)}").body.decode()
    assert "<h1>Khoản thanh toán sẽ được hoàn trả</h1>" in page
    assert OWED_BACK_AFTER_WITHDRAWAL in page
    [announced] = payment_events(owed["id"], "payment.refund_due")
    assert announced["data"]["txn_ref"] == attempt["txn_ref"]
    assert announced["data"]["amount_vnd"] == FEE
    assert announced["data"]["closed_by"] == "withdrawn"
    assert announced["data"]["reason"] == OWED_BACK_AFTER_WITHDRAWAL

    for staff in ("desk1", "leader1"):
        status, listed = refunds(payment, auth, staff)
        assert status == 200
        mine = [r for r in listed["items"] if r["txn_ref"] == attempt["txn_ref"]]
        assert [(r["status"], r["amount_vnd"], r["refund_reason"]) for r in mine] == [
            ("refund_due", FEE, OWED_BACK_AFTER_WITHDRAWAL)
        ]
    assert refunds(payment, auth, "citizen1")[0] == 403
    assert refunds(payment, auth, "officer1")[0] == 403

    # The operator's list (python -m infra.ops refunds list), read from the deployment's table.
    capsys.readouterr()
    assert ops_main(["refunds", "list", "--aws", "--stage", "test", "--json"]) == 0
    listed = [r for r in json.loads(capsys.readouterr().out) if r["dossier_id"] == owed["id"]]
    assert listed == [
        {
            "txn_ref": attempt["txn_ref"],
            "dossier_id": owed["id"],
            "dossier_code": owed["code"],
            "amount_vnd": FEE,
            "paid_at": recorded["paid_at"],
            "provider": "vnpay",
            "bank_code": params["vnp_BankCode"],
            "transaction_no": params["vnp_TransactionNo"],
            "reason": OWED_BACK_AFTER_WITHDRAWAL,
        }
    ]
    assert ops_main(["refunds", "list", "--aws", "--stage", "test"]) == 0
    table = capsys.readouterr().out
    assert attempt["txn_ref"] in table
    assert "500.000" in table


def test_a_second_online_success_is_owed_back(
    payment: Client, auth: Auth, owed: dict[str, Any], vnpay: VnpaySandbox
) -> None:
    """Two orders open at once (the first nearly expired when the second click came): both are
    paid; the fee is paid by the first, the second's money is owed back."""
    service = load_app("payment").service
    _, first = start(payment, auth, owed["id"])
    original = service.clock
    service.clock = lambda: original() + timedelta(seconds=14 * 60)  # 1 minute of 15 left
    try:
        _, second = start(payment, auth, owed["id"])
    finally:
        service.clock = original
    assert second["txn_ref"] != first["txn_ref"]
    paid_first = paid_by_sandbox(vnpay, first["pay_url"])
    paid_second = paid_by_sandbox(vnpay, second["pay_url"])

    assert ipn(payment, paid_first)["RspCode"] == "00"
    assert ipn(payment, paid_second) == {"RspCode": "00", "Message": "Confirm Success"}
    assert attempt_of(payment, auth, first["txn_ref"])["status"] == "succeeded"
    owed_back = attempt_of(payment, auth, second["txn_ref"])
    assert owed_back["status"] == "refund_due"
    assert owed_back["refund_reason"] == (
        f"Phí, lệ phí đã được thanh toán trực tuyến (giao dịch {first['txn_ref']})"
    )
    assert [e["data"]["txn_ref"] for e in payment_events(owed["id"], "payment.succeeded")] == [
        first["txn_ref"]
    ]


def test_counter_and_online_payments_that_cross_owe_the_online_one_back(
    payment: Client,
    intake: Client,
    auth: Auth,
    owed: dict[str, Any],
    vnpay: VnpaySandbox,
    pump: Pump,
) -> None:
    """Paid online; before intake hears of it, the desk takes the fee at the counter. Intake
    keeps the counter payment and takes the late ``payment.succeeded`` without failing;
    payment, hearing of the counter payment, owes the online money back."""
    _, attempt = start(payment, auth, owed["id"])
    assert ipn(payment, paid_by_sandbox(vnpay, attempt["pay_url"]))["RspCode"] == "00"
    assert attempt_of(payment, auth, attempt["txn_ref"])["status"] == "succeeded"
    receipt = {"receipt_no": "BL-0002", "amount_vnd": FEE}
    assert act(intake, auth, "desk1", owed["id"], "record-payment", receipt)[0] == 200

    payment_tells_intake(pump)
    _, dossier = call(intake, "GET", f"/dossiers/{owed['id']}", auth("citizen1"))
    assert (dossier["payment"]["method"], dossier["payment"]["reference"]) == ("counter", "BL-0002")
    intake_tells_payment(pump)
    recorded = attempt_of(payment, auth, attempt["txn_ref"])
    assert recorded["status"] == "refund_due"
    assert recorded["refund_reason"] == (
        "Phí, lệ phí đã được nộp tại Bộ phận Một cửa (biên lai BL-0002)"
    )
    [announced] = payment_events(owed["id"], "payment.refund_due")
    assert announced["data"]["closed_by"] == "counter"


def test_intake_takes_a_payment_for_a_withdrawn_dossier_without_failing(
    aws: Stack,
    payment: Client,
    intake: Client,
    auth: Auth,
    owed: dict[str, Any],
    vnpay: VnpaySandbox,
    pump: Pump,
) -> None:
    """Withdrawn while the money was on its way: intake's consumer answers no failure for
    ``payment.succeeded`` (no retry, no dead-letter queue), the dossier stays withdrawn, and
    payment, hearing of the withdrawal, owes the money back."""
    _, attempt = start(payment, auth, owed["id"])
    params = paid_by_sandbox(vnpay, attempt["pay_url"])
    assert act(intake, auth, "citizen1", owed["id"], "withdraw", {})[0] == 200
    assert ipn(payment, params)["RspCode"] == "00"  # payment has not heard yet
    [succeeded] = payment_events(owed["id"], "payment.succeeded")

    app = load_app("intake").app
    source = next(s for s in app.event_sources if hasattr(s, "queue"))
    record = {
        "messageId": "payment-for-withdrawn",
        "receiptHandle": "r",
        "body": json.dumps(succeeded),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": aws.queue_arns["intake"],
        "awsRegion": "ap-southeast-1",
    }
    answer = app.handler_map[source.name]({"Records": [record]}, None)
    assert answer == {"batchItemFailures": []}
    _, dossier = call(intake, "GET", f"/dossiers/{owed['id']}", auth("citizen1"))
    assert (dossier["status"], dossier["payment"]) == ("withdrawn", None)

    intake_tells_payment(pump)
    recorded = attempt_of(payment, auth, attempt["txn_ref"])
    assert (recorded["status"], recorded["refund_reason"]) == (
        "refund_due",
        OWED_BACK_AFTER_WITHDRAWAL,
    )


# -- one open order at a time -------------------------------------------------------------------


def test_clicks_while_an_attempt_is_pending_reuse_it(
    payment: Client, auth: Auth, owed: dict[str, Any]
) -> None:
    status, first = start(payment, auth, owed["id"])
    assert status == 201
    again = [start(payment, auth, owed["id"]) for _ in range(9)]
    assert {a["txn_ref"] for _, a in again} == {first["txn_ref"]}
    assert {a["pay_url"] for _, a in again} == {first["pay_url"]}  # dates, IP and hash unchanged
    assert first["reused"] is False
    assert [(status, a["reused"]) for status, a in again] == [(201, True)] * 9
    params = dict(parse_qsl(urlsplit(first["pay_url"]).query))
    assert (params["vnp_CreateDate"], params["vnp_ExpireDate"]) == (
        first["created_at"][:19].replace("-", "").replace("T", "").replace(":", ""),
        first["expires_at"][:19].replace("-", "").replace("T", "").replace(":", ""),
    )
    _, listing = call(payment, "GET", f"/payments?dossier_id={owed['id']}", auth("citizen1"))
    assert len(listing["items"]) == 1


@pytest.mark.usefixtures("atomic_writes")
def test_parallel_clicks_open_one_order(payment: Client, auth: Auth, owed: dict[str, Any]) -> None:
    """Ten clicks at once (as ten Lambda instances would serve them): one attempt. moto's writes
    are made atomic, as DynamoDB's are (the conftest's ``atomic_writes``)."""
    from motcua_shared.auth import Principal

    service = load_app("payment").service
    fee = service.repository.fee(owed["id"])
    citizen = Principal(sub=fee.owner_sub, username="citizen1", groups=frozenset({"citizen"}))
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(
            pool.map(lambda _: service.create(citizen, owed["id"], "10.0.0.1"), range(10))
        )
    assert len({result[0].txn_ref for result in results}) == 1
    assert sorted(reused for _, _, reused in results) == [False] + [True] * 9
    _, listing = call(payment, "GET", f"/payments?dossier_id={owed['id']}", auth("citizen1"))
    assert len(listing["items"]) == 1


def test_a_click_that_meets_another_in_a_transaction_gets_the_attempt_not_a_500(
    payment: Client, auth: Auth, owed: dict[str, Any]
) -> None:
    """On AWS, two transactions on one item at once cancel one with the reason
    TransactionConflict (DynamoDB API Reference, TransactWriteItems: TransactionCanceledException
    / CancellationReasons), which moto never does: injected here on the fee item. The click
    reads again and starts (or reuses) an attempt."""
    from tests.service.test_inbox_order import failing_once

    conflict = {
        "Error": {"Code": "TransactionCanceledException", "Message": "injected"},
        "CancellationReasons": [
            {"Code": "None"},
            {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"},
        ],
    }
    with failing_once(f"FEE#{owed['id']}", conflict) as failed:
        status, attempt = start(payment, auth, owed["id"])
    assert failed == ["TransactWriteItems"]
    assert status == 201, attempt
    assert attempt["status"] == "pending"
    assert start(payment, auth, owed["id"])[1]["txn_ref"] == attempt["txn_ref"]


def test_an_attempt_about_to_expire_is_not_reused(
    payment: Client, auth: Auth, owed: dict[str, Any]
) -> None:
    """Too little time left to pay (less than 2 minutes of the 15): a new order, with its own
    vnp_TxnRef (the reuse above is bounded, not forever)."""
    service = load_app("payment").service
    _, first = start(payment, auth, owed["id"])
    original = service.clock
    service.clock = lambda: original() + timedelta(seconds=13 * 60 + 30)
    try:
        status, second = start(payment, auth, owed["id"])
    finally:
        service.clock = original
    assert status == 201
    assert second["txn_ref"] != first["txn_ref"]
    assert second["reused"] is False


def test_a_success_after_we_expired_the_attempt_is_still_money_in(
    payment: Client, auth: Auth, owed: dict[str, Any], vnpay: VnpaySandbox
) -> None:
    """Reconciliation expired an attempt VNPay still held open; the citizen then paid it. That
    order was never confirmed to VNPay (VNPay's IPN: check it is not already confirmed): the
    notification is applied (00), not dismissed as a duplicate (02) with the money kept."""
    import requests

    service = load_app("payment").service
    _, attempt = start(payment, auth, owed["id"])
    assert requests.get(attempt["pay_url"], timeout=10).status_code == 200  # opened, not paid
    created = service.repository.get(attempt["txn_ref"]).created_at
    service.reconcile(created + timedelta(minutes=16))
    assert attempt_of(payment, auth, attempt["txn_ref"])["status"] == "expired"

    params = paid_by_sandbox(vnpay, attempt["pay_url"])
    assert ipn(payment, params) == {"RspCode": "00", "Message": "Confirm Success"}
    assert attempt_of(payment, auth, attempt["txn_ref"])["status"] == "succeeded"
    assert ipn(payment, params)["RspCode"] == "02"
