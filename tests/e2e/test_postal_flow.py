"""The post office over HTTP on the local stack: a postal result goes from result_ready to
returned through the sandbox's own callbacks, and callbacks signed by the test (one forged, one
replayed) are judged as they should be."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_one_stop import Journey, notify_received


def postal_result(stack: RunningStack, address: str) -> tuple[Journey, dict[str, Any]]:
    journey = Journey(stack, "MYPHAM-03", delivery="postal", address=address).processing()
    journey.do("officer1", "approve", {"result_summary": "Đạt"})
    deadline = time.monotonic() + 30
    while True:
        items = stack.call(
            "GET", f"/delivery/shipments?dossier_id={journey.id}", "citizen1"
        ).json()["items"]
        if (items and items[0]["status"] == "booked") or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert items, "no shipment was booked"
    assert items[0]["status"] == "booked"
    return journey, items[0]


def wait_for(stack: RunningStack, dossier_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        dossier = stack.call("GET", f"/intake/dossiers/{dossier_id}", "citizen1").json()
        if dossier["status"] == status or time.monotonic() > deadline:
            return dossier
        time.sleep(0.3)


def test_postal_result_returned_through_the_sandbox(stack: RunningStack) -> None:
    journey, shipment = postal_result(stack, "25 Yersin, Nha Trang")
    base = stack.state["postal"]["base_url"]
    for _ in (70, 80, 100):  # accepted → delivering → delivered, each a signed callback
        moved = requests.post(
            f"{base}/sandbox/postal/shipments/{shipment['item_code']}/advance", json={}, timeout=30
        )
        assert moved.status_code == 200, moved.text
    dossier = wait_for(stack, journey.id, "returned")
    assert (dossier["status"], dossier["national_status"]) == ("returned", 10)
    after = stack.call("GET", f"/delivery/shipments/{shipment['id']}", "citizen1").json()
    assert after["status"] == "delivered"
    assert [h["status_id"] for h in after["history"] if h["status_id"]] == [70, 80, 100]
    assert notify_received(stack, journey.id, "shipment.delivered") == 1


def test_callbacks_signed_by_the_test(stack: RunningStack) -> None:
    journey, shipment = postal_result(stack, "KHONG PHAT DUOC, 1 Nguyễn Trãi, Nha Trang")
    secret = stack.state["postal"]["callback_secret"]

    def send(status_id: int, when: str, key: str = secret) -> requests.Response:
        data = json.dumps(
            {
                "ItemCode": shipment["item_code"],
                "OrderCode": journey.dossier["code"],
                "OrderStatusId": status_id,
                "DeliveryNote": "Phát không thành công",
                "LastUpdateTime": when,
            },
            ensure_ascii=False,
        )
        sign = hmac.new(key.encode(), data.encode(), hashlib.sha256).hexdigest()
        return requests.post(
            f"{stack.url}/delivery/postal/callback",
            json={"Data": data, "SendDate": when, "SignData": sign},
            timeout=30,
        )

    forged = send(100, "23/12/2026 09:00:00", key="guessed-secret")
    assert forged.status_code == 401
    assert (
        stack.call("GET", f"/delivery/shipments/{shipment['id']}", "citizen1").json()["status"]
        == "booked"
    )

    first = send(91, "23/12/2026 10:00:00")
    assert first.status_code == 200
    assert first.json()["Changed"] is True
    replay = send(91, "23/12/2026 10:00:00")
    assert replay.status_code == 200
    assert replay.json()["Changed"] is False
    after = stack.call("GET", f"/delivery/shipments/{shipment['id']}", "citizen1").json()
    assert after["status"] == "failed"
    assert [h["status_id"] for h in after["history"]].count(91) == 1
    assert notify_received(stack, journey.id, "shipment.failed") == 1
    assert wait_for(stack, journey.id, "result_ready")["history"][-1]["action"] in {
        "note_delivery",
        "approve",
    }
