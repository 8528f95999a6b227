"""When money that arrived online for a dossier's fee is owed back (plain Python, no AWS).

The rule: a fee is owed once. An online payment that closed the fee is owed
back when payment later hears that the fee was also paid at the counter (intake takes a counter
payment only while the dossier still waits for its fee, so it never applied the online one), or
that the dossier was withdrawn, refused or stopped before the money came. Expected answers are
written out by hand, case by case.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from chalicelib.payment.domain.closure import ClosedBy, FeeClosure, closure_of, owed_back
from chalicelib.payment.domain.model import Payment, PaymentStatus
from motcua_shared.timeutil import VN_TZ

PAID = datetime(2026, 11, 23, 9, 30, 15, tzinfo=VN_TZ)  # when payment recorded the money


def paid_online(status: PaymentStatus = PaymentStatus.SUCCEEDED) -> tuple[FeeClosure, Payment]:
    payment = Payment(
        txn_ref="P261123093000000001",
        dossier_id="d-1",
        dossier_code="000.00.01.H56-261123-0001",
        owner_sub="s-1",
        amount_vnd=500_000,
        provider="vnpay",
        order_info="Thanh toan le phi",
        status=status,
        created_at=PAID - timedelta(minutes=3),
        expires_at=PAID + timedelta(minutes=12),
        paid_at=PAID,
        settled_at=PAID,
    )
    return FeeClosure(ClosedBy.ONLINE, PAID, payment.txn_ref), payment


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        # paid at the counter too, before or after the online money: the online one is in excess
        (FeeClosure(ClosedBy.COUNTER, PAID - timedelta(hours=1), "BL-1"), True),
        (FeeClosure(ClosedBy.COUNTER, PAID + timedelta(hours=1), "BL-1"), True),
        # withdrawn, refused or stopped before the money came: owed back
        (FeeClosure(ClosedBy.WITHDRAWN, PAID - timedelta(seconds=1)), True),
        (FeeClosure(ClosedBy.REFUSED, PAID - timedelta(minutes=5)), True),
        (FeeClosure(ClosedBy.STOPPED, PAID - timedelta(days=1)), True),
        # in the same second (the money's time is stored to the second): owed back
        (FeeClosure(ClosedBy.WITHDRAWN, PAID.replace(microsecond=700_000)), True),
        # ... after the fee was paid: it was owed when paid, not owed back
        (FeeClosure(ClosedBy.WITHDRAWN, PAID + timedelta(seconds=1)), False),
        (FeeClosure(ClosedBy.STOPPED, PAID + timedelta(days=3)), False),
        # intake confirming the same online payment
        (FeeClosure(ClosedBy.ONLINE, PAID + timedelta(seconds=5), "P261123093000000001"), False),
    ],
)
def test_which_online_money_is_owed_back(heard: FeeClosure, expected: bool) -> None:
    closed, payment = paid_online()
    assert owed_back(closed, heard, payment) is expected


def test_money_already_owed_back_or_a_closure_by_the_counter_changes_nothing() -> None:
    closed, payment = paid_online(PaymentStatus.REFUND_DUE)
    counter = FeeClosure(ClosedBy.COUNTER, PAID + timedelta(hours=1), "BL-1")
    assert owed_back(closed, counter, payment) is False
    _, succeeded = paid_online()
    by_counter = FeeClosure(ClosedBy.COUNTER, PAID - timedelta(hours=1), "BL-1")
    withdrawn = FeeClosure(ClosedBy.WITHDRAWN, PAID - timedelta(hours=2))
    assert owed_back(by_counter, withdrawn, succeeded) is False


@pytest.mark.parametrize(
    ("event_type", "data", "closure"),
    [
        (
            "dossier.payment_confirmed",
            SimpleNamespace(method="counter", reference="BL-7"),
            (
                ClosedBy.COUNTER,
                "BL-7",
                "Phí, lệ phí đã được nộp tại Bộ phận Một cửa (biên lai BL-7)",
            ),
        ),
        (
            "dossier.payment_confirmed",
            SimpleNamespace(method="online", reference="P1"),
            (ClosedBy.ONLINE, "P1", "Phí, lệ phí đã được thanh toán trực tuyến (giao dịch P1)"),
        ),
        (
            "dossier.withdrawn",
            SimpleNamespace(reason=None),
            (ClosedBy.WITHDRAWN, None, "Hồ sơ đã được rút theo yêu cầu của người nộp"),
        ),
        (
            "dossier.refused",
            SimpleNamespace(reason="x"),
            (ClosedBy.REFUSED, None, "Hồ sơ đã bị từ chối tiếp nhận"),
        ),
        (
            "dossier.stopped",
            SimpleNamespace(reason="x"),
            (ClosedBy.STOPPED, None, "Hồ sơ đã bị dừng xử lý"),
        ),
    ],
)
def test_the_events_that_close_a_fee(
    event_type: str, data: object, closure: tuple[ClosedBy, str | None, str]
) -> None:
    found = closure_of(event_type, data, PAID)
    assert found is not None
    assert (found.by, found.reference, found.reason) == closure
    assert found.at == PAID
    assert FeeClosure.from_document(found.to_document()) == found.__class__(
        found.by, PAID.replace(microsecond=0), found.reference
    )


@pytest.mark.parametrize(
    "event_type",
    ["dossier.accepted", "dossier.fee_requested", "dossier.returned", "payment.failed"],
)
def test_other_events_close_nothing(event_type: str) -> None:
    assert closure_of(event_type, SimpleNamespace(method="counter", reference="x"), PAID) is None
