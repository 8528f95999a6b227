"""Notify's use cases on fakes of its ports (no AWS, no moto): who hears what for each event
type, the channels people chose, contacts that cannot be used, repeats, retries and who sees
what was sent.

Who hears what is the product's rule (the audiences of templates/templates.json, resolved by
domain/audiences.py): the applicant of each step of their dossier, the desk of what it must act
on, the officer a step is with of its deadline (the desk while nobody is assigned there), the
leaders of what is overdue. A text message goes only to a Vietnamese mobile number (0 or +84
and 9 digits, prefixes 03x, 05x, 07x, 08x, 09x: a landline such as 0258… cannot take one).
Expected recipients are written out by hand for each event.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from chalicelib.notify.domain.compose import INVALID_EMAIL, INVALID_PHONE
from chalicelib.notify.domain.model import Channel, RetryPolicy, Status
from chalicelib.notify.domain.templates import default_catalog
from chalicelib.notify.errors import FactsNotYetKnown
from chalicelib.notify.ports import StaffMember
from chalicelib.notify.providers.base import PermanentProviderError, TemporaryProviderError
from chalicelib.notify.receipts import ReceiptKeys
from chalicelib.notify.service import NotifyService
from chalicelib.notify.settings import NotifySettings
from motcua_shared.auth import Principal
from motcua_shared.events import Envelope
from motcua_shared.events import dossier as de
from motcua_shared.records import DossierNotFound
from motcua_shared.timeutil import VN_TZ
from tests.unit.fakes.clock import FakeClock
from tests.unit.fakes.events import dossier_event, event
from tests.unit.fakes.notify import (
    FakeDirectory,
    FakeDossierFacts,
    FakeNotificationStore,
    FakePreferences,
    FakeProvider,
)

START = datetime(2026, 12, 3, 9, 0, tzinfo=VN_TZ)
DOSSIER = "d-1"
CITIZEN = Principal(sub="citizen-1", username="citizen1", groups=frozenset({"citizen"}))
OTHER = Principal(sub="citizen-2", username="citizen2", groups=frozenset({"citizen"}))
DESK = Principal(sub="desk-sub-1", username="desk1", groups=frozenset({"desk_officer"}))

# The applicant's contacts (tests/unit/fakes/events.py), as messages are addressed.
APPLICANT_EMAIL = ("citizen", "email", "nhung@example.vn")
APPLICANT_SMS = ("citizen", "sms", "+84912345678")
STAFF = {
    "desk1": StaffMember("desk1", "desk-sub-1", "Trần Văn Tiếp", "0987654321", "desk1@soyte.vn"),
    "leader1": StaffMember("leader1", "leader-sub-1", "Lê Thị Lãnh", "0901111222", "lead@soyte.vn"),
    "officer1": StaffMember("officer1", "off-sub-1", "Phạm Văn Xử", "0933444555", "xu@soyte.vn"),
}


class World:
    """Notify's use cases on fakes, with their fakes at hand."""

    def __init__(self) -> None:
        self.clock = FakeClock(START)
        self.policy = RetryPolicy(max_attempts=3, base_delay_s=30)
        self.notifications = FakeNotificationStore(self.policy)
        self.preferences = FakePreferences()
        self.dossiers = FakeDossierFacts()
        self.directory = FakeDirectory(
            users=dict(STAFF), groups={"desk_officer": ["desk1"], "leader": ["leader1"]}
        )
        self.email = FakeProvider("ses", Channel.EMAIL)
        self.sms = FakeProvider("sns", Channel.SMS)
        self.service = NotifyService(
            notifications=self.notifications,
            preferences=self.preferences,
            dossiers=self.dossiers,
            directory=self.directory,
            providers={Channel.EMAIL: self.email, Channel.SMS: self.sms},
            catalog=default_catalog(),
            policy=self.policy,
            base_url="https://dichvucong.example",
            receipt_keys=ReceiptKeys(NotifySettings.from_env().receipt_secrets),
            clock=self.clock,
        )

    def apply(self, pair: tuple[Envelope, BaseModel]) -> None:
        self.service.apply_event(*pair)


@pytest.fixture
def world() -> World:
    return World()


def submitted(**extra: Any) -> tuple[Envelope, BaseModel]:
    return dossier_event(
        "dossier.submitted", DOSSIER, at=START, channel=2, submitted_at=START, **extra
    )


def deadline(event_type: str, step: str, officer: str | None) -> tuple[Envelope, BaseModel]:
    return dossier_event(
        event_type,
        DOSSIER,
        step=step,
        step_due_at=START + timedelta(days=1),
        due_at=START + timedelta(days=10),
        unit="Phòng Nghiệp vụ Dược" if officer else None,
        officer=officer,
    )


PAYMENT = {"txn_ref": "P1", "dossier_id": DOSSIER, "dossier_code": None, "amount_vnd": 500_000}
PAID = {**PAYMENT, "provider": "vnpay", "paid_at": START}


def shipment(event_type: str, purpose: str) -> tuple[Envelope, BaseModel]:
    fields = {
        "shipment_id": f"{DOSSIER}.{purpose}",
        "dossier_id": DOSSIER,
        "dossier_code": "000.00.01.H56-261203-0001",
        "purpose": purpose,
        "status": event_type.split(".")[1],
        "item_code": "EK000001VN",
        "note": "Đã phát",
        "at": START,
        "receiver_name": "Nguyễn Thị Hồng Nhung",
        "receiver_phone": "0912345678",
        "receiver_email": "nhung@example.vn",
    }
    return event(event_type, DOSSIER, fields)


def staff(audience: str, username: str) -> list[tuple[str, str, str]]:
    member = STAFF[username]
    phone = "+84" + (member.phone or "")[1:]
    return [(audience, "email", member.email or ""), (audience, "sms", phone)]


APPLICANT = [APPLICANT_EMAIL, APPLICANT_SMS]
CASES: dict[str, tuple[Any, list[tuple[str, str, str]]]] = {
    "dossier.created": (lambda: dossier_event("dossier.created", DOSSIER), []),
    "dossier.submitted": (submitted, APPLICANT + staff("desk", "desk1")),
    "dossier.accepted": (
        lambda: dossier_event("dossier.accepted", DOSSIER, accepted_at=START, due_at=START),
        APPLICANT,
    ),
    "dossier.fee_requested": (
        lambda: dossier_event("dossier.fee_requested", DOSSIER, amount_vnd=500_000),
        APPLICANT,
    ),
    "dossier.processing_started": (
        lambda: dossier_event(
            "dossier.processing_started", DOSSIER, unit="Phòng Dược", officer="officer1"
        ),
        [],
    ),
    "dossier.due_soon with an officer": (
        lambda: deadline("dossier.due_soon", "processing", "officer1"),
        staff("officer", "officer1"),
    ),
    "dossier.due_soon at the desk, nobody assigned": (
        lambda: deadline("dossier.due_soon", "desk", None),
        staff("officer", "desk1"),
    ),
    "dossier.due_soon in processing, nobody assigned": (
        lambda: deadline("dossier.due_soon", "processing", None),
        [],
    ),
    "dossier.overdue": (
        lambda: deadline("dossier.overdue", "processing", "officer1"),
        staff("leader", "leader1") + staff("officer", "officer1"),
    ),
    "dossier.supplement_requested": (
        lambda: dossier_event(
            "dossier.supplement_requested",
            DOSSIER,
            reason="Thiếu giấy chứng nhận",
            items=[de.SupplementItem(document_code="GCN", document_name="GCN", note="")],
            requested_count=1,
        ),
        APPLICANT,
    ),
    "dossier.refused": (
        lambda: dossier_event("dossier.refused", DOSSIER, reason="Không thuộc thẩm quyền"),
        APPLICANT,
    ),
    "dossier.rated": (lambda: dossier_event("dossier.rated", DOSSIER, score=5), []),
    "payment.succeeded": (lambda: event("payment.succeeded", DOSSIER, PAID), APPLICANT),
    "payment.failed": (
        lambda: event(
            "payment.failed",
            DOSSIER,
            {**PAYMENT, "provider": "vnpay", "response_code": "24", "reason": "Hủy"},
        ),
        APPLICANT,
    ),
    "payment.refund_due": (
        lambda: event(
            "payment.refund_due",
            DOSSIER,
            {**PAID, "closed_by": "withdrawn", "reason": "Hồ sơ đã được rút"},
        ),
        APPLICANT + staff("desk", "desk1"),
    ),
    "shipment.delivered (the result)": (
        lambda: shipment("shipment.delivered", "result"),
        APPLICANT,
    ),
    "shipment.delivered (originals to the desk)": (
        lambda: shipment("shipment.delivered", "pickup"),
        [],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_who_hears_what(world: World, case: str) -> None:
    make, expected = CASES[case]
    world.apply(dossier_event("dossier.created", DOSSIER, at=START))  # notify knows the dossier
    world.apply(make())
    assert world.notifications.sent() == sorted(expected)
    # each sent once, by the provider of its channel
    assert sorted(world.email.sent + world.sms.sent) == sorted(r for _, _, r in expected)
    assert all(n.status is Status.SENT for n in world.notifications.items.values())


def test_a_repeated_event_sends_nothing_twice(world: World) -> None:
    pair = submitted()
    world.apply(pair)
    world.apply(pair)
    assert len(world.email.sent) == len(world.sms.sent) == 2
    assert world.notifications.applied == [pair[0].id, pair[0].id]


def test_people_are_told_on_the_channels_they_chose(world: World) -> None:
    world.preferences.save("citizen-1", {"channels": ["email"]})
    world.preferences.save("desk-sub-1", {"channels": ["sms"]})
    world.apply(submitted())
    assert world.notifications.sent() == [
        APPLICANT_EMAIL,
        ("desk", "sms", "+84987654321"),
    ]


def test_a_contact_that_cannot_be_used_fails_without_an_attempt(world: World) -> None:
    contact = de.Contact(full_name="Hồ Văn Bàn", phone="02583822222", email="not-an-address")
    world.apply(submitted(applicant=contact))
    applicant = {
        n.channel: n for n in world.notifications.items.values() if n.audience == "citizen"
    }
    assert {c: (n.status, n.failure_reason, n.attempts) for c, n in applicant.items()} == {
        Channel.EMAIL: (Status.PERMANENT_FAILURE, INVALID_EMAIL, 0),
        Channel.SMS: (Status.PERMANENT_FAILURE, INVALID_PHONE, 0),
    }
    assert world.email.sent == ["desk1@soyte.vn"]  # the desk is told all the same
    assert world.sms.sent == ["+84987654321"]


def test_an_applicant_without_a_phone_gets_no_sms(world: World) -> None:
    world.apply(submitted(applicant=de.Contact(full_name="Võ Thị Mai", email="mai@example.vn")))
    assert [n for n in world.notifications.sent() if n[0] == "citizen"] == [
        ("citizen", "email", "mai@example.vn")
    ]


def test_an_event_about_a_dossier_not_heard_of_yet_is_retried_later(world: World) -> None:
    envelope, data = event("payment.succeeded", DOSSIER, PAID)
    with pytest.raises(FactsNotYetKnown):
        world.service.apply_event(envelope, data)
    assert world.notifications.items == {}
    assert world.notifications.applied == []


def test_a_shipment_of_a_dossier_not_heard_of_tells_its_receiver(world: World) -> None:
    world.apply(shipment("shipment.delivered", "result"))
    assert world.notifications.sent() == sorted(APPLICANT)
    assert world.dossiers.facts == {}  # a receiver is not the dossier's facts


def test_a_dossier_event_keeps_the_code_notify_knows(world: World) -> None:
    world.apply(dossier_event("dossier.accepted", DOSSIER, accepted_at=START, due_at=START))
    world.apply(dossier_event("dossier.withdrawn", DOSSIER, code=None, reason=None))
    facts = world.dossiers.facts[DOSSIER]
    assert (facts.code, facts.owner_sub) == ("000.00.01.H56-261203-0001", "citizen-1")


def test_a_temporary_failure_is_retried_after_its_backoff(world: World) -> None:
    world.sms.failures = [TemporaryProviderError("Throttling")]
    world.email.failures = [PermanentProviderError("MessageRejected")]
    world.apply(dossier_event("dossier.accepted", DOSSIER, accepted_at=START, due_at=START))
    by_channel = {n.channel: n for n in world.notifications.items.values()}
    assert by_channel[Channel.SMS].status is Status.TEMPORARY_FAILURE
    assert by_channel[Channel.SMS].next_attempt_at == START + timedelta(seconds=30)
    assert by_channel[Channel.EMAIL].status is Status.PERMANENT_FAILURE

    world.clock.advance(seconds=29)
    assert world.service.retry_due() == {"retried": 0, "ended": 0}
    world.clock.advance(seconds=1)
    assert world.service.retry_due() == {"retried": 1, "ended": 0}
    assert world.sms.sent == ["+84912345678"]
    assert world.email.sent == []  # a permanent failure is never tried again
    sms = world.notifications.items[by_channel[Channel.SMS].id]
    assert (sms.status, sms.attempts) == (Status.SENT, 2)


def test_a_citizen_sees_what_was_sent_to_them_and_an_officer_everything(world: World) -> None:
    assert world.service.for_dossier(CITIZEN, DOSSIER) == []  # not heard of yet
    world.apply(submitted())
    mine = world.service.for_dossier(CITIZEN, DOSSIER)
    assert sorted((n.audience, str(n.channel)) for n in mine) == [
        ("citizen", "email"),
        ("citizen", "sms"),
    ]
    assert len(world.service.for_dossier(DESK, DOSSIER)) == 4
    with pytest.raises(DossierNotFound):
        world.service.for_dossier(OTHER, DOSSIER)
