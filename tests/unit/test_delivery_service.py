"""Delivery's use cases on fakes of its ports (no AWS, no moto): the result booked once from
intake's event, pickups, rebooking, and every status callback of the post office, repeated and
out of order.

The status ids are the post office's ``OrderStatusId`` of its status callbacks (the public postal
service's order API, as the sandbox in sandboxes/postal speaks it): 10 deleted and 60 cancelled,
20 sent, 70 accepted by the post office, 80 being delivered (the sandbox's), 91 delivery failed,
100 delivered, 161 return failed, 170 returned to the sender. A callback is at-least-once: a
repeat changes nothing, and an older status never moves a shipment backwards. Expected values
are written out below.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.delivery.domain.model import ShipmentStatus
from chalicelib.delivery.errors import NotRebookable, ShipmentNotFound
from chalicelib.delivery.ports import PermanentBookingError, StatusReport, TransientBookingError
from chalicelib.delivery.service import DeliveryService
from chalicelib.delivery.settings import DeliverySettings
from motcua_shared.auth import Principal
from motcua_shared.records import DossierNotFound
from motcua_shared.timeutil import VN_TZ
from tests.unit.fakes.clock import FakeClock
from tests.unit.fakes.delivery import FakePostOffice, FakeShipmentStore
from tests.unit.fakes.events import dossier_event

START = datetime(2026, 12, 3, 9, 0, tzinfo=VN_TZ)
DOSSIER = "d-1"
RESULT = f"{DOSSIER}.result"
CITIZEN = Principal(sub="citizen-1", username="citizen1", groups=frozenset({"citizen"}))
OTHER = Principal(sub="citizen-2", username="citizen2", groups=frozenset({"citizen"}))
DESK = Principal(sub="desk-1", username="desk1", groups=frozenset({"desk_officer"}))


@pytest.fixture
def store() -> FakeShipmentStore:
    return FakeShipmentStore()


@pytest.fixture
def post() -> FakePostOffice:
    return FakePostOffice()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def service(store: FakeShipmentStore, post: FakePostOffice, clock: FakeClock) -> DeliveryService:
    return DeliveryService(store, post, DeliverySettings.from_env(), clock)


def result_ready(service: DeliveryService, method: str = "postal") -> None:
    service.apply_event(
        *dossier_event(
            "dossier.result_ready",
            DOSSIER,
            result_summary="Cấp số công bố mỹ phẩm",
            delivery_method=method,
            delivery_address="12 Trần Phú, Nha Trang",
        )
    )


def report(status_id: int, at: str, item_code: str = "EK000001VN") -> StatusReport:
    return StatusReport(item_code, "", status_id, f"trạng thái {status_id}", at, None)


# -- booking --------------------------------------------------------------------------------------


def test_a_postal_result_is_booked_once_whatever_the_deliveries(
    service: DeliveryService, store: FakeShipmentStore, post: FakePostOffice
) -> None:
    result_ready(service)
    result_ready(service)  # SQS delivers at least once
    shipment = store.shipments[RESULT]
    assert (shipment.status, shipment.item_code) == (ShipmentStatus.BOOKED, "EK000001VN")
    assert (shipment.receiver.name, shipment.receiver.address) == (
        "Nguyễn Thị Hồng Nhung",
        "12 Trần Phú, Nha Trang",
    )
    assert post.booked == ["000.00.01.H56-261203-0001-result-1"]
    assert store.events() == ["shipment.booked"]
    assert store.dossiers[DOSSIER]["owner_sub"] == "citizen-1"


def test_a_result_handed_over_at_the_desk_books_nothing(
    service: DeliveryService, store: FakeShipmentStore, post: FakePostOffice
) -> None:
    result_ready(service, method="counter")
    assert store.shipments == {}
    assert post.booked == []
    assert store.dossiers[DOSSIER]["code"] == "000.00.01.H56-261203-0001"


def test_events_that_do_not_concern_delivery_change_nothing(
    service: DeliveryService, store: FakeShipmentStore
) -> None:
    service.apply_event(*dossier_event("dossier.rated", DOSSIER, score=5))
    assert store.dossiers == {}


def test_a_refused_booking_fails_and_a_passing_fault_is_tried_again(
    service: DeliveryService, store: FakeShipmentStore, post: FakePostOffice
) -> None:
    post.failures = [TransientBookingError("timeout")]
    with pytest.raises(TransientBookingError):  # the event comes back later
        result_ready(service)
    assert store.shipments[RESULT].status is ShipmentStatus.BOOKING
    result_ready(service)
    assert store.shipments[RESULT].status is ShipmentStatus.BOOKED

    service.callback(report(91, "04/12/2026 10:00:00"))  # not delivered: the desk rebooks
    post.failures = [PermanentBookingError("Địa chỉ không hợp lệ")]
    failed = service.rebook(RESULT)
    assert (failed.status, failed.attempt, failed.last_error) == (
        ShipmentStatus.BOOKING_FAILED,
        2,
        "Địa chỉ không hợp lệ",
    )
    assert store.events() == ["shipment.booked", "shipment.failed", "shipment.booking_failed"]


def test_only_a_failed_returned_or_refused_shipment_is_rebooked(
    service: DeliveryService, post: FakePostOffice
) -> None:
    result_ready(service)
    with pytest.raises(NotRebookable):
        service.rebook(RESULT)
    with pytest.raises(ShipmentNotFound):
        service.rebook("d-unknown.result")


def test_a_pickup_is_asked_by_the_dossier_s_owner_only(
    service: DeliveryService, store: FakeShipmentStore, post: FakePostOffice
) -> None:
    with pytest.raises(DossierNotFound):  # not heard of yet
        service.request_pickup(CITIZEN, DOSSIER, "5 Lê Lợi", "2026-12-05")
    service.apply_event(*dossier_event("dossier.submitted", DOSSIER, channel=2, submitted_at=START))
    with pytest.raises(DossierNotFound):
        service.request_pickup(OTHER, DOSSIER, "5 Lê Lợi", "2026-12-05")
    pickup = service.request_pickup(CITIZEN, DOSSIER, "5 Lê Lợi", "2026-12-05")
    again = service.request_pickup(CITIZEN, DOSSIER, "5 Lê Lợi", "2026-12-05")
    assert (pickup.id, pickup.status, pickup.sender.address) == (
        f"{DOSSIER}.pickup",
        ShipmentStatus.BOOKED,
        "5 Lê Lợi",
    )
    assert again.item_code == pickup.item_code == "EK000001VN"
    assert len(post.booked) == 1


# -- the post office's callbacks -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status_id", "status", "announced"),
    [
        (10, ShipmentStatus.CANCELLED, []),
        (20, ShipmentStatus.BOOKED, []),  # already booked: recorded, no move
        (60, ShipmentStatus.CANCELLED, []),
        (70, ShipmentStatus.ACCEPTED_BY_POST, []),
        (80, ShipmentStatus.DELIVERING, []),
        (91, ShipmentStatus.FAILED, ["shipment.failed"]),
        (100, ShipmentStatus.DELIVERED, ["shipment.delivered"]),
        (161, ShipmentStatus.FAILED, ["shipment.failed"]),
        (170, ShipmentStatus.RETURNED, ["shipment.returned"]),
        (555, ShipmentStatus.BOOKED, []),  # a status id we do not know: recorded only
    ],
)
def test_every_status_of_the_post_office(
    service: DeliveryService,
    store: FakeShipmentStore,
    clock: FakeClock,
    status_id: int,
    status: ShipmentStatus,
    announced: list[str],
) -> None:
    result_ready(service)
    clock.advance(hours=5)
    assert service.callback(report(status_id, "03/12/2026 14:00:00")) is True
    shipment = store.shipments[RESULT]
    assert shipment.status is status
    last = shipment.history[-1]
    expected_label = "postal_555" if status_id == 555 else str(status)
    assert (last.status, last.status_id, last.reported_at) == (
        expected_label,
        status_id,
        "03/12/2026 14:00:00",
    )
    assert shipment.updated_at == datetime(2026, 12, 3, 14, 0, tzinfo=VN_TZ)
    assert store.events() == ["shipment.booked", *announced]


def test_a_repeated_callback_changes_nothing(
    service: DeliveryService, store: FakeShipmentStore
) -> None:
    result_ready(service)
    assert service.callback(report(100, "03/12/2026 14:00:00")) is True
    writes = store.writes
    assert service.callback(report(100, "03/12/2026 14:00:00")) is False
    assert store.writes == writes
    assert store.events() == ["shipment.booked", "shipment.delivered"]


def test_callbacks_out_of_order_never_move_a_shipment_backwards(
    service: DeliveryService, store: FakeShipmentStore
) -> None:
    result_ready(service)
    service.callback(report(100, "04/12/2026 10:00:00"))  # delivered came first
    assert service.callback(report(80, "04/12/2026 08:00:00")) is True  # recorded
    assert service.callback(report(70, "03/12/2026 16:00:00")) is True
    shipment = store.shipments[RESULT]
    assert shipment.status is ShipmentStatus.DELIVERED
    assert [h.status for h in shipment.history[-3:]] == [
        "delivered",
        "delivering",
        "accepted_by_post",
    ]
    assert store.events() == ["shipment.booked", "shipment.delivered"]


def test_a_callback_for_an_unknown_waybill_is_not_found(service: DeliveryService) -> None:
    with pytest.raises(ShipmentNotFound):
        service.callback(report(100, "03/12/2026 14:00:00", item_code="EK999999VN"))


# -- who sees what --------------------------------------------------------------------------------


def test_a_citizen_sees_their_shipments_and_an_officer_every_one(
    service: DeliveryService,
) -> None:
    result_ready(service)
    assert [s.id for s in service.for_dossier(CITIZEN, DOSSIER)] == [RESULT]
    assert [s.id for s in service.for_dossier(DESK, DOSSIER)] == [RESULT]
    assert service.visible(DESK, RESULT).id == RESULT
    with pytest.raises(DossierNotFound):
        service.for_dossier(OTHER, DOSSIER)
    with pytest.raises(ShipmentNotFound):
        service.visible(OTHER, RESULT)
