"""Notify's domain without I/O: the status moves of a notification, the retry policy, who hears
about what, the values people read, and composing a notification for a person."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib.notify.domain import audiences
from chalicelib.notify.domain.compose import INVALID_PHONE, EventRef, Person, compose
from chalicelib.notify.domain.model import (
    Channel,
    NotClaimable,
    Notification,
    ReceiptOutcome,
    RetryPolicy,
    Status,
    notification_id,
)
from chalicelib.notify.domain.preferences import DEFAULT_CHANNELS, channels_of
from chalicelib.notify.domain.templates import default_catalog
from chalicelib.notify.domain.values import DossierFacts, amount, date, date_time, event_values
from motcua_shared.events import dossier as de
from motcua_shared.events.shipment import ShipmentEvent
from motcua_shared.timeutil import VN_TZ

AT = datetime(2026, 11, 23, 8, 15, tzinfo=VN_TZ)
POLICY = RetryPolicy(max_attempts=3, base_delay_s=30, max_delay_s=100)


def person(**overrides: Any) -> Person:
    fields: dict[str, Any] = {
        "name": "Nguyễn Thị Lan",
        "sub": "sub-1",
        "phone": "0912 345 678",
        "email": "lan@example.vn",
        "channels": DEFAULT_CHANNELS,
        "link": "https://dichvucong.example.vn/ho-so/d-1",
    }
    return Person(**{**fields, **overrides})


def accepted_values() -> dict[str, str]:
    return {"code": "SYT-261123-0001", "due_date": "30/11/2026", "procedure_name": "Công bố"}


def new(channel: str = "sms", **overrides: Any) -> Notification:
    template = default_catalog().get(f"dossier.accepted.{channel}.citizen")
    made = compose(
        EventRef("e-1", "dossier.accepted", "d-1"),
        template,
        person(**overrides),
        accepted_values(),
        AT,
    )
    assert made is not None
    return made


# -- statuses --------------------------------------------------------------------------------------
def test_created_then_claimed_then_sent_then_delivered() -> None:
    n = new()
    assert (n.status, n.recipient, n.attempts) == (Status.CREATED, "+84912345678", 0)
    n.claim(AT)
    assert (n.status, n.attempts) == (Status.SENDING, 1)
    n.mark_sent("sns", "m-1", AT)
    assert (n.status, n.provider_message_id) == (Status.SENT, "m-1")
    assert n.apply_receipt(ReceiptOutcome.DELIVERED, AT) is True
    assert n.status is Status.DELIVERED
    assert n.apply_receipt(ReceiptOutcome.DELIVERED, AT) is False  # a duplicate
    assert n.apply_receipt(ReceiptOutcome.PERMANENT_FAILURE, AT) is False  # out of order
    assert [h.status for h in n.history] == ["created", "sending", "sent", "delivered"]


def test_only_created_or_waiting_notifications_can_be_claimed() -> None:
    n = new()
    n.claim(AT)
    with pytest.raises(NotClaimable):
        n.claim(AT)  # a second sender finds it taken
    n.mark_sent("sns", "m-1", AT)
    with pytest.raises(NotClaimable):
        n.claim(AT)


def test_temporary_failures_back_off_then_end_in_technical_failure() -> None:
    n = new()
    waits = []
    for attempt in range(1, POLICY.max_attempts + 1):
        assert n.is_due(AT + timedelta(hours=attempt))
        n.claim(AT)
        n.mark_temporary_failure("Throttling", AT, POLICY)
        if n.status is Status.TEMPORARY_FAILURE:
            assert n.next_attempt_at is not None
            waits.append((n.next_attempt_at - AT).total_seconds())
            assert not n.is_due(AT)
    assert waits == [30, 60]
    assert n.status is Status.TECHNICAL_FAILURE
    assert not n.is_due(AT + timedelta(days=1))


def test_the_retry_policy_doubles_up_to_its_ceiling() -> None:
    assert [POLICY.delay_after(a) for a in range(1, 6)] == [30, 60, 100, 100, 100]


def test_a_permanent_failure_is_final() -> None:
    n = new()
    n.claim(AT)
    n.mark_permanent_failure("MessageRejected", AT)
    assert n.status is Status.PERMANENT_FAILURE
    assert not n.is_due(AT + timedelta(days=1))
    assert n.apply_receipt(ReceiptOutcome.DELIVERED, AT) is False


def test_a_send_interrupted_is_never_repeated() -> None:
    n = new()
    n.claim(AT)
    assert n.pending_until(POLICY) == AT + timedelta(seconds=POLICY.stale_after_s)
    n.mark_outcome_unknown(AT)
    assert n.status is Status.TECHNICAL_FAILURE
    assert n.pending_until(POLICY) is None


def test_a_notification_survives_its_storage_form() -> None:
    n = new("email")
    n.claim(AT)
    n.mark_temporary_failure("Throttling", AT, POLICY)
    again = Notification.from_document(n.to_document(), 4)
    assert again.to_document() == n.to_document()
    assert again.version == 4


def test_the_same_event_channel_and_recipient_make_the_same_notification() -> None:
    assert new().id == new().id == notification_id("e-1", "sms", "+84912345678")
    assert new(phone="+84 912 345 678").id == new().id  # the number as normalised
    assert new("email").id != new().id


# -- composing -------------------------------------------------------------------------------------
def test_a_landline_is_a_permanent_failure_without_an_attempt() -> None:
    n = new(phone="0258 3822 123")
    assert (n.status, n.attempts, n.failure_reason) == (Status.PERMANENT_FAILURE, 0, INVALID_PHONE)
    assert n.recipient == "0258 3822 123"


def test_no_contact_or_a_channel_not_chosen_makes_no_notification() -> None:
    template = default_catalog().get("dossier.accepted.sms.citizen")
    ref = EventRef("e-1", "dossier.accepted", "d-1")
    assert compose(ref, template, person(phone=None), accepted_values(), AT) is None
    assert compose(ref, template, person(phone="  "), accepted_values(), AT) is None
    email_only = person(channels=frozenset({Channel.EMAIL}))
    assert compose(ref, template, email_only, accepted_values(), AT) is None


def test_the_sms_is_rendered_with_the_recipients_link() -> None:
    n = new()
    assert n.text == (
        "Ho so SYT-261123-0001 da duoc tiep nhan. Ngay hen tra: 30/11/2026. "
        "Tra cuu: https://dichvucong.example.vn/ho-so/d-1"
    )
    assert n.fragments == 1


def test_preferences_default_to_both_channels() -> None:
    assert channels_of(None) == DEFAULT_CHANNELS
    assert channels_of({"channels": ["sms"]}) == {Channel.SMS}
    assert channels_of({"channels": ["sms", "fax"]}) == {Channel.SMS}


# -- who hears -------------------------------------------------------------------------------------
def deadline(step: str, officer: str | None) -> de.DossierDeadline:
    return de.DossierDeadline(
        dossier_id="d-1",
        procedure_code="P",
        procedure_name="Thủ tục",
        status="processing",
        national_status=4,
        actor="system",
        applicant=de.Contact(full_name="Lan"),
        step=step,
        step_due_at=AT,
        due_at=AT,
        unit="Phòng Nghiệp vụ" if officer else None,
        officer=officer,
    )


def test_deadlines_go_to_the_assigned_officer_or_the_desk() -> None:
    assert audiences.requests_for("dossier.due_soon", "officer", deadline("processing", "o1")) == [
        audiences.User("o1")
    ]
    assert audiences.requests_for("dossier.due_soon", "officer", deadline("desk", None)) == [
        audiences.Group("desk_officer")
    ]
    assert audiences.requests_for("dossier.overdue", "officer", deadline("processing", None)) == []
    assert audiences.requests_for("dossier.overdue", "leader", deadline("processing", "o1")) == [
        audiences.Group("leader")
    ]


def test_a_pickup_shipment_is_not_the_applicants_result() -> None:
    shipment = ShipmentEvent(
        shipment_id="s",
        dossier_id="d",
        dossier_code=None,
        purpose="pickup",
        status="booked",
        item_code="EI1VN",
        note="",
        at=AT,
        receiver_name="Bộ phận Một cửa",
    )
    assert audiences.requests_for("shipment.booked", "citizen", shipment) == []
    result = shipment.model_copy(update={"purpose": "result"})
    assert audiences.requests_for("shipment.booked", "citizen", result) == [audiences.Applicant()]


# -- values ----------------------------------------------------------------------------------------
def test_values_are_written_the_way_people_read_them() -> None:
    utc = datetime(2026, 11, 23, 17, 30, tzinfo=VN_TZ).astimezone(VN_TZ.utc)
    assert date(utc) == "23/11/2026"
    assert date_time(utc) == "17:30 23/11/2026"
    assert amount(1_500_000) == "1.500.000 đồng"
    assert amount(0) == "0 đồng"


def test_before_acceptance_the_code_is_a_short_reference() -> None:
    facts = DossierFacts(dossier_id="3f2a9c1e-0000", code=None)
    assert facts.reference == "3F2A9C1E"
    assert DossierFacts(dossier_id="x", code="SYT-1").reference == "SYT-1"


def test_event_values_cover_every_template_of_the_event() -> None:
    facts = DossierFacts(dossier_id="d-1", code="SYT-1", procedure_name="Thủ tục")
    data = deadline("processing", "o1")
    values = event_values("dossier.overdue", data, facts, assignee="Phòng Nghiệp vụ – An")
    for template in default_catalog().for_event("dossier.overdue"):
        assert set(template.placeholders) - {"name", "link"} <= set(values)
    assert values["step"] == "thẩm định, giải quyết"
    assert values["assignee"] == "Phòng Nghiệp vụ – An"
