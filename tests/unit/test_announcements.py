"""The events intake announces for the steps of one write: each carries the status that its
own step produced (the event contract, motcua_shared.events.dossier.DossierEvent)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.intake.announcements import announce
from chalicelib.intake.domain import operations
from chalicelib.intake.domain.calendar import WorkingCalendar
from chalicelib.intake.domain.catalog import default_catalog
from chalicelib.intake.domain.model import (
    Action,
    Actor,
    Applicant,
    DeliveryMethod,
    Dossier,
    Status,
)
from motcua_shared.timeutil import VN_TZ

CITIZEN = Actor(sub="sub-citizen", username="citizen1", roles=frozenset({"citizen"}))
DESK = Actor(sub="sub-desk", username="desk1", roles=frozenset({"desk_officer"}), name="Lê Thị Hà")
AT = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)


def submitted_dossier(procedure_code: str) -> Dossier:
    procedure = default_catalog().get(procedure_code)
    dossier = operations.create(
        procedure,
        CITIZEN,
        Applicant(
            full_name="Nguyễn Thị Hồng Nhung",
            id_number="056190001234",
            phone="0905123456",
            email=None,
            address="12 Trần Phú, Nha Trang",
        ),
        "Cấp mới",
        {},
        DeliveryMethod.ONLINE,
        None,
        datetime(2026, 11, 23, 8, 50, tzinfo=VN_TZ),
    )
    dossier.record(
        Action.SUBMIT, Status.SUBMITTED, CITIZEN, datetime(2026, 11, 23, 9, 5, tzinfo=VN_TZ)
    )
    dossier.stored_steps = len(dossier.history)
    return dossier


def test_accepting_a_dossier_with_a_fee_announces_each_step_with_its_own_status() -> None:
    """Circular 01/2018 (as amended by 03/2025) numbers the national statuses: accepted is 2,
    "fee requested" is 6. Accepting a dossier whose procedure has a fee writes both steps at
    once; dossier.accepted must say "accepted" (2), not the fee request that followed."""
    procedure = default_catalog().get("DUOC-01")
    assert procedure.fee_vnd == 500_000
    dossier = submitted_dossier("DUOC-01")
    operations.accept(
        dossier, procedure, DESK, "000.00.01.H56-261123-0001", WorkingCalendar.vietnam(), AT
    )
    events = [announce(dossier, step) for step in dossier.new_steps]
    seen = [(e.type, e.data["status"], e.data["national_status"]) for e in events if e is not None]
    assert seen == [
        ("dossier.accepted", "accepted", 2),
        ("dossier.fee_requested", "fee_requested", 6),
    ]
