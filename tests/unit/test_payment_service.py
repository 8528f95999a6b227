"""Payment's use cases on fakes of its ports (no AWS, no moto): fees heard from intake, attempts
to pay, every answer of the IPN, fees closed while money arrives, reconciliation.

The IPN answers follow VNPay's payment gateway protocol (IPN URL, RspCode): 00 the notification
is recorded, 01 the order is unknown, 02 it was confirmed before, 04 the amount is not the
order's, 97 the checksum (vnp_SecureHash) does not verify, 99 anything else; every answer but 00
changes nothing. Expected values are written out in each test.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from chalicelib.payment.domain.closure import ClosedBy
from chalicelib.payment.domain.model import PaymentStatus
from chalicelib.payment.errors import AlreadyPaid, FeeNoLongerOwed, NoFeeRequested, PaymentNotFound
from chalicelib.payment.providers.base import Outcome
from chalicelib.payment.service import PaymentService
from chalicelib.payment.settings import PaymentSettings
from motcua_shared.auth import Principal
from motcua_shared.timeutil import VN_TZ
from tests.unit.fakes.clock import FakeClock
from tests.unit.fakes.events import dossier_event
from tests.unit.fakes.payment import FakePaymentStore, FakeProvider

START = datetime(2026, 12, 3, 9, 0, tzinfo=VN_TZ)
DOSSIER = "d-1"
FEE = 500_000
CITIZEN = Principal(sub="citizen-1", username="citizen1", groups=frozenset({"citizen"}))
OTHER = Principal(sub="citizen-2", username="citizen2", groups=frozenset({"citizen"}))
DESK = Principal(sub="desk-1", username="desk1", groups=frozenset({"desk_officer"}))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def store() -> FakePaymentStore:
    return FakePaymentStore()


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()


@pytest.fixture
def service(store: FakePaymentStore, provider: FakeProvider, clock: FakeClock) -> PaymentService:
    # 15 minutes to pay, reused while 2 are left, reconciled after 15 (the defaults, written out);
    # read afresh: get_settings() is the app's, cached for the service tests that follow
    settings = dataclasses.replace(
        PaymentSettings.from_env(),
        payment_ttl_s=900,
        payment_reuse_min_s=120,
        reconcile_after_s=900,
    )
    return PaymentService(store, provider, settings, clock)


def fee_requested(service: PaymentService, dossier_id: str = DOSSIER) -> None:
    service.apply_event(
        *dossier_event("dossier.fee_requested", dossier_id, at=START, amount_vnd=FEE)
    )


def ipn(txn_ref: str, code: str = "00", amount_vnd: int = FEE, **extra: str) -> dict[str, str]:
    return {
        "vnp_TxnRef": txn_ref,
        "vnp_ResponseCode": code,
        "vnp_Amount": str(amount_vnd * 100),
        "vnp_SecureHash": "ok",
        "vnp_BankCode": "NCB",
        "vnp_TransactionNo": "14226112",
        **extra,
    }


def attempt(service: PaymentService) -> str:
    payment, _, _ = service.create(CITIZEN, DOSSIER, "10.0.0.1")
    return payment.txn_ref


# -- fees and attempts ---------------------------------------------------------------------------


def test_a_fee_request_is_recorded_once(service: PaymentService, store: FakePaymentStore) -> None:
    envelope, data = dossier_event("dossier.fee_requested", DOSSIER, at=START, amount_vnd=FEE)
    service.apply_event(envelope, data)
    service.apply_event(envelope, data.model_copy(update={"amount_vnd": 1}))  # a redelivery
    fee = store.fee(DOSSIER)
    assert fee is not None
    assert (fee.amount_vnd, fee.owner_sub, fee.requested_at) == (FEE, "citizen-1", START)
    assert store.applied == {envelope.id}


def test_events_that_do_not_concern_fees_change_nothing(
    service: PaymentService, store: FakePaymentStore
) -> None:
    service.apply_event(
        *dossier_event("dossier.accepted", DOSSIER, accepted_at=START, due_at=START)
    )
    assert store.fees == {}
    assert store.applied == set()


def test_an_attempt_is_started_then_reused_while_it_stays_valid(
    service: PaymentService, provider: FakeProvider, clock: FakeClock
) -> None:
    fee_requested(service)
    first, url, reused = service.create(CITIZEN, DOSSIER, "10.0.0.1")
    assert (first.status, first.amount_vnd, reused) == (PaymentStatus.PENDING, FEE, False)
    assert first.expires_at == START + timedelta(minutes=15)
    assert url == f"https://pay.example/{first.txn_ref}?ip=10.0.0.1"

    clock.advance(minutes=12, seconds=59)  # 2 minutes 1 second left: reused, with its first IP
    again, url, reused = service.create(CITIZEN, DOSSIER, "10.9.9.9")
    assert (again.txn_ref, reused) == (first.txn_ref, True)
    assert url == f"https://pay.example/{first.txn_ref}?ip=10.0.0.1"

    clock.advance(seconds=2)  # 1 minute 59 seconds left: too little to pay, a new order
    later, _, reused = service.create(CITIZEN, DOSSIER, "10.0.0.1")
    assert later.txn_ref != first.txn_ref
    assert reused is False


def test_only_the_owner_of_a_requested_fee_can_pay(service: PaymentService) -> None:
    with pytest.raises(NoFeeRequested):
        service.create(CITIZEN, DOSSIER, "10.0.0.1")  # no fee requested yet
    fee_requested(service)
    with pytest.raises(NoFeeRequested):
        service.create(OTHER, DOSSIER, "10.0.0.1")


@pytest.mark.parametrize(
    ("event_type", "extra", "error", "closed_by"),
    [
        (
            "dossier.payment_confirmed",
            {"method": "counter", "reference": "BL-1"},
            AlreadyPaid,
            "counter",
        ),
        ("dossier.withdrawn", {"reason": None}, FeeNoLongerOwed, "withdrawn"),
        ("dossier.refused", {"reason": "Thiếu giấy tờ"}, FeeNoLongerOwed, "refused"),
        ("dossier.stopped", {"reason": "Theo đề nghị"}, FeeNoLongerOwed, "stopped"),
    ],
)
def test_a_closed_fee_takes_no_new_attempt(
    service: PaymentService,
    event_type: str,
    extra: dict[str, str | None],
    error: type[Exception],
    closed_by: str,
) -> None:
    fee_requested(service)
    fields = {"amount_vnd": FEE, **extra} if event_type == "dossier.payment_confirmed" else extra
    service.apply_event(*dossier_event(event_type, DOSSIER, **fields))
    with pytest.raises(error) as raised:
        service.create(CITIZEN, DOSSIER, "10.0.0.1")
    assert raised.value.details == {"closed_by": closed_by}


# -- the IPN: every answer -----------------------------------------------------------------------


def test_00_a_success_settles_the_payment_closes_the_fee_and_announces_it(
    service: PaymentService, store: FakePaymentStore, clock: FakeClock
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    clock.advance(minutes=3)
    answer = service.ipn(ipn(txn_ref))
    assert answer.to_dict() == {"RspCode": "00", "Message": "Confirm Success"}
    paid = store.get(txn_ref)
    assert paid is not None
    assert (paid.status, paid.response_code, paid.bank_code) == (
        PaymentStatus.SUCCEEDED,
        "00",
        "NCB",
    )
    assert paid.settled_at == START + timedelta(minutes=3)
    closure = store.closure(DOSSIER)
    assert closure is not None
    assert (closure.by, closure.reference) == (ClosedBy.ONLINE, txn_ref)
    [announced] = store.events()
    assert announced.type == "payment.succeeded"
    assert announced.data["txn_ref"] == txn_ref
    assert announced.data["amount_vnd"] == FEE


def test_00_a_failure_is_recorded_and_another_attempt_allowed(
    service: PaymentService, store: FakePaymentStore
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    assert service.ipn(ipn(txn_ref, "24")).code == "00"
    failed = store.get(txn_ref)
    assert failed is not None
    assert (failed.status, failed.response_code) == (PaymentStatus.FAILED, "24")
    assert [e.type for e in store.events()] == ["payment.failed"]
    assert store.closure(DOSSIER) is None
    again, _, reused = service.create(CITIZEN, DOSSIER, "10.0.0.1")
    assert again.txn_ref != txn_ref
    assert reused is False


def test_01_an_unknown_order(service: PaymentService, store: FakePaymentStore) -> None:
    answer = service.ipn(ipn("P000000000000000001"))
    assert answer.to_dict() == {"RspCode": "01", "Message": "Order not found"}
    assert store.payments == {}
    assert store.events() == []


def test_02_a_repeated_notification_changes_nothing(
    service: PaymentService, store: FakePaymentStore
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    service.ipn(ipn(txn_ref))
    before = store.get(txn_ref)
    for code in ("00", "24"):  # the same, or another verdict for a confirmed order
        answer = service.ipn(ipn(txn_ref, code))
        assert answer.to_dict() == {"RspCode": "02", "Message": "Order already confirmed"}
    assert store.get(txn_ref) == before
    assert len(store.events()) == 1


def test_04_a_wrong_amount_changes_nothing(
    service: PaymentService, store: FakePaymentStore
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    answer = service.ipn(ipn(txn_ref, amount_vnd=FEE - 1))
    assert answer.to_dict() == {"RspCode": "04", "Message": "Invalid amount"}
    pending = store.get(txn_ref)
    assert pending is not None
    assert pending.status is PaymentStatus.PENDING
    assert store.events() == []


def test_97_an_invalid_signature_changes_nothing(
    service: PaymentService, store: FakePaymentStore
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    answer = service.ipn(ipn(txn_ref, vnp_SecureHash="forged"))
    assert answer.to_dict() == {"RspCode": "97", "Message": "Invalid signature"}
    pending = store.get(txn_ref)
    assert pending is not None
    assert pending.status is PaymentStatus.PENDING


def test_99_a_malformed_notification_changes_nothing(
    service: PaymentService, store: FakePaymentStore
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    answer = service.ipn({"vnp_TxnRef": txn_ref, "vnp_SecureHash": "ok"})  # no response code
    assert answer.to_dict() == {"RspCode": "99", "Message": "Unknown error"}
    assert store.events() == []


def test_00_money_for_a_fee_closed_meanwhile_is_recorded_as_owed_back(
    service: PaymentService, store: FakePaymentStore
) -> None:
    """Withdrawn while the citizen was on VNPay's page: the order is found, its amount is
    right and it was not confirmed before, so VNPay hears 00; the money is owed back."""
    fee_requested(service)
    txn_ref = attempt(service)
    service.apply_event(*dossier_event("dossier.withdrawn", DOSSIER, at=START, reason=None))
    assert service.ipn(ipn(txn_ref)).code == "00"
    owed = store.get(txn_ref)
    assert owed is not None
    assert owed.status is PaymentStatus.REFUND_DUE
    assert owed.refund_reason == "Hồ sơ đã được rút theo yêu cầu của người nộp"
    assert [e.type for e in store.events()] == ["payment.refund_due"]
    assert store.events()[0].data["closed_by"] == "withdrawn"
    assert [p.txn_ref for p in service.refunds()] == [txn_ref]


def test_00_a_success_after_reconciliation_expired_the_attempt_is_money_in(
    service: PaymentService, store: FakePaymentStore, clock: FakeClock
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    assert service.reconcile(START + timedelta(minutes=16))["expired"] == 1
    assert service.ipn(ipn(txn_ref)).code == "00"
    paid = store.get(txn_ref)
    assert paid is not None
    assert paid.status is PaymentStatus.SUCCEEDED
    assert service.ipn(ipn(txn_ref)).code == "02"


# -- fees closed after the money came ------------------------------------------------------------


def test_a_counter_payment_after_an_online_one_owes_the_online_money_back(
    service: PaymentService, store: FakePaymentStore
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    service.ipn(ipn(txn_ref))
    confirmed = dossier_event(
        "dossier.payment_confirmed",
        DOSSIER,
        at=START + timedelta(hours=1),
        method="counter",
        reference="BL-7",
        amount_vnd=FEE,
    )
    service.apply_event(*confirmed)
    service.apply_event(*confirmed)  # a redelivery owes nothing twice
    owed = store.get(txn_ref)
    assert owed is not None
    assert owed.status is PaymentStatus.REFUND_DUE
    assert [e.type for e in store.events()] == ["payment.succeeded", "payment.refund_due"]
    assert confirmed[0].id in store.applied


def test_a_withdrawal_after_the_money_came_owes_nothing_back(
    service: PaymentService, store: FakePaymentStore, clock: FakeClock
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    service.ipn(ipn(txn_ref))
    later = START + timedelta(hours=2)
    service.apply_event(*dossier_event("dossier.withdrawn", DOSSIER, at=later, reason=None))
    paid = store.get(txn_ref)
    assert paid is not None
    assert paid.status is PaymentStatus.SUCCEEDED
    assert service.refunds() == []


# -- reconciliation -------------------------------------------------------------------------------


def test_reconciliation_settles_lost_notifications_and_expires_abandoned_attempts(
    service: PaymentService, store: FakePaymentStore, provider: FakeProvider
) -> None:
    fee_requested(service, "d-paid")
    fee_requested(service, "d-failed")
    fee_requested(service, "d-open")
    fee_requested(service, "d-down")
    refs = {
        d: service.create(CITIZEN, d, "10.0.0.1")[0].txn_ref
        for d in ("d-paid", "d-failed", "d-open", "d-down")
    }
    paid_at = START + timedelta(minutes=4)
    provider.answers[refs["d-paid"]] = Outcome(
        refs["d-paid"], FEE, "succeeded", "00", "OK", paid_at
    )
    provider.answers[refs["d-failed"]] = Outcome(refs["d-failed"], FEE, "failed", "24", "Hủy")
    provider.answers[refs["d-down"]] = TimeoutError("VNPay did not answer")

    assert service.reconcile(START + timedelta(minutes=5)) == {
        "succeeded": 0,
        "failed": 0,
        "expired": 0,
        "refund_due": 0,
        "pending": 0,
    }  # too soon to ask anyone
    assert service.reconcile(START + timedelta(minutes=16)) == {
        "succeeded": 1,
        "failed": 1,
        "expired": 1,
        "refund_due": 0,
        "pending": 1,
    }
    status = {d: store.payments[ref].status for d, ref in refs.items()}
    assert status == {
        "d-paid": PaymentStatus.SUCCEEDED,
        "d-failed": PaymentStatus.FAILED,
        "d-open": PaymentStatus.EXPIRED,
        "d-down": PaymentStatus.PENDING,
    }
    assert store.payments[refs["d-paid"]].paid_at == paid_at
    assert sorted(e.type for e in store.events()) == [
        "payment.expired",
        "payment.failed",
        "payment.succeeded",
    ]


def test_reconciliation_of_money_for_a_closed_fee_counts_it_owed_back(
    service: PaymentService, store: FakePaymentStore, provider: FakeProvider
) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    service.apply_event(*dossier_event("dossier.stopped", DOSSIER, at=START, reason="Dừng"))
    provider.answers[txn_ref] = Outcome(txn_ref, FEE, "succeeded", "00", "OK")
    counts = service.reconcile(START + timedelta(minutes=16))
    assert (counts["refund_due"], counts["succeeded"]) == (1, 0)


# -- who sees what --------------------------------------------------------------------------------


def test_a_citizen_sees_their_attempts_and_an_officer_every_one(service: PaymentService) -> None:
    fee_requested(service)
    txn_ref = attempt(service)
    assert [p.txn_ref for p in service.for_dossier(CITIZEN, DOSSIER)] == [txn_ref]
    assert [p.txn_ref for p in service.for_dossier(DESK, DOSSIER)] == [txn_ref]
    assert service.visible(DESK, txn_ref).txn_ref == txn_ref
    with pytest.raises(NoFeeRequested):
        service.for_dossier(OTHER, DOSSIER)
    with pytest.raises(PaymentNotFound):
        service.visible(OTHER, txn_ref)
