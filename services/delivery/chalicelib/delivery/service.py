"""Delivery's use cases: book shipments reliably, follow the post office's callbacks, rebook,
collect originals."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.delivery.domain.model import (
    ANNOUNCED,
    REBOOKABLE,
    Party,
    Purpose,
    Shipment,
    ShipmentStatus,
)
from chalicelib.delivery.errors import NotRebookable, ShipmentNotFound
from chalicelib.delivery.ports import (
    Clock,
    Courier,
    PermanentBookingError,
    ShipmentStore,
    StatusReport,
    TransientBookingError,
)
from chalicelib.delivery.settings import DeliverySettings
from motcua_shared import timeutil
from motcua_shared.auth import OFFICERS, Principal
from motcua_shared.dispatch import Handlers, On, dispatch
from motcua_shared.errors import Conflict, require_dossier_id
from motcua_shared.records import DossierNotFound, may_see, require_dossier_visible

if TYPE_CHECKING:
    from pydantic import BaseModel

    from motcua_shared.events import Envelope
    from motcua_shared.events.dossier import DossierEvent, DossierResultReady

SOURCE = "delivery"


class DeliveryService:
    """Delivery's use cases, given its store, the post office and its clock (wired in
    :mod:`chalicelib.delivery.bootstrap`; fakes of each in tests/unit/fakes/delivery.py)."""

    def __init__(
        self,
        repository: ShipmentStore,
        post_office: Courier,
        settings: DeliverySettings,
        clock: Clock = timeutil.now,
    ) -> None:
        self.repository = repository
        self.post_office = post_office
        self.settings = settings
        self.clock = clock

    @property
    def desk(self) -> Party:
        s = self.settings
        return Party(name=s.desk_name, phone=s.desk_phone, address=s.desk_address)

    # -- what intake tells us ------------------------------------------------------------------
    def apply_event(self, envelope: Envelope, data: BaseModel) -> None:
        """Applied as often as delivered: the dossier copy is overwritten, the shipment is keyed
        by (dossier, purpose)."""
        dispatch(self.handlers, envelope, data)

    @cached_property
    def handlers(self) -> Handlers:
        """What each event intake announces does here (built on the first event: the
        contract's models load with it)."""
        from motcua_shared.events.dossier import DossierEvent, DossierResultReady

        return {
            "dossier.submitted": On(DossierEvent, self._remember),
            "dossier.accepted": On(DossierEvent, self._remember),
            "dossier.result_ready": On(DossierResultReady, self._result_ready),
        }

    def _remember(self, envelope: Envelope, d: DossierEvent) -> None:
        """Keep what delivery needs of the dossier: its owner, code, applicant and agency."""
        known = self.repository.dossier(d.dossier_id) or {}
        self.repository.save_dossier(
            d.dossier_id,
            {
                **known,
                "owner_sub": d.owner_sub,
                "code": d.code,
                "applicant": d.applicant.model_dump(),
                "agency_code": d.agency_code,
            },
        )

    def _result_ready(self, envelope: Envelope, d: DossierResultReady) -> None:
        self._remember(envelope, d)
        if d.delivery_method == "postal":
            self.deliver_result(d)

    def deliver_result(self, d: DossierResultReady) -> None:
        """Book the result's shipment once per dossier, whatever the number of deliveries."""
        shipment_id = f"{d.dossier_id}.{Purpose.RESULT}"
        shipment = self.repository.get(shipment_id)
        if shipment is None:
            at = self.clock()
            shipment = Shipment(
                id=shipment_id,
                dossier_id=d.dossier_id,
                dossier_code=d.code,
                purpose=Purpose.RESULT,
                owner_sub=d.owner_sub or "",
                sender=self.desk,
                receiver=Party(
                    name=d.applicant.full_name,
                    phone=d.applicant.phone or "",
                    address=d.delivery_address or "",
                    email=d.applicant.email,
                ),
                status=ShipmentStatus.BOOKING,
                created_at=at,
                updated_at=at,
            )
            shipment.move(ShipmentStatus.BOOKING, "Đặt dịch vụ bưu chính trả kết quả", at)
            try:
                self.repository.save(shipment)
            except Conflict:
                stored = self.repository.get(shipment_id)
                if stored is None:  # saved by another delivery of the event, then gone
                    raise
                shipment = stored
        self.book(shipment)

    def book(self, shipment: Shipment) -> Shipment:
        """Call the post office for a shipment still being booked. Transient failures raise, so the
        message comes back later (and ends in the DLQ after maxReceiveCount)."""
        if shipment.status is not ShipmentStatus.BOOKING:
            return shipment
        try:
            item_code = self.post_office.book(shipment)
        except PermanentBookingError as exc:
            at = self.clock()
            shipment.last_error = str(exc)
            shipment.move(ShipmentStatus.BOOKING_FAILED, f"Bưu điện từ chối: {exc}", at)
            self._save(shipment)
            return shipment
        at = self.clock()
        shipment.item_code = item_code
        shipment.last_error = None
        shipment.move(ShipmentStatus.BOOKED, f"Đã đặt dịch vụ, mã vận đơn {item_code}", at)
        self._save(shipment)
        return shipment

    # -- people ------------------------------------------------------------------------------
    def request_pickup(
        self, principal: Principal, dossier_id: str, address: str, preferred_date: str
    ) -> Shipment:
        dossier = self.repository.dossier(dossier_id)
        if dossier is None or dossier.get("owner_sub") != principal.sub:
            raise DossierNotFound()
        shipment_id = f"{dossier_id}.{Purpose.PICKUP}"
        existing = self.repository.get(shipment_id)
        if existing is not None:
            return self.book(existing)
        at = self.clock()
        applicant = dossier.get("applicant") or {}
        shipment = Shipment(
            id=shipment_id,
            dossier_id=dossier_id,
            dossier_code=dossier.get("code"),
            purpose=Purpose.PICKUP,
            owner_sub=principal.sub,
            sender=Party(
                name=applicant.get("full_name", ""),
                phone=applicant.get("phone") or "",
                address=address,
                email=applicant.get("email"),
            ),
            receiver=self.desk,
            status=ShipmentStatus.BOOKING,
            created_at=at,
            updated_at=at,
            preferred_date=preferred_date,
        )
        shipment.move(ShipmentStatus.BOOKING, "Yêu cầu bưu điện thu gom hồ sơ gốc", at)
        try:
            self.repository.save(shipment)
        except Conflict:
            shipment = self.repository.get(shipment_id) or shipment
        try:
            return self.book(shipment)
        except TransientBookingError:
            return shipment  # stays "booking"; the desk can rebook

    def rebook(self, shipment_id: str) -> Shipment:
        shipment = self.repository.get(shipment_id)
        if shipment is None:
            raise ShipmentNotFound()
        if shipment.status not in REBOOKABLE:
            raise NotRebookable(status=str(shipment.status))
        shipment.attempt += 1
        shipment.item_code = None
        shipment.move(
            ShipmentStatus.BOOKING, f"Đặt lại dịch vụ (lần {shipment.attempt})", self.clock()
        )
        self.repository.save(shipment)
        try:
            return self.book(shipment)
        except TransientBookingError:
            return shipment

    def visible(self, principal: Principal, shipment_id: str) -> Shipment:
        shipment = self.repository.get(shipment_id)
        if shipment is None or not may_see(principal, shipment.owner_sub):
            raise ShipmentNotFound()
        return shipment

    def for_dossier(self, principal: Principal, dossier_id: str) -> list[Shipment]:
        """The shipments of a dossier; another citizen's dossier is not found (404), as in
        intake, rather than an empty list that tells it exists."""
        require_dossier_id(dossier_id)
        shipments = self.repository.for_dossier(dossier_id)
        if not principal.has_any(OFFICERS):
            known = self.repository.dossier(dossier_id)
            owners = [s.owner_sub for s in shipments]
            if known is not None:
                owners.append(str(known.get("owner_sub") or ""))
            require_dossier_visible(principal, owners)
        return [s for s in shipments if may_see(principal, s.owner_sub)]

    # -- the post office -----------------------------------------------------------------------
    def callback(self, report: StatusReport) -> bool:
        """Apply a verified status callback; False if it changed nothing (a repeat)."""
        found = self.repository.by_item_code(report.item_code)
        if found is None:
            raise ShipmentNotFound()
        for _ in range(3):  # another callback for the same shipment may be saving right now
            shipment = self.repository.get(found.id) or found
            before, recorded = shipment.status, len(shipment.history)
            shipment.apply_callback(report.status_id, report.note, report.reported_at, self.clock())
            if len(shipment.history) == recorded:
                return False
            event = self._announce(shipment) if shipment.status != before else None
            try:
                self.repository.save(shipment, [event] if event else [])
            except Conflict:
                continue
            return True
        raise Conflict()

    def _save(self, shipment: Shipment) -> None:
        event = self._announce(shipment)
        self.repository.save(shipment, [event] if event else [])

    def _announce(self, shipment: Shipment) -> Envelope | None:
        from motcua_shared.events import new_event  # the contract (pydantic): loaded when used
        from motcua_shared.events.shipment import ShipmentEvent

        event_type = ANNOUNCED.get(shipment.status)
        if event_type is None:
            return None
        last = shipment.history[-1]
        data = ShipmentEvent(
            shipment_id=shipment.id,
            dossier_id=shipment.dossier_id,
            dossier_code=shipment.dossier_code,
            purpose=str(shipment.purpose),
            status=str(shipment.status),
            item_code=shipment.item_code,
            note=last.note,
            at=last.at,
            receiver_name=shipment.receiver.name,
            receiver_phone=shipment.receiver.phone or None,
            receiver_email=shipment.receiver.email,
        )
        return new_event(
            event_type,
            source=SOURCE,
            dossier_id=shipment.dossier_id,
            data=data,
            occurred_at=last.at,
        )
