"""Notify in-process against moto: every event's messages, each sent once through SES and SNS;
every status path (sent, delivered, temporary → sent, technical, permanent); duplicates; a poison
message; delivery receipts; preferences; the list of what was sent."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from chalice.test import Client
from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID
from pydantic import BaseModel

from chalicelib.notify.domain.templates import default_catalog
from chalicelib.notify.receipts import sign
from infra.local.apps import load_app
from infra.local.bootstrap import DEMO_USERS, Stack
from motcua_shared.events import Envelope, new_event
from motcua_shared.events import dossier as de
from motcua_shared.events.payment import PaymentFailed, PaymentRefundDue, PaymentSucceeded
from motcua_shared.events.shipment import ShipmentEvent
from motcua_shared.timeutil import VN_TZ, now
from tests.service.conftest import RECEIPT_SECRETS, Pump
from tests.service.test_intake_dossiers import Auth, applicant, call, submitted

REGION = "ap-southeast-1"
DESK = next(u for u in DEMO_USERS if u.username == "desk1")
OFFICER = next(u for u in DEMO_USERS if u.username == "officer1")
LEADER = next(u for u in DEMO_USERS if u.username == "leader1")


# -- helpers -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def notify(aws: Stack) -> Iterator[Client]:
    # Other modules' events wait in notify's queue: these tests start from an empty one. Drained
    # rather than purged: SQS allows one PurgeQueue a minute, and this fixture can be set up
    # again on a worker within that minute (PurgeQueueInProgress).
    sqs, url = boto3.client("sqs"), aws.queue_urls["notify"]
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)
            ],
        )
    with Client(load_app("notify").app) as client:
        yield client


@pytest.fixture
def service(notify: Client) -> Iterator[Any]:
    """The notify app's service; tests move its clock and put it back."""
    svc = load_app("notify").service
    clock = svc.clock
    yield svc
    svc.clock = clock


def emails_to(address: str) -> list[Any]:
    backend = get_backend("ses")[DEFAULT_ACCOUNT_ID][REGION]
    return [m for m in backend.sent_messages if address in m.destinations.get("ToAddresses", [])]


def sms_to(phone: str) -> list[str]:
    backend = get_backend("sns")[DEFAULT_ACCOUNT_ID][REGION]
    return [text for number, text in backend.sms_messages.values() if number == phone]


def emails_about(dossier_id: str, address: str) -> list[Any]:
    return [m for m in emails_to(address) if dossier_id in m.body]


def sms_about(dossier_id: str, phone: str) -> list[str]:
    return [t for t in sms_to(phone) if dossier_id in t]


class Person:
    """An applicant with contacts nobody else uses, so what they receive can be counted."""

    def __init__(self) -> None:
        self.email = f"nhung.{uuid.uuid4().hex[:10]}@example.vn"
        digits = "".join(random.choice("0123456789") for _ in range(7))
        self.phone_local = f"091{digits}"
        self.phone = f"+8491{digits}"

    def contact(self, **overrides: Any) -> de.Contact:
        fields = {"full_name": "Nguyễn Thị Hồng Nhung", "phone": self.phone_local}
        return de.Contact(**{**fields, "email": self.email, **overrides})


def dossier_fields(dossier_id: str, person: Person, **overrides: Any) -> dict[str, Any]:
    return {
        "dossier_id": dossier_id,
        "procedure_code": "MYPHAM-01",
        "procedure_name": "Cấp số tiếp nhận Phiếu công bố sản phẩm mỹ phẩm",
        "status": "accepted",
        "national_status": 2,
        "actor": "desk1",
        "applicant": person.contact(),
        "code": f"SYT-261123-{random.randint(1000, 9999)}",
        "owner_sub": "sub-" + dossier_id,
        "agency_code": "SYT",
        **overrides,
    }


def deliver(pump: Pump, *envelopes: Envelope) -> None:
    """Put the events on notify's queue and let notify handle everything waiting there."""
    sqs = boto3.client("sqs")
    for envelope in envelopes:
        sqs.send_message(
            QueueUrl=pump.stack.queue_urls["notify"], MessageBody=envelope.model_dump_json()
        )
    drain(pump)


def drain(pump: Pump) -> None:
    while pump.queue("notify").poll_once():
        pass


def event(event_type: str, dossier_id: str, data: BaseModel) -> Envelope:
    source = event_type.split(".")[0].replace("dossier", "intake").replace("shipment", "delivery")
    return new_event(event_type, source=source, dossier_id=dossier_id, data=data)


def records(service: Any, dossier_id: str) -> list[Any]:
    return service.notifications.for_dossier(dossier_id)


def by_template(service: Any, dossier_id: str) -> dict[tuple[str, str], Any]:
    return {(n.template_id, n.recipient): n for n in records(service, dossier_id)}


# -- one sample event of every type that has templates ------------------------------------------
AT = datetime(2026, 11, 23, 8, 15, tzinfo=VN_TZ)


def sample_events(dossier_id: str, person: Person) -> dict[str, BaseModel]:
    base = dossier_fields(dossier_id, person)
    code = base["code"]
    shipment = {
        "shipment_id": f"{dossier_id}.result",
        "dossier_id": dossier_id,
        "dossier_code": code,
        "purpose": "result",
        "item_code": "EI123456789VN",
        "at": AT,
        "receiver_name": "Nguyễn Thị Hồng Nhung",
        "receiver_phone": person.phone_local,
    }
    deadline = {"step_due_at": AT, "due_at": AT + timedelta(days=5), "unit": "Phòng Nghiệp vụ"}
    return {
        "dossier.submitted": de.DossierSubmitted(
            **{**base, "code": None}, channel=1, submitted_at=AT
        ),
        "dossier.accepted": de.DossierAccepted(**base, accepted_at=AT, due_at=AT + timedelta(7)),
        "dossier.supplement_requested": de.DossierSupplementRequested(
            **base,
            reason="Thiếu giấy tờ",
            items=[de.SupplementItem(document_code="TP1", document_name="Phiếu công bố", note="")],
            requested_count=1,
        ),
        "dossier.refused": de.DossierRefused(**base, reason="Không thuộc thẩm quyền"),
        "dossier.fee_requested": de.DossierFeeRequested(**base, amount_vnd=500_000),
        "payment.succeeded": PaymentSucceeded(
            txn_ref="MC-1",
            dossier_id=dossier_id,
            dossier_code=code,
            amount_vnd=500_000,
            provider="vnpay",
            paid_at=AT,
        ),
        "payment.failed": PaymentFailed(
            txn_ref="MC-2",
            dossier_id=dossier_id,
            dossier_code=code,
            amount_vnd=500_000,
            provider="vnpay",
            response_code="24",
            reason="Khách hàng hủy giao dịch",
        ),
        "payment.refund_due": PaymentRefundDue(
            txn_ref="MC-3",
            dossier_id=dossier_id,
            dossier_code=code,
            amount_vnd=500_000,
            provider="vnpay",
            paid_at=AT,
            closed_by="withdrawn",
            reason="Hồ sơ đã được rút theo yêu cầu của người nộp",
        ),
        "dossier.result_ready": de.DossierResultReady(
            **base, result_summary="Số tiếp nhận 123/25/CBMP-KH", delivery_method="in_person"
        ),
        "shipment.booked": ShipmentEvent(**shipment, status="booked", note="Đã đặt"),
        "shipment.delivered": ShipmentEvent(**shipment, status="delivered", note="Phát thành công"),
        "shipment.failed": ShipmentEvent(**shipment, status="failed", note="Không liên lạc được"),
        "dossier.returned": de.DossierReturned(**base, returned_at=AT),
        "dossier.extended": de.DossierExtended(
            **base, reason="Cần xác minh", previous_due_at=AT, new_due_at=AT + timedelta(days=3)
        ),
        "dossier.withdrawn": de.DossierWithdrawn(**base, reason=None),
        "dossier.stopped": de.DossierStopped(**base, reason="Đình chỉ theo yêu cầu thanh tra"),
        "dossier.due_soon": de.DossierDeadline(
            **base, **deadline, step="processing", officer="officer1"
        ),
        "dossier.overdue": de.DossierDeadline(
            **base, **deadline, step="processing", officer="officer1"
        ),
    }


CITIZEN_EVENTS = [
    "dossier.submitted", "dossier.accepted", "dossier.supplement_requested", "dossier.refused",
    "dossier.fee_requested", "payment.succeeded", "payment.failed", "payment.refund_due",
    "dossier.result_ready",
    "shipment.booked", "shipment.delivered", "shipment.failed", "dossier.returned",
    "dossier.extended", "dossier.withdrawn", "dossier.stopped",
]  # fmt: skip


@pytest.mark.parametrize("event_type", CITIZEN_EVENTS)
def test_every_citizen_event_sends_one_email_and_one_sms_to_the_applicant(
    pump: Pump, service: Any, event_type: str
) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    samples = sample_events(dossier_id, person)
    # notify learns the applicant's contacts from a dossier event first (payment events carry none)
    deliver(pump, event("dossier.fee_requested", dossier_id, samples["dossier.fee_requested"]))
    before_mail, before_sms = len(emails_to(person.email)), len(sms_to(person.phone))

    envelope = event(event_type, dossier_id, samples[event_type])
    deliver(pump, envelope)

    mine = [n for n in records(service, dossier_id) if n.event_id == envelope.id]
    citizen = {(n.template_id, n.recipient, str(n.status)) for n in mine if n.audience == "citizen"}
    assert citizen == {
        (f"{event_type}.email.citizen", person.email, "sent"),
        (f"{event_type}.sms.citizen", person.phone, "sent"),
    }
    mails = emails_to(person.email)[before_mail:]
    texts = sms_to(person.phone)[before_sms:]
    assert len(mails) == 1
    assert len(texts) == 1
    email = next(n for n in mine if n.channel == "email" and n.audience == "citizen")
    assert mails[0].subject == email.subject
    if "name" in default_catalog().get(email.template_id).placeholders:
        assert "Kính gửi Nguyễn Thị Hồng Nhung" in mails[0].body
    assert f"/ho-so/{dossier_id}" in mails[0].body  # the link to the applicant's dossier page
    assert texts[0].isascii()
    assert "((" not in texts[0]
    assert "((" not in mails[0].body
    sms = next(n for n in mine if n.channel == "sms")
    assert 1 <= sms.fragments <= 2


def test_desk_officers_hear_of_new_submissions(pump: Pump, service: Any) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    submitted_event = sample_events(dossier_id, person)["dossier.submitted"]
    deliver(pump, event("dossier.submitted", dossier_id, submitted_event))
    desk = {
        (n.template_id, n.recipient) for n in records(service, dossier_id) if n.audience == "desk"
    }
    assert desk == {
        ("dossier.submitted.email.desk", DESK.email),
        ("dossier.submitted.sms.desk", DESK.phone),
    }
    (mail,) = emails_about(dossier_id, DESK.email)
    assert f"/can-bo/ho-so/{dossier_id}" in mail.body
    assert DESK.name in mail.body
    assert len(sms_about(dossier_id, DESK.phone)) == 1


def test_the_desk_hears_of_money_to_pay_back(pump: Pump, service: Any) -> None:
    """payment.refund_due: the desk officers are told which payment to refund and why."""
    person, dossier_id = Person(), str(uuid.uuid4())
    samples = sample_events(dossier_id, person)
    deliver(pump, event("dossier.fee_requested", dossier_id, samples["dossier.fee_requested"]))
    deliver(pump, event("payment.refund_due", dossier_id, samples["payment.refund_due"]))
    desk = {
        (n.template_id, n.recipient) for n in records(service, dossier_id) if n.audience == "desk"
    }
    assert desk == {
        ("payment.refund_due.email.desk", DESK.email),
        ("payment.refund_due.sms.desk", DESK.phone),
    }
    (mail,) = emails_about(dossier_id, DESK.email)
    code = samples["payment.refund_due"].dossier_code  # type: ignore[attr-defined]
    assert mail.subject == f"Cần hoàn trả 500.000 đồng cho hồ sơ {code}"
    assert "Lý do: Hồ sơ đã được rút theo yêu cầu của người nộp" in mail.body
    assert "mã giao dịch MC-3" in mail.body
    assert f"/can-bo/ho-so/{dossier_id}" in mail.body


def test_due_soon_goes_to_the_officer_and_overdue_also_to_the_leader(
    pump: Pump, service: Any
) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    samples = sample_events(dossier_id, person)
    deliver(pump, event("dossier.due_soon", dossier_id, samples["dossier.due_soon"]))
    deliver(pump, event("dossier.overdue", dossier_id, samples["dossier.overdue"]))
    sent = {(n.template_id, n.recipient) for n in records(service, dossier_id)}
    assert sent == {
        ("dossier.due_soon.email.officer", OFFICER.email),
        ("dossier.due_soon.sms.officer", OFFICER.phone),
        ("dossier.overdue.email.officer", OFFICER.email),
        ("dossier.overdue.sms.officer", OFFICER.phone),
        ("dossier.overdue.email.leader", LEADER.email),
        ("dossier.overdue.sms.leader", LEADER.phone),
    }
    (leader_mail,) = emails_about(dossier_id, LEADER.email)
    # the leader reads who is late: the unit and the officer's name from the user directory
    assert f"Phòng Nghiệp vụ – {OFFICER.name}" in leader_mail.body
    assert not emails_to(person.email)
    assert not sms_to(person.phone)  # not the applicant's affair


def test_deadline_at_the_desk_without_an_officer_goes_to_the_desk(pump: Pump, service: Any) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    data = sample_events(dossier_id, person)["dossier.due_soon"].model_copy(
        update={"step": "desk", "officer": None, "unit": None}
    )
    deliver(pump, event("dossier.due_soon", dossier_id, data))
    assert {(n.template_id, n.recipient) for n in records(service, dossier_id)} == {
        ("dossier.due_soon.email.officer", DESK.email),
        ("dossier.due_soon.sms.officer", DESK.phone),
    }


@pytest.mark.parametrize(
    "event_type",
    ["dossier.created", "dossier.processing_started", "dossier.rated", "payment.expired"],
)
def test_steps_that_concern_nobody_send_nothing(pump: Pump, service: Any, event_type: str) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    base = dossier_fields(dossier_id, person)
    data: BaseModel = {
        "dossier.created": lambda: de.DossierCreated(**base),
        "dossier.processing_started": lambda: de.DossierProcessingStarted(
            **base, unit="Phòng Nghiệp vụ", officer="officer1"
        ),
        "dossier.rated": lambda: de.DossierRated(**base, score=5),
        "payment.expired": lambda: __import__(
            "motcua_shared.events.payment", fromlist=["PaymentExpired"]
        ).PaymentExpired(
            txn_ref="MC-9", dossier_id=dossier_id, dossier_code=None, amount_vnd=1, provider="vnpay"
        ),
    }[event_type]()
    deliver(
        pump,
        event(
            "dossier.accepted", dossier_id, sample_events(dossier_id, person)["dossier.accepted"]
        ),
    )
    before = len(records(service, dossier_id))
    deliver(pump, event(event_type, dossier_id, data))
    assert len(records(service, dossier_id)) == before


def test_a_pickup_of_originals_is_not_announced_as_the_result(pump: Pump, service: Any) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    booked = sample_events(dossier_id, person)["shipment.booked"].model_copy(
        update={"purpose": "pickup", "shipment_id": f"{dossier_id}.pickup"}
    )
    deliver(pump, event("shipment.booked", dossier_id, booked))
    assert records(service, dossier_id) == []
    assert not sms_to(person.phone)


# -- through intake: the real events -------------------------------------------------------------
def test_a_submission_through_intake_reaches_the_applicant_and_the_desk(
    intake: Client, auth: Auth, pump: Pump, service: Any
) -> None:
    person = Person()
    dossier = submitted(
        intake, auth, applicant=applicant(email=person.email, phone=person.phone_local)
    )
    pump.publish("intake")
    drain(pump)
    (mail,) = emails_to(person.email)
    assert mail.subject.startswith("Đã nhận hồ sơ trực tuyến")
    assert len(sms_to(person.phone)) == 1
    assert len(emails_about(dossier["id"], DESK.email)) == 1


# -- exactly once ---------------------------------------------------------------------------------
def test_a_repeated_event_sends_nothing_twice(pump: Pump, service: Any) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    envelope = event(
        "dossier.accepted", dossier_id, sample_events(dossier_id, person)["dossier.accepted"]
    )
    deliver(pump, envelope, envelope)  # two SQS messages with one event
    deliver(pump, envelope)  # and once more later
    assert len(emails_to(person.email)) == 1
    assert len(sms_to(person.phone)) == 1
    assert len(records(service, dossier_id)) == 2


def test_a_retried_function_does_not_send_again(pump: Pump, service: Any) -> None:
    """The function sent, then died before its inbox record: the retry finds the notifications
    sent and sends nothing; one interrupted mid-send is not resent and ends as technical-failure."""
    person, dossier_id = Person(), str(uuid.uuid4())
    accepted = sample_events(dossier_id, person)["dossier.accepted"]
    envelope = event("dossier.accepted", dossier_id, accepted)
    facts = service._facts(envelope, accepted)
    email, sms = sorted(service.plan(envelope, accepted, facts), key=lambda n: n.channel)
    service.notifications.add(email)
    service.send(email)  # the e-mail went out
    sms.claim(now())  # the SMS was stored claimed, and the function died before sending it
    service.notifications.add(sms)

    deliver(pump, envelope)  # SQS delivers the event again

    assert len(emails_to(person.email)) == 1
    assert sms_to(person.phone) == []
    stored = by_template(service, dossier_id)
    assert stored[("dossier.accepted.sms.citizen", person.phone)].status == "sending"
    service.clock = lambda: now() + timedelta(minutes=16)
    assert service.retry_due()["ended"] >= 1
    stuck = by_template(service, dossier_id)[("dossier.accepted.sms.citizen", person.phone)]
    assert stuck.status == "technical-failure"
    assert "unknown" in stuck.failure_reason
    assert sms_to(person.phone) == []


# -- provider failures -----------------------------------------------------------------------------
@contextmanager
def provider_fails(
    service: Any, channel: str, code: str, times: int, status: int = 400
) -> Iterator[dict[str, int]]:
    """The provider (SES or SNS in moto) answers ``code`` to the next ``times`` calls, before
    the request reaches it (as AWS does when it throttles)."""
    provider = service.providers[channel]
    operation = "ses.SendEmail" if channel == "email" else "sns.Publish"
    calls = {"failed": 0}

    def hook(request: Any, **kwargs: Any) -> None:
        if calls["failed"] < times:
            calls["failed"] += 1
            error = {"Code": code, "Message": f"{code} (test)"}
            meta = {"HTTPStatusCode": status}
            raise ClientError({"Error": error, "ResponseMetadata": meta}, operation)

    provider.client.meta.events.register_first(f"before-send.{operation}", hook)
    try:
        yield calls
    finally:
        provider.client.meta.events.unregister(f"before-send.{operation}", hook)


def test_throttling_is_retried_with_backoff_then_sent_once(pump: Pump, service: Any) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    accepted = sample_events(dossier_id, person)["dossier.accepted"]
    start = now().replace(microsecond=0)
    service.clock = lambda: start
    with provider_fails(service, "email", "Throttling", times=2) as calls:
        deliver(pump, event("dossier.accepted", dossier_id, accepted))
        email = by_template(service, dossier_id)[("dossier.accepted.email.citizen", person.email)]
        assert (email.status, email.attempts) == ("temporary-failure", 1)
        assert email.next_attempt_at == start + timedelta(seconds=30)

        service.retry_due()  # not due yet: nothing happens
        assert calls["failed"] == 1
        service.clock = lambda: start + timedelta(seconds=31)
        service.retry_due()  # second attempt, throttled again: the wait doubles
        email = by_template(service, dossier_id)[("dossier.accepted.email.citizen", person.email)]
        assert (email.status, email.attempts) == ("temporary-failure", 2)
        assert email.next_attempt_at - (start + timedelta(seconds=31)) == timedelta(seconds=60)

        service.clock = lambda: start + timedelta(seconds=92)
        service.retry_due()
    email = by_template(service, dossier_id)[("dossier.accepted.email.citizen", person.email)]
    assert (email.status, email.attempts, calls["failed"]) == ("sent", 3, 2)
    assert len(emails_to(person.email)) == 1
    assert len(sms_to(person.phone)) == 1  # the SMS was never held up by the e-mail


def test_a_provider_that_keeps_failing_ends_in_technical_failure(pump: Pump, service: Any) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    start = now()
    service.clock = lambda: start
    with provider_fails(service, "sms", "ServiceUnavailable", times=99, status=503):
        deliver(
            pump,
            event(
                "dossier.refused", dossier_id, sample_events(dossier_id, person)["dossier.refused"]
            ),
        )
        for minute in range(1, 30):
            service.clock = lambda minute=minute: start + timedelta(minutes=minute)
            service.retry_due()
    sms = by_template(service, dossier_id)[("dossier.refused.sms.citizen", person.phone)]
    assert (sms.status, sms.attempts) == ("technical-failure", service.policy.max_attempts)
    assert "ServiceUnavailable" in sms.failure_reason
    assert sms_to(person.phone) == []
    assert len(emails_to(person.email)) == 1


def test_a_refused_recipient_is_a_permanent_failure_and_not_retried(
    pump: Pump, service: Any
) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    with provider_fails(service, "email", "MessageRejected", times=1) as calls:
        deliver(
            pump,
            event(
                "dossier.refused", dossier_id, sample_events(dossier_id, person)["dossier.refused"]
            ),
        )
        service.clock = lambda: now() + timedelta(hours=1)
        service.retry_due()
    email = by_template(service, dossier_id)[("dossier.refused.email.citizen", person.email)]
    assert (email.status, email.attempts, calls["failed"]) == ("permanent-failure", 1, 1)
    assert emails_to(person.email) == []


@pytest.mark.parametrize(
    ("phone", "email", "failed"),
    [
        ("02583822123", None, "sms"),  # a landline: no SMS possible
        ("12345", "lan@", "both"),
    ],
)
def test_invalid_contacts_are_permanent_failures_not_crashes(
    pump: Pump, service: Any, phone: str, email: str | None, failed: str
) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    contact = person.contact(phone=phone, **({"email": email} if email else {}))
    accepted = de.DossierAccepted(
        **dossier_fields(dossier_id, person, applicant=contact), accepted_at=AT, due_at=AT
    )
    deliver(pump, event("dossier.accepted", dossier_id, accepted))
    statuses = {n.channel: (n.status, n.attempts) for n in records(service, dossier_id)}
    assert statuses["sms"] == ("permanent-failure", 0)
    if failed == "both":
        assert statuses["email"] == ("permanent-failure", 0)
    else:
        assert statuses["email"] == ("sent", 1)
        assert len(emails_to(person.email)) == 1


def test_a_poison_message_goes_to_the_dlq_without_blocking_its_batch(
    aws: Stack, pump: Pump, service: Any
) -> None:
    sqs = boto3.client("sqs")
    person, dossier_id = Person(), str(uuid.uuid4())
    poison_id = f"poison-{uuid.uuid4()}"
    poison = {"id": poison_id, "type": "dossier.accepted", "version": 1}  # no data: invalid
    accepted = sample_events(dossier_id, person)["dossier.accepted"]
    good = event("dossier.accepted", dossier_id, accepted)
    sqs.send_message(QueueUrl=aws.queue_urls["notify"], MessageBody=json.dumps(poison))
    sqs.send_message(QueueUrl=aws.queue_urls["notify"], MessageBody=good.model_dump_json())
    drain(pump)
    assert len(emails_to(person.email)) == 1  # the good one went out on the first pass
    deadline = time.monotonic() + 30
    dead: dict[str, dict[str, Any]] = {}
    while poison_id not in dead and time.monotonic() < deadline:
        drain(pump)
        for message in sqs.receive_message(
            QueueUrl=aws.dlq_urls["notify"], MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", []):
            dead[json.loads(message["Body"]).get("id", "")] = message
    assert poison_id in dead
    assert good.id not in dead
    assert int(dead[poison_id]["Attributes"]["ApproximateReceiveCount"]) > 5
    assert len(emails_to(person.email)) == 1


def test_a_payment_before_its_dossier_is_known_waits_for_it(
    aws: Stack, pump: Pump, service: Any
) -> None:
    person, dossier_id = Person(), str(uuid.uuid4())
    samples = sample_events(dossier_id, person)
    deliver(pump, event("payment.succeeded", dossier_id, samples["payment.succeeded"]))
    assert records(service, dossier_id) == []  # retried later, not lost
    deliver(pump, event("dossier.fee_requested", dossier_id, samples["dossier.fee_requested"]))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(records(service, dossier_id)) < 4:
        drain(pump)
    assert {n.template_id for n in records(service, dossier_id)} >= {
        "payment.succeeded.email.citizen",
        "payment.succeeded.sms.citizen",
    }


# -- receipts ---------------------------------------------------------------------------------
def post_receipt(
    notify: Client, provider: str, body: Any, secret: str | None = None
) -> tuple[int, dict[str, Any]]:
    raw = json.dumps(body).encode()
    signature = sign(secret or RECEIPT_SECRETS.get(provider, "x"), raw)
    response = notify.http.post(
        f"/receipts/{provider}",
        headers={"Content-Type": "application/json", "X-Motcua-Signature": signature},
        body=raw,
    )
    return response.status_code, json.loads(response.body)


def ses_receipt(
    message_id: str, kind: str = "Delivery", bounce: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"notificationType": kind, "mail": {"messageId": message_id}}
    if bounce:
        body["bounce"] = {"bounceType": bounce, "bouncedRecipients": []}
    return body


def sns_receipt(message_id: str, status: str) -> dict[str, Any]:
    return {
        "notification": {"messageId": message_id, "timestamp": "2026-11-23 01:15:00.000"},
        "delivery": {
            "destination": "+84912000000",
            "providerResponse": "Message has been accepted by phone",
        },
        "status": status,
    }


@pytest.fixture
def sent(pump: Pump, service: Any) -> tuple[str, Any, Any]:
    person, dossier_id = Person(), str(uuid.uuid4())
    deliver(
        pump,
        event(
            "dossier.accepted", dossier_id, sample_events(dossier_id, person)["dossier.accepted"]
        ),
    )
    stored = {n.channel: n for n in records(service, dossier_id)}
    return dossier_id, stored["email"], stored["sms"]


def status_of(service: Any, notification: Any) -> str:
    return str(service.notifications.get(notification.id).status)


def test_receipts_move_sent_to_delivered_once(notify: Client, service: Any, sent: Any) -> None:
    _, email, sms = sent
    assert post_receipt(notify, "ses", ses_receipt(email.provider_message_id)) == (
        200,
        {"changed": True},
    )
    assert post_receipt(notify, "sns", sns_receipt(sms.provider_message_id, "SUCCESS")) == (
        200,
        {"changed": True},
    )
    assert (status_of(service, email), status_of(service, sms)) == ("delivered", "delivered")
    # repeated, and a late contradicting one: nothing changes
    assert post_receipt(notify, "ses", ses_receipt(email.provider_message_id)) == (
        200,
        {"changed": False},
    )
    late = ses_receipt(email.provider_message_id, "Bounce", "Permanent")
    assert post_receipt(notify, "ses", late) == (200, {"changed": False})
    assert post_receipt(notify, "sns", sns_receipt(sms.provider_message_id, "FAILURE"))[1] == {
        "changed": False
    }
    assert (status_of(service, email), status_of(service, sms)) == ("delivered", "delivered")


def test_hard_bounces_and_failed_sms_are_permanent_failures(
    notify: Client, service: Any, sent: Any
) -> None:
    _, email, sms = sent
    soft = ses_receipt(email.provider_message_id, "Bounce", "Transient")
    assert post_receipt(notify, "ses", soft) == (200, {"changed": False})
    assert status_of(service, email) == "sent"
    hard = ses_receipt(email.provider_message_id, "Bounce", "Permanent")
    assert post_receipt(notify, "ses", hard) == (200, {"changed": True})
    assert post_receipt(notify, "sns", sns_receipt(sms.provider_message_id, "FAILURE"))[0] == 200
    assert (status_of(service, email), status_of(service, sms)) == (
        "permanent-failure",
        "permanent-failure",
    )


def test_rejected_receipts_change_nothing(notify: Client, service: Any, sent: Any) -> None:
    _, email, _ = sent
    good = ses_receipt(email.provider_message_id)
    status, body = post_receipt(notify, "ses", good, secret="not-the-secret")
    assert (status, body["error"]["code"]) == (401, "bad_signature")
    assert body["error"]["message_vi"]
    raw = json.dumps(good).encode()
    unsigned = notify.http.post(
        "/receipts/ses", headers={"Content-Type": "application/json"}, body=raw
    )
    assert unsigned.status_code == 401
    assert post_receipt(notify, "pigeon", good)[1]["error"]["code"] == "unknown_provider"
    assert post_receipt(notify, "ses", {"mail": {}})[1]["error"]["code"] == "malformed_receipt"
    assert (
        post_receipt(notify, "ses", ses_receipt("no-such-message"))[1]["error"]["code"]
        == "unknown_message"
    )
    assert post_receipt(notify, "sns", sns_receipt(email.provider_message_id, "MAYBE"))[0] == 400
    assert status_of(service, email) == "sent"


# -- preferences and the list of what was sent -------------------------------------------------
def test_preferences_choose_the_channels(
    intake: Client, notify: Client, auth: Auth, pump: Pump, service: Any
) -> None:
    assert call(notify, "GET", "/preferences", auth("citizen2")) == (
        200,
        {"channels": ["email", "sms"]},
    )
    for bad in ({"channels": []}, {"channels": ["fax"]}, {"channels": "sms"}, {}):
        status, body = call(notify, "PUT", "/preferences", auth("citizen2"), bad)
        assert (status, body["error"]["code"]) == (400, "validation_error")
    assert call(notify, "PUT", "/preferences", auth("citizen2"), {"channels": ["sms"]}) == (
        200,
        {"channels": ["sms"]},
    )
    person = Person()
    try:
        submitted(
            intake,
            auth,
            "citizen2",
            applicant=applicant(email=person.email, phone=person.phone_local),
        )
        pump.publish("intake")
        drain(pump)
        assert emails_to(person.email) == []
        assert len(sms_to(person.phone)) == 1
    finally:
        call(notify, "PUT", "/preferences", auth("citizen2"), {"channels": ["email", "sms"]})


def test_the_owner_and_officers_see_what_was_sent_with_masked_recipients(
    notify: Client, auth: Auth, pump: Pump, service: Any, intake: Client
) -> None:
    person = Person()
    dossier = submitted(
        intake, auth, applicant=applicant(email=person.email, phone=person.phone_local)
    )
    pump.publish("intake")
    drain(pump)
    status, body = call(
        notify, "GET", f"/notifications?dossier_id={dossier['id']}", auth("citizen1")
    )
    assert status == 200
    citizen = [i for i in body["items"] if i["audience"] == "citizen"]
    assert {(i["channel"], i["status"]) for i in citizen} == {("email", "sent"), ("sms", "sent")}
    text = json.dumps(body, ensure_ascii=False)
    assert person.email not in text
    assert person.phone not in text
    assert person.phone_local not in text
    assert {i["recipient"] for i in citizen} == {
        person.email[0] + "***@example.vn",
        person.phone[:3] + "*" * (len(person.phone) - 5) + person.phone[-2:],
    }
    assert (
        call(notify, "GET", f"/notifications?dossier_id={dossier['id']}", auth("desk1"))[0] == 200
    )
    status, body = call(
        notify, "GET", f"/notifications?dossier_id={dossier['id']}", auth("citizen2")
    )
    assert (status, body["error"]["code"]) == (404, "dossier_not_found")
    status, body = call(notify, "GET", "/notifications", auth("citizen1"))
    assert (status, body["error"]["field"]) == (400, "dossier_id")
    unknown = call(notify, "GET", f"/notifications?dossier_id={uuid.uuid4()}", auth("citizen1"))
    assert unknown == (
        200,
        {"items": []},
    )  # nothing sent (yet) about a dossier notify never heard of
    assert call(notify, "GET", f"/notifications?dossier_id={dossier['id']}")[0] == 401
