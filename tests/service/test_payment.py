"""Level-4 fees through VNPay on moto, with the VNPay sandbox as the outside party: the payment URL
it accepts, every IPN answer, the return page that changes nothing, expiry and reconciliation."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import boto3
import pytest
import requests
from chalice.test import Client

from infra.local.apps import load_app
from infra.local.bootstrap import Stack
from sandboxes.vnpay import signing
from sandboxes.vnpay.server import VnpaySandbox
from tests.service.conftest import VNPAY_SECRET, Pump
from tests.service.test_intake_dossiers import Auth, act, call, submitted

FEE = 500_000  # MYPHAM-01


@pytest.fixture
def owed(intake: Client, auth: Auth, pump: Pump) -> dict[str, Any]:
    """A dossier accepted with a fee: intake asked, payment heard."""
    return owe(intake, auth, pump)


def owe(intake: Client, auth: Auth, pump: Pump) -> dict[str, Any]:
    dossier = submitted(intake, auth, procedure_code="MYPHAM-01")
    status, body = act(intake, auth, "desk1", dossier["id"], "accept")
    assert (status, body["status"], body["national_status"]) == (200, "fee_requested", 6)
    pump.publish("intake")
    while pump.queue("payment").poll_once():
        pass
    return body


def start(
    payment: Client, auth: Auth, dossier_id: str, user: str = "citizen1"
) -> tuple[int, dict[str, Any]]:
    return call(payment, "POST", "/payments", auth(user), {"dossier_id": dossier_id})


def sandbox_url(vnpay: VnpaySandbox, path: str) -> str:
    host, port = vnpay.server_address[:2]
    return f"http://{host}:{port}{path}"


def paid_by_sandbox(vnpay: VnpaySandbox, pay_url: str, choice: str = "00") -> dict[str, str]:
    """The citizen opens the payment page; the bank settles it; the signed result, no IPN yet."""
    assert requests.get(pay_url, timeout=10).status_code == 200
    txn_ref = dict(parse_qsl(urlsplit(pay_url).query))["vnp_TxnRef"]
    response = requests.post(
        sandbox_url(vnpay, "/sandbox/complete-silently"),
        json={"vnp_TxnRef": txn_ref, "choice": choice},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {k: str(v) for k, v in response.json().items()}


def ipn(payment: Client, params: dict[str, str]) -> dict[str, str]:
    response = payment.http.get(f"/vnpay/ipn?{urlencode(params)}")
    assert response.status_code == 200
    return json.loads(response.body)


def resigned(params: dict[str, str], **changes: str) -> dict[str, str]:
    """The provider's parameters changed and signed again with the real secret."""
    changed = {k: v for k, v in {**params, **changes}.items() if k != "vnp_SecureHash"}
    return {**changed, "vnp_SecureHash": signing.sign(changed, VNPAY_SECRET)}


def status_of(payment: Client, auth: Auth, txn_ref: str) -> str:
    return call(payment, "GET", f"/payments/{txn_ref}", auth("citizen1"))[1]["status"]


def test_the_payment_url_is_one_vnpay_accepts(
    payment: Client, auth: Auth, owed: dict[str, Any], vnpay: VnpaySandbox
) -> None:
    status, body = start(payment, auth, owed["id"])
    assert status == 201, body
    assert (body["status"], body["amount_vnd"]) == ("pending", FEE)
    params = dict(parse_qsl(urlsplit(body["pay_url"]).query))
    assert params["vnp_Amount"] == str(FEE * 100)
    assert params["vnp_TxnRef"] == body["txn_ref"]
    assert signing.verify(params, VNPAY_SECRET)  # the sandbox's own implementation agrees
    page = requests.get(body["pay_url"], timeout=10)
    assert page.status_code == 200
    assert "500.000" in page.text


def test_only_the_owner_of_a_dossier_with_a_fee_can_pay(
    payment: Client, auth: Auth, owed: dict[str, Any]
) -> None:
    status, body = start(payment, auth, owed["id"], "citizen2")
    assert (status, body["error"]["code"]) == (404, "no_fee_requested")
    status, body = start(payment, auth, "00000000-0000-0000-0000-000000000000")
    assert status == 404
    assert call(payment, "POST", "/payments", auth("desk1"), {"dossier_id": owed["id"]})[0] == 403
    assert call(payment, "POST", "/payments", {}, {"dossier_id": owed["id"]})[0] == 401


def test_a_successful_ipn_pays_the_dossier_once(
    payment: Client,
    intake: Client,
    auth: Auth,
    owed: dict[str, Any],
    vnpay: VnpaySandbox,
    pump: Pump,
) -> None:
    _, attempt = start(payment, auth, owed["id"])
    params = paid_by_sandbox(vnpay, attempt["pay_url"])
    assert ipn(payment, params) == {"RspCode": "00", "Message": "Confirm Success"}
    assert status_of(payment, auth, attempt["txn_ref"]) == "succeeded"
    assert ipn(payment, params)["RspCode"] == "02"  # a replay changes nothing

    pump.publish("payment")
    while pump.queue("intake").poll_once():
        pass
    _, dossier = call(intake, "GET", f"/dossiers/{owed['id']}", auth("citizen1"))
    assert (dossier["status"], dossier["national_status"]) == ("accepted", 2)
    assert dossier["payment"]["method"] == "online"
    assert dossier["payment"]["reference"] == attempt["txn_ref"]

    status, body = start(payment, auth, owed["id"])
    assert (status, body["error"]["code"]) == (409, "already_paid")
    _, listing = call(payment, "GET", f"/payments?dossier_id={owed['id']}", auth("citizen1"))
    assert [p["status"] for p in listing["items"]] == ["succeeded"]


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda p: {**p, "vnp_Amount": "100"}, "97"),  # changed without the secret
        (lambda p: {**p, "vnp_SecureHash": "0" * 128}, "97"),
        (lambda p: {k: v for k, v in p.items() if k != "vnp_SecureHash"}, "97"),
        (lambda p: resigned(p, vnp_TxnRef="P000000000000999999"), "01"),
        (lambda p: resigned(p, vnp_Amount=str(FEE * 100 + 100)), "04"),
        (lambda p: resigned(p, vnp_Amount="abc"), "04"),
        (lambda p: resigned({k: v for k, v in p.items() if k != "vnp_ResponseCode"}), "99"),
    ],
)
def test_rejected_ipns_change_nothing(
    payment: Client, auth: Auth, owed: dict[str, Any], vnpay: VnpaySandbox, tamper: Any, code: str
) -> None:
    _, attempt = start(payment, auth, owed["id"])
    params = paid_by_sandbox(vnpay, attempt["pay_url"])
    assert ipn(payment, tamper(params))["RspCode"] == code
    assert status_of(payment, auth, attempt["txn_ref"]) == "pending"
    assert ipn(payment, params)["RspCode"] == "00"  # the genuine one still works


@pytest.mark.parametrize(
    ("choice", "reason"), [("24", "Khách hàng hủy giao dịch"), ("51", "Tài khoản không đủ số dư")]
)
def test_a_failed_payment_is_recorded_and_another_attempt_allowed(
    payment: Client, auth: Auth, owed: dict[str, Any], vnpay: VnpaySandbox, choice: str, reason: str
) -> None:
    _, attempt = start(payment, auth, owed["id"])
    params = paid_by_sandbox(vnpay, attempt["pay_url"], choice)
    assert ipn(payment, params)["RspCode"] == "00"
    _, failed = call(payment, "GET", f"/payments/{attempt['txn_ref']}", auth("citizen1"))
    assert (failed["status"], failed["response_code"], failed["reason"]) == (
        "failed",
        choice,
        reason,
    )
    status, again = start(payment, auth, owed["id"])
    assert status == 201
    assert again["txn_ref"] != attempt["txn_ref"]


def test_the_return_page_shows_the_result_but_changes_nothing(
    payment: Client, auth: Auth, owed: dict[str, Any], vnpay: VnpaySandbox
) -> None:
    _, attempt = start(payment, auth, owed["id"])
    params = paid_by_sandbox(vnpay, attempt["pay_url"])
    page = payment.http.get(f"/vnpay/return?{urlencode(params)}")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert attempt["txn_ref"] in page.body.decode()
    assert (
        f'href="http://127.0.0.1:8000/ho-so/{owed["id"]}"' in page.body.decode()
    )  # back to the dossier
    assert status_of(payment, auth, attempt["txn_ref"]) == "pending"  # only the IPN decides
    forged = payment.http.get(f"/vnpay/return?{urlencode({**params, 'vnp_Amount': '1'})}")
    assert "Không xác minh được" in forged.body.decode()


def test_reconciliation_settles_a_lost_ipn_and_expires_an_abandoned_payment(
    payment: Client,
    intake: Client,
    auth: Auth,
    owed: dict[str, Any],
    vnpay: VnpaySandbox,
    pump: Pump,
) -> None:
    service = load_app("payment").service
    _, abandoned = start(payment, auth, owed["id"])
    requests.get(abandoned["pay_url"], timeout=10)  # opened, never finished
    # (another dossier: a second click on the first would reuse the abandoned attempt)
    _, lost = start(payment, auth, owe(intake, auth, pump)["id"])
    paid_by_sandbox(vnpay, lost["pay_url"])  # paid, but the IPN never arrives

    created = service.repository.get(lost["txn_ref"]).created_at
    early = service.reconcile(created + timedelta(minutes=5))
    assert status_of(payment, auth, lost["txn_ref"]) == "pending"  # too soon to ask
    assert early["succeeded"] == 0
    later = service.reconcile(created + timedelta(minutes=16))
    assert status_of(payment, auth, lost["txn_ref"]) == "succeeded"
    assert status_of(payment, auth, abandoned["txn_ref"]) == "expired"  # VNPay: never completed
    assert later["succeeded"] >= 1
    assert later["expired"] >= 1


def test_a_repeated_fee_request_is_applied_once(
    aws: Stack, owed: dict[str, Any], pump: Pump
) -> None:
    sqs = boto3.client("sqs")
    from tests.service.test_events import outbox_events

    fee_event = next(e for e in outbox_events(owed["id"]) if e["type"] == "dossier.fee_requested")
    sqs.send_message(QueueUrl=aws.queue_urls["payment"], MessageBody=json.dumps(fee_event))
    while pump.queue("payment").poll_once():
        pass
    fee = load_app("payment").service.repository.fee(owed["id"])
    assert fee is not None
    assert fee.amount_vnd == FEE


def test_parallel_notifications_settle_once(
    payment: Client, auth: Auth, owed: dict[str, Any], vnpay: VnpaySandbox
) -> None:
    """Truly parallel IPNs (no gateway in between): the version check lets one through."""
    from concurrent.futures import ThreadPoolExecutor

    service = load_app("payment").service
    _, attempt = start(payment, auth, owed["id"])
    params = paid_by_sandbox(vnpay, attempt["pay_url"])
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = [a.code for a in pool.map(lambda _: service.ipn(params), range(10))]
    assert sorted(answers) == ["00"] + ["02"] * 9
    from tests.service.test_events import outbox_events

    announced = [
        e
        for e in outbox_events(owed["id"], "PAYMENTS_TABLE")
        if e["type"] == "payment.succeeded" and e["data"]["txn_ref"] == attempt["txn_ref"]
    ]
    assert len(announced) == 1
    assert status_of(payment, auth, attempt["txn_ref"]) == "succeeded"
