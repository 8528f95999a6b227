"""A full level-4 journey on the local stack (submit, accept, pay through the VNPay sandbox,
approve, deliver by the post office sandbox, returned) produces exactly the expected e-mails and
SMS in moto's sent messages, each once, and nothing for the steps that concern nobody."""

from __future__ import annotations

import random
import time
import uuid
from typing import Any

import requests

from infra.local.bootstrap import DEMO_USERS
from tests.e2e.conftest import RunningStack
from tests.e2e.test_one_stop import APPLICANT, Journey
from tests.e2e.test_payment_flow import pay_through_sandbox, wait_for_status
from tests.e2e.test_postal_flow import wait_for

DESK = next(u for u in DEMO_USERS if u.username == "desk1")

# What the applicant hears about, in e-mail and in SMS: nothing for processing_started,
# payment_confirmed, national_sync (they concern nobody's next step).
CITIZEN_EVENTS = (
    "dossier.submitted",
    "dossier.accepted",
    "dossier.fee_requested",
    "payment.succeeded",
    "dossier.result_ready",
    "shipment.booked",
    "shipment.delivered",
    "dossier.returned",
)


def sent_messages(stack: RunningStack) -> dict[str, Any]:
    data = requests.get(f"{stack.state['aws_endpoint']}/moto-api/data.json", timeout=30).json()
    return {"email": data["ses"]["Message"], "sms": data["sns"]["SMS"]}


def emails_to(sent: dict[str, Any], address: str) -> list[dict[str, Any]]:
    return [
        m for m in sent["email"] if address in (m.get("destinations") or {}).get("ToAddresses", [])
    ]


def sms_to(sent: dict[str, Any], phone: str) -> list[dict[str, Any]]:
    return [m for m in sent["sms"] if m.get("phone_number") == phone]


def notifications(stack: RunningStack, dossier_id: str, user: str) -> list[dict[str, Any]]:
    response = stack.call("GET", f"/notify/notifications?dossier_id={dossier_id}", user)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_level_4_journey_sends_each_expected_message_once(stack: RunningStack) -> None:
    digits = "".join(random.choice("0123456789") for _ in range(7))
    email = f"ha.{uuid.uuid4().hex[:10]}@example.vn"
    applicant = {**APPLICANT, "email": email, "phone": f"098{digits}"}
    phone = f"+8498{digits}"

    journey = Journey(
        stack, "MYPHAM-01", delivery="postal", address="25 Yersin, Nha Trang", applicant=applicant
    )
    journey.submitted().do("desk1", "accept")
    assert journey.dossier["status"] == "fee_requested"
    pay_through_sandbox(stack, journey)
    wait_for_status(stack, journey.id, "accepted")
    journey.do("desk1", "assign", {"unit": "Phòng Nghiệp vụ", "officer": "officer1"})
    journey.do("officer1", "approve", {"result_summary": "Số tiếp nhận 123/25/CBMP-KH"})

    deadline = time.monotonic() + 30
    shipments: list[dict[str, Any]] = []
    while not shipments or shipments[0]["status"] != "booked":
        assert time.monotonic() < deadline, "the result was never booked with the post office"
        time.sleep(0.3)
        shipments = stack.call(
            "GET", f"/delivery/shipments?dossier_id={journey.id}", "citizen1"
        ).json()["items"]
    base = stack.state["postal"]["base_url"]
    for _ in (70, 80, 100):
        moved = requests.post(
            f"{base}/sandbox/postal/shipments/{shipments[0]['item_code']}/advance",
            json={},
            timeout=30,
        )
        assert moved.status_code == 200, moved.text
    assert wait_for(stack, journey.id, "returned")["status"] == "returned"

    expected = {(f"{e}.{c}.citizen", c) for e in CITIZEN_EVENTS for c in ("email", "sms")}
    deadline = time.monotonic() + 60
    while True:
        mine = [
            n for n in notifications(stack, journey.id, "citizen1") if n["audience"] == "citizen"
        ]
        if len(mine) >= len(expected) and all(n["status"] == "sent" for n in mine):
            break
        assert time.monotonic() < deadline, f"notifications so far: {mine}"
        time.sleep(0.5)
    assert {(n["template_id"], n["channel"]) for n in mine} == expected
    assert len(mine) == len(expected)  # one per event and channel: no duplicates

    sent = sent_messages(stack)
    mails, texts = emails_to(sent, email), sms_to(sent, phone)
    assert len(mails) == len(CITIZEN_EVENTS)
    assert len(texts) == len(CITIZEN_EVENTS)
    subjects = {n["subject"] for n in mine if n["channel"] == "email"}
    assert {m["subject"] for m in mails} == subjects  # each e-mail once, as recorded
    code = journey.dossier["code"]
    assert sum(code in m["subject"] for m in mails) >= len(CITIZEN_EVENTS) - 1  # all but submitted
    assert all(m["message"].isascii() for m in texts)  # SMS without diacritics
    assert any("Ngay hen tra" in m["message"] and code in m["message"] for m in texts)

    # the desk heard of the submission once on each channel; nobody else of the staff heard of it
    staff = [n for n in notifications(stack, journey.id, "desk1") if n["audience"] != "citizen"]
    assert sorted((n["template_id"], n["status"]) for n in staff) == [
        ("dossier.submitted.email.desk", "sent"),
        ("dossier.submitted.sms.desk", "sent"),
    ]
    assert len([m for m in emails_to(sent, DESK.email) if journey.id in m["body"]]) == 1
    assert len([m for m in sms_to(sent, DESK.phone) if journey.id in m["message"]]) == 1
