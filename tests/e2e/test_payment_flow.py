"""Level-4 payment over HTTP on the local stack: through the VNPay sandbox's pages, and by IPNs the
test signs itself (its own implementation of VNPay's rule), forged, wrong, replayed, concurrent."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit

import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_one_stop import Journey, notify_received


def vnpay_sign(params: dict[str, str], secret: str) -> str:
    """VNPay's PHP sample, written again here: sorted vnp_* fields, PHP urlencode, HMAC-SHA512."""

    def encode(value: str) -> str:
        return quote_plus(value, safe="").replace("~", "%7E")

    data = "&".join(
        f"{encode(k)}={encode(v)}"
        for k, v in sorted(params.items())
        if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType") and v
    )
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def owed_dossier(stack: RunningStack) -> Journey:
    journey = Journey(stack, "MYPHAM-01")
    journey.submitted().do("desk1", "accept")
    assert journey.dossier["status"] == "fee_requested"
    return journey


def start_payment(stack: RunningStack, dossier_id: str) -> dict[str, Any]:
    """The fee request reaches the payment service through the queues; then the citizen pays."""
    deadline = time.monotonic() + 30
    while True:
        response = stack.call("POST", "/payment/payments", "citizen1", {"dossier_id": dossier_id})
        if response.status_code == 201 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert response.status_code == 201, response.text
    return response.json()


def wait_for_status(stack: RunningStack, dossier_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        dossier = stack.call("GET", f"/intake/dossiers/{dossier_id}", "citizen1").json()
        if dossier["status"] == status or time.monotonic() > deadline:
            return dossier
        time.sleep(0.3)


def ipn(stack: RunningStack, params: dict[str, str]) -> str:
    response = requests.get(f"{stack.url}/payment/vnpay/ipn", params=params, timeout=30)
    assert response.status_code == 200
    return str(response.json()["RspCode"])


def pay_through_sandbox(stack: RunningStack, journey: Journey) -> dict[str, Any]:
    """The citizen pays on the sandbox's page; the sandbox calls our IPN and redirects back."""
    attempt = start_payment(stack, journey.id)
    page = requests.get(attempt["pay_url"], timeout=30)
    assert page.status_code == 200
    assert "500.000" in page.text
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert action is not None
    form_url = requests.compat.urljoin(attempt["pay_url"], action.group(1))
    landed = requests.post(
        form_url, data={"vnp_TxnRef": attempt["txn_ref"], "choice": "00"}, timeout=30
    )  # the sandbox calls our IPN, then redirects the browser to our return page
    assert landed.status_code == 200
    assert landed.url.startswith(f"{stack.url}/payment/vnpay/return")
    assert "Thanh toán thành công" in landed.text
    return attempt


def test_paying_through_the_sandbox_pages(stack: RunningStack) -> None:
    journey = owed_dossier(stack)
    attempt = pay_through_sandbox(stack, journey)
    dossier = wait_for_status(stack, journey.id, "accepted")
    assert dossier["payment"]["reference"] == attempt["txn_ref"]
    assert notify_received(stack, journey.id, "payment.succeeded") == 1
    again = stack.call("POST", "/payment/payments", "citizen1", {"dossier_id": journey.id})
    assert again.status_code == 409


def test_ipns_signed_by_the_test(stack: RunningStack) -> None:
    secret = stack.state["vnpay"]["hash_secret"]
    journey = owed_dossier(stack)
    attempt = start_payment(stack, journey.id)
    query = dict(parse_qsl(urlsplit(attempt["pay_url"]).query))
    base = {
        "vnp_Amount": query["vnp_Amount"],
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": query["vnp_OrderInfo"],
        "vnp_PayDate": query["vnp_CreateDate"],
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": stack.state["vnpay"]["tmn_code"],
        "vnp_TransactionNo": "14620521",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": attempt["txn_ref"],
    }

    def signed(**changes: str) -> dict[str, str]:
        params = {**base, **changes}
        return {**params, "vnp_SecureHash": vnpay_sign(params, secret)}

    forged = {**signed(), "vnp_SecureHash": vnpay_sign(base, "not-the-secret")}
    assert ipn(stack, forged) == "97"
    assert ipn(stack, signed(vnp_Amount=str(int(base["vnp_Amount"]) + 100))) == "04"
    assert ipn(stack, signed(vnp_TxnRef="P999999999999000000")) == "01"
    payment = stack.call("GET", f"/payment/payments/{attempt['txn_ref']}", "citizen1").json()
    assert payment["status"] == "pending"  # nothing rejected changed anything

    assert ipn(stack, signed()) == "00"
    assert ipn(stack, signed()) == "02"  # a replay
    assert wait_for_status(stack, journey.id, "accepted")["status"] == "accepted"


def test_twenty_concurrent_identical_ipns_make_one_payment(stack: RunningStack) -> None:
    secret = stack.state["vnpay"]["hash_secret"]
    journey = owed_dossier(stack)
    attempt = start_payment(stack, journey.id)
    query = dict(parse_qsl(urlsplit(attempt["pay_url"]).query))
    params = {
        "vnp_Amount": query["vnp_Amount"],
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": stack.state["vnpay"]["tmn_code"],
        "vnp_TransactionNo": "20000001",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": attempt["txn_ref"],
    }
    params["vnp_SecureHash"] = vnpay_sign(params, secret)
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: ipn(stack, params), range(20)))
    assert sorted(answers) == ["00"] + ["02"] * 19

    dossier = wait_for_status(stack, journey.id, "accepted")
    assert [h["action"] for h in dossier["history"]].count("confirm_payment") == 1
    assert notify_received(stack, journey.id, "payment.succeeded") == 1
    time.sleep(2)  # anything duplicated would have arrived by now
    assert notify_received(stack, journey.id, "payment.succeeded", timeout_s=0) == 1


def test_paying_after_a_withdrawal_and_after_a_counter_payment_is_owed_back(
    stack: RunningStack,
) -> None:
    """A hostile client: it paid a withdrawn dossier's fee, and a fee already paid
    at the counter. Each IPN is recorded and answered 00 (VNPay's protocol: the order exists, the
    amount is right, it was not confirmed before; the bank has the money), the payment is owed
    back and listed for the desk, and no new attempt can start (409)."""
    secret = stack.state["vnpay"]["hash_secret"]
    withdrawn, counter = owed_dossier(stack), owed_dossier(stack)
    attempts = {j.id: start_payment(stack, j.id) for j in (withdrawn, counter)}
    withdrawn.do("citizen1", "withdraw")
    counter.pay_at_counter()

    for journey, code in ((withdrawn, "fee_no_longer_owed"), (counter, "already_paid")):
        deadline = time.monotonic() + 30  # until payment has heard from intake
        while True:
            again = stack.call("POST", "/payment/payments", "citizen1", {"dossier_id": journey.id})
            if again.status_code == 409 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert (again.status_code, again.json()["error"]["code"]) == (409, code)

        attempt = attempts[journey.id]
        query = dict(parse_qsl(urlsplit(attempt["pay_url"]).query))
        params = {
            "vnp_Amount": query["vnp_Amount"],
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": stack.state["vnpay"]["tmn_code"],
            "vnp_TransactionNo": "30000001",
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": attempt["txn_ref"],
        }
        params["vnp_SecureHash"] = vnpay_sign(params, secret)
        assert ipn(stack, params) == "00"
        assert ipn(stack, params) == "02"
        recorded = stack.call("GET", f"/payment/payments/{attempt['txn_ref']}", "citizen1").json()
        assert recorded["status"] == "refund_due"
        listed = stack.call("GET", "/payment/refunds", "desk1").json()["items"]
        assert attempt["txn_ref"] in [r["txn_ref"] for r in listed]
    assert wait_for_status(stack, withdrawn.id, "withdrawn")["payment"] is None
    assert wait_for_status(stack, counter.id, "accepted")["payment"]["method"] == "counter"
