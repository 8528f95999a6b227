"""The post office carries results and originals (moto + the post office sandbox): reliable
booking, every callback outcome, out-of-order and repeated callbacks, rebooking, pickups."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client

from infra.local.apps import load_app
from infra.local.bootstrap import Stack
from infra.resources import RESOURCES
from sandboxes.postal.server import PostalSandbox
from tests.service.conftest import POSTAL_SECRET, Pump
from tests.service.test_intake_dossiers import Auth, act, call, submitted

ADDRESS = "25 Yersin, Nha Trang, Khánh Hòa"


@pytest.fixture(scope="module")
def delivery(aws: Stack) -> Iterator[Client]:
    with Client(load_app("delivery").app) as client:
        yield client


def sandbox(postal: PostalSandbox, path: str, body: Any = None) -> requests.Response:
    host, port = postal.server_address[:2]
    url = f"http://{host}:{port}{path}"
    return (
        requests.post(url, json=body or {}, timeout=10)
        if body is not None
        else requests.get(url, timeout=10)
    )


def drain(pump: Pump, *services: str) -> None:
    for service in services:
        if service in ("intake", "payment", "delivery", "notify"):
            pump.publish(service)
    for service in services:
        while pump.queue(service).poll_once():
            pass


def result_ready(intake: Client, auth: Auth, pump: Pump, address: str = ADDRESS) -> dict[str, Any]:
    dossier = submitted(intake, auth, delivery_method="postal", delivery_address=address)
    act(intake, auth, "desk1", dossier["id"], "accept")
    act(
        intake,
        auth,
        "desk1",
        dossier["id"],
        "assign",
        {"unit": "Phòng Nghiệp vụ", "officer": "officer1"},
    )
    status, body = act(
        intake, auth, "officer1", dossier["id"], "approve", {"result_summary": "Đạt"}
    )
    assert (status, body["status"]) == (200, "result_ready")
    drain(pump, "intake", "delivery")
    return body


def shipments(
    delivery: Client, auth: Auth, dossier_id: str, user: str = "citizen1"
) -> list[dict[str, Any]]:
    status, body = call(delivery, "GET", f"/shipments?dossier_id={dossier_id}", auth(user))
    assert status == 200
    return list(body["items"])


def callback(
    delivery: Client, item_code: str, status_id: int, when: str, secret: str = POSTAL_SECRET
) -> tuple[int, dict[str, Any]]:
    data = json.dumps(
        {
            "ItemCode": item_code,
            "OrderCode": "x",
            "OrderStatusId": status_id,
            "DeliveryNote": f"Trạng thái {status_id}",
            "LastUpdateTime": when,
        },
        ensure_ascii=False,
    )
    sign = hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()
    body = {"Data": data, "SendDate": when, "SignData": sign}
    return call(delivery, "POST", "/postal/callback", {"Content-Type": "application/json"}, body)


def test_a_postal_result_is_booked_once_and_delivered(
    intake: Client, delivery: Client, auth: Auth, pump: Pump, aws: Stack
) -> None:
    dossier = result_ready(intake, auth, pump)
    [shipment] = shipments(delivery, auth, dossier["id"])
    assert (shipment["status"], shipment["purpose"]) == ("booked", "result")
    assert shipment["item_code"].startswith("EB")
    assert shipment["item_code"].endswith("VN")
    assert shipment["receiver"]["address"] == ADDRESS

    # The same event again books nothing new.
    from tests.service.test_events import outbox_events

    ready = next(e for e in outbox_events(dossier["id"]) if e["type"] == "dossier.result_ready")
    boto3.client("sqs").send_message(
        QueueUrl=aws.queue_urls["delivery"], MessageBody=json.dumps(ready)
    )
    drain(pump, "delivery")
    assert len(shipments(delivery, auth, dossier["id"])) == 1

    item = shipment["item_code"]
    assert callback(delivery, item, 70, "20/12/2026 08:00:00") == (
        200,
        {"Success": True, "Changed": True},
    )
    assert callback(delivery, item, 70, "20/12/2026 08:00:00")[1]["Changed"] is False  # a repeat
    assert callback(delivery, item, 100, "20/12/2026 15:00:00")[1]["Changed"] is True
    assert (
        callback(delivery, item, 80, "20/12/2026 10:00:00")[1]["Changed"] is True
    )  # late, recorded
    [shipment] = shipments(delivery, auth, dossier["id"])
    assert shipment["status"] == "delivered"  # never backwards
    assert [h["status_id"] for h in shipment["history"] if h["status_id"]] == [70, 100, 80]

    drain(pump, "delivery", "intake")
    _, returned = call(intake, "GET", f"/dossiers/{dossier['id']}", auth("citizen1"))
    assert (returned["status"], returned["national_status"]) == ("returned", 10)
    assert item in returned["history"][-1]["note"]


def test_callbacks_that_change_nothing(
    intake: Client, delivery: Client, auth: Auth, pump: Pump
) -> None:
    dossier = result_ready(intake, auth, pump)
    [shipment] = shipments(delivery, auth, dossier["id"])
    item = shipment["item_code"]
    status, body = callback(delivery, item, 100, "20/12/2026 15:00:00", secret="forged")
    assert (status, body["error"]["code"]) == (401, "bad_signature")
    status, body = callback(delivery, "EB000000000VN", 100, "20/12/2026 15:00:00")
    assert (status, body["error"]["code"]) == (404, "shipment_not_found")
    for bad in (
        {"Data": "{", "SignData": "x"},
        {"SendDate": "x"},
        "not json",
        {"Data": 5, "SignData": "x"},
    ):
        assert call(delivery, "POST", "/postal/callback", {}, bad)[0] == 400
    data = json.dumps({"ItemCode": item})  # signed, but no status
    sign = hmac.new(POSTAL_SECRET.encode(), data.encode(), hashlib.sha256).hexdigest()
    status, _ = call(delivery, "POST", "/postal/callback", {}, {"Data": data, "SignData": sign})
    assert status == 400
    [after] = shipments(delivery, auth, dossier["id"])
    assert (after["status"], len(after["history"])) == ("booked", len(shipment["history"]))


def test_failed_delivery_is_shown_and_the_desk_rebooks(
    intake: Client, delivery: Client, auth: Auth, pump: Pump
) -> None:
    dossier = result_ready(intake, auth, pump)
    [shipment] = shipments(delivery, auth, dossier["id"])
    assert call(delivery, "POST", f"/shipments/{shipment['id']}/rebook", auth("desk1"))[0] == 409
    callback(delivery, shipment["item_code"], 91, "21/12/2026 16:00:00")
    drain(pump, "delivery", "intake")
    _, noted = call(intake, "GET", f"/dossiers/{dossier['id']}", auth("citizen1"))
    assert noted["status"] == "result_ready"
    assert noted["history"][-1]["action"] == "note_delivery"

    assert call(delivery, "POST", f"/shipments/{shipment['id']}/rebook", auth("citizen1"))[0] == 403
    status, rebooked = call(delivery, "POST", f"/shipments/{shipment['id']}/rebook", auth("desk1"))
    assert status == 200
    assert rebooked["status"] == "booked"
    assert rebooked["attempt"] == 2
    assert rebooked["item_code"] != shipment["item_code"]


def test_booking_retries_through_503_and_a_lost_response(
    intake: Client, delivery: Client, auth: Auth, pump: Pump, postal: PostalSandbox
) -> None:
    sandbox(postal, "/sandbox/postal/fail-next", {"count": 2, "status": 503})
    dossier = result_ready(intake, auth, pump)
    deadline = time.monotonic() + 20
    while (
        shipments(delivery, auth, dossier["id"])[0]["status"] == "booking"
        and time.monotonic() < deadline
    ):
        time.sleep(0.5)  # the message comes back after the retry delay
        drain(pump, "delivery")
    [shipment] = shipments(delivery, auth, dossier["id"])
    assert shipment["status"] == "booked"

    sandbox(postal, "/sandbox/postal/lose-next-response", {"count": 1})
    lost = result_ready(intake, auth, pump)
    deadline = time.monotonic() + 20
    while (
        shipments(delivery, auth, lost["id"])[0]["status"] == "booking"
        and time.monotonic() < deadline
    ):
        time.sleep(0.5)
        drain(pump, "delivery")
    [booked] = shipments(delivery, auth, lost["id"])
    recorded = [
        s
        for s in sandbox(postal, "/sandbox/postal/shipments").json()
        if s["ItemCode"] == booked["item_code"]
    ]
    assert len(recorded) == 1  # the post office has one order, and we have its waybill


def test_a_refused_booking_is_final_and_a_dead_post_office_ends_in_the_dlq(
    intake: Client, delivery: Client, auth: Auth, pump: Pump, postal: PostalSandbox, aws: Stack
) -> None:
    sandbox(postal, "/sandbox/postal/fail-next", {"count": 1, "status": 400})
    refused = result_ready(intake, auth, pump)
    [shipment] = shipments(delivery, auth, refused["id"])
    assert shipment["status"] == "booking_failed"
    assert "400" in shipment["last_error"]

    sandbox(postal, "/sandbox/postal/fail-next", {"count": 50, "status": 503})
    down = result_ready(intake, auth, pump)
    sqs = boto3.client("sqs")
    max_receives = RESOURCES.queue_of("delivery").max_receive_count
    deadline = time.monotonic() + 4 * max_receives + 10
    dead: list[dict[str, Any]] = []
    while not dead and time.monotonic() < deadline:
        time.sleep(0.5)
        drain(pump, "delivery")
        dead = sqs.receive_message(QueueUrl=aws.dlq_urls["delivery"], MaxNumberOfMessages=10).get(
            "Messages", []
        )
    assert dead
    assert json.loads(dead[0]["Body"])["dossier_id"] == down["id"]
    assert shipments(delivery, auth, down["id"])[0]["status"] == "booking"  # the desk can rebook
    sandbox(postal, "/sandbox/postal/fail-next", {"count": 0, "status": 503})


def test_the_post_office_collects_the_originals(
    intake: Client, delivery: Client, auth: Auth, pump: Pump
) -> None:
    dossier = submitted(intake, auth)
    drain(pump, "intake", "delivery")
    body = {
        "dossier_id": dossier["id"],
        "address": "12 Trần Phú, Nha Trang",
        "preferred_date": "2026-12-22",
    }
    assert call(delivery, "POST", "/pickups", auth("citizen2"), body)[0] == 404
    status, pickup = call(delivery, "POST", "/pickups", auth("citizen1"), body)
    assert status == 201, pickup
    assert (pickup["purpose"], pickup["status"]) == ("pickup", "booked")
    assert pickup["receiver"]["name"].startswith("Bộ phận Một cửa")
    status, again = call(delivery, "POST", "/pickups", auth("citizen1"), body)
    assert again["id"] == pickup["id"]  # one pickup per dossier

    callback(delivery, pickup["item_code"], 100, "22/12/2026 10:00:00")
    drain(pump, "delivery", "intake")
    _, after = call(intake, "GET", f"/dossiers/{dossier['id']}", auth("citizen1"))
    assert after["status"] == "submitted"
    assert after["history"][-1]["action"] == "receive_originals"
    assert pickup["item_code"] in after["history"][-1]["note"]
