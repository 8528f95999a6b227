"""Intake's service layer driven through its use cases with in-memory fakes of its ports (no AWS,
no moto): each transition with what it writes (the history, the events in the outbox, the code,
the due dates), supplements and the stopped clock, extensions, ratings, the deadline watch.

The dates are worked out by hand on Vietnam's calendar: working hours 07:00–11:30 and
13:30–17:00 (8 h a day), Monday to Friday; November 2026 has no public holiday but the 24th
(Vietnamese Culture Day). Procedure MYPHAM-03: no fee, 5 working days, two required documents;
DUOC-02: a fee of 500 000 VND, 5 working days.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from chalicelib.intake.domain.errors import (
    AlreadyRated,
    DossierNotFound,
    ExtensionNotNeeded,
    InvalidTransition,
    MissingDocuments,
    MissingResult,
    NotAssignedOfficer,
    WrongAmount,
)
from chalicelib.intake.domain.model import Actor, Dossier, Role, Status
from chalicelib.intake.schemas import (
    DossierUpdate,
    NewAttachment,
    NewDossier,
    ProcedureEdit,
    ResultFileIn,
)
from motcua_shared.errors import Conflict, Forbidden
from motcua_shared.events.shipment import ShipmentEvent
from motcua_shared.timeutil import VN_TZ
from tests.unit.fakes.intake import FakeIntake, fake_intake

CITIZEN = Actor("citizen-1", "citizen1", frozenset({Role.CITIZEN}), "Nguyễn Văn An")
OTHER_CITIZEN = Actor("citizen-2", "citizen2", frozenset({Role.CITIZEN}))
DESK = Actor("desk-1", "desk1", frozenset({Role.DESK_OFFICER}), "Trần Thị Bình")
LEADER = Actor("leader-1", "leader1", frozenset({Role.LEADER}))
OFFICER = Actor("officer-1", "officer1", frozenset({Role.PROCESSING_OFFICER}))
OTHER_OFFICER = Actor("officer-2", "officer2", frozenset({Role.PROCESSING_OFFICER}))
ADMIN = Actor("admin-1", "admin1", frozenset({Role.ADMIN}))
SYSTEM = Actor("system", "system", frozenset({Role.SYSTEM}))
AGENCY = "000.00.01.H56"
PDF = b"%PDF-1.7 a scanned page"
FIRST_ID = "00000000-0000-4000-8000-000000000001"


def vn(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


MONDAY_8 = vn(11, 9, 8)  # Monday 9 November 2026, 08:00
MONDAY_10 = vn(11, 9, 10)


@pytest.fixture
def intake() -> FakeIntake:
    return fake_intake(MONDAY_8)


def new_dossier(procedure_code: str = "MYPHAM-03", delivery: str = "in_person") -> NewDossier:
    return NewDossier.model_validate(
        {
            "procedure_code": procedure_code,
            "applicant": {
                "full_name": "Nguyễn Văn An",
                "id_number": "001203004005",
                "phone": "0912345678",
                "address": "12 Hàng Bài, Hoàn Kiếm, Hà Nội",
            },
            "delivery_method": delivery,
            "delivery_address": "5 Lý Thường Kiệt, Hà Nội" if delivery == "postal" else None,
        }
    )


def upload(intake: FakeIntake, dossier_id: str, document_code: str, actor: Actor = CITIZEN) -> str:
    slot = intake.service.attach(
        dossier_id,
        actor,
        NewAttachment(
            document_code=document_code,
            filename=f"{document_code.lower()}.pdf",
            content_type="application/pdf",
            size_bytes=len(PDF),
        ),
    )
    intake.evidence.put(slot, PDF)
    return str(slot["attachment_id"])


def submitted(
    intake: FakeIntake, procedure_code: str = "MYPHAM-03", delivery: str = "in_person"
) -> Dossier:
    dossier = intake.service.create(CITIZEN, new_dossier(procedure_code, delivery))
    for document in intake.service.catalog.get(procedure_code).required_documents:
        upload(intake, dossier.id, document.code)
    return intake.service.submit(dossier.id, CITIZEN)


def accepted(intake: FakeIntake, at: datetime = MONDAY_10, **kwargs: str) -> Dossier:
    dossier = submitted(intake, **kwargs)
    intake.clock.set(at)
    return intake.service.accept(dossier.id, DESK)


def event_types(intake: FakeIntake) -> list[str]:
    """The types of the events written by the last save."""
    return [event.type for event in intake.dossiers.writes[-1].events]


def history(dossier: Dossier) -> list[str]:
    return [str(step.action) for step in dossier.history]


# --- creating and submitting ------------------------------------------------------------------


def test_a_draft_is_created_with_the_services_id_and_announced(intake: FakeIntake) -> None:
    dossier = intake.service.create(CITIZEN, new_dossier())

    assert dossier.id == FIRST_ID
    assert (dossier.status, dossier.created_at, dossier.version) == (Status.DRAFT, MONDAY_8, 1)
    assert history(dossier) == ["create"]
    # A draft has no status at the national portal: nothing to synchronise.
    assert event_types(intake) == ["dossier.created"]
    assert intake.dossiers.get(FIRST_ID).owner_sub == "citizen-1"


def test_submitting_freezes_the_uploaded_files_and_keeps_them(intake: FakeIntake) -> None:
    dossier = intake.service.create(CITIZEN, new_dossier())
    first = upload(intake, dossier.id, "VAN_BAN_DE_NGHI")
    with pytest.raises(MissingDocuments):
        intake.service.submit(dossier.id, CITIZEN)
    second = upload(intake, dossier.id, "GIAY_DANG_KY_DOANH_NGHIEP")
    intake.clock.set(vn(11, 9, 8, 30))

    done = intake.service.submit(dossier.id, CITIZEN)

    assert (done.status, done.submitted_at) == (Status.SUBMITTED, vn(11, 9, 8, 30))
    assert first == "00000000-0000-4000-a000-000000000001"
    assert intake.evidence.kept == [first, second]
    digest = hashlib.sha256(PDF).hexdigest()
    assert [(a.version_id, a.sha256, a.status) for a in done.attachments] == [
        ("v1", digest, "uploaded"),
        ("v1", digest, "uploaded"),
    ]
    assert event_types(intake) == ["dossier.submitted", "dossier.national_sync"]
    assert intake.dossiers.outbox[-1].data["record"]["TrangThaiHoSo"] == 1  # submitted


def test_another_citizens_dossier_does_not_exist_for_them(intake: FakeIntake) -> None:
    dossier = intake.service.create(CITIZEN, new_dossier())
    with pytest.raises(DossierNotFound):
        intake.service.visible(dossier.id, OTHER_CITIZEN)
    with pytest.raises(DossierNotFound):
        intake.service.submit(dossier.id, OTHER_CITIZEN)
    assert intake.service.visible(dossier.id, DESK).id == dossier.id


# --- accepting: the code, the appointment date, the fee ---------------------------------------


def test_accepting_issues_the_days_next_code_and_the_appointment_date(intake: FakeIntake) -> None:
    dossier = accepted(intake, at=vn(11, 9, 10))

    assert dossier.status is Status.ACCEPTED
    assert dossier.code == f"{AGENCY}-261109-0001"
    assert (dossier.accepted_at, dossier.accepted_by) == (vn(11, 9, 10), "Trần Thị Bình")
    # 5 working days from Monday 10:00 → Monday 16 November 10:00 (40 working hours).
    assert dossier.due_at == vn(11, 16, 10)
    # The desk's step has a tenth of them: 4 h → 10:00–11:30 and 13:30–16:00 the same day.
    assert dossier.step_plan == {"desk": 4.0, "processing": 32.0, "return": 4.0}
    assert (dossier.step, dossier.step_due_at) == ("desk", vn(11, 9, 16))
    assert history(dossier) == ["create", "submit", "accept"]
    assert event_types(intake) == ["dossier.accepted", "dossier.national_sync"]
    assert intake.dossiers.outbox[-2].data["due_at"] == "2026-11-16T10:00:00+07:00"

    second = accepted(intake, at=vn(11, 9, 11))
    assert second.code == f"{AGENCY}-261109-0002"


def test_a_refused_acceptance_draws_no_number(intake: FakeIntake) -> None:
    dossier = submitted(intake)
    with pytest.raises(Forbidden):
        intake.service.accept(dossier.id, CITIZEN)  # not the desk's role: 403 before any number
    assert intake.dossiers.sequences == {}


def test_a_fee_is_asked_on_acceptance_and_an_online_payment_moves_the_dossier_on(
    intake: FakeIntake,
) -> None:
    dossier = accepted(intake, procedure_code="DUOC-02")

    assert (dossier.status, dossier.fee_vnd) == (Status.FEE_REQUESTED, 500_000)
    assert history(dossier)[-2:] == ["accept", "request_fee"]
    assert event_types(intake) == [
        "dossier.accepted",
        "dossier.fee_requested",
        "dossier.national_sync",
    ]
    assert intake.dossiers.outbox[-2].data["amount_vnd"] == 500_000

    with pytest.raises(WrongAmount):
        intake.service.record_online_payment(dossier.id, SYSTEM, "TXN-1", 400_000)
    intake.clock.set(vn(11, 9, 14))
    assert intake.service.record_online_payment(dossier.id, SYSTEM, "TXN-1", 500_000) is True

    paid = intake.dossiers.get(dossier.id)
    assert paid.status is Status.ACCEPTED
    assert paid.payment is not None
    assert (paid.payment.method, paid.payment.reference, paid.payment.paid_at) == (
        "online",
        "TXN-1",
        vn(11, 9, 14),
    )
    assert event_types(intake) == ["dossier.payment_confirmed", "dossier.national_sync"]

    # A repeated notice: done, nothing written.
    writes = len(intake.dossiers.writes)
    assert intake.service.record_online_payment(dossier.id, SYSTEM, "TXN-1", 500_000) is False
    assert len(intake.dossiers.writes) == writes


# --- processing, result, return -----------------------------------------------------------------


def test_from_acceptance_to_return_each_step_is_recorded_and_announced(
    intake: FakeIntake,
) -> None:
    dossier = accepted(intake, at=vn(11, 9, 10))
    intake.clock.set(vn(11, 9, 15))
    assigned = intake.service.assign(dossier.id, LEADER, "Phòng Dược", "officer1")

    assert (assigned.status, assigned.unit, assigned.officer) == (
        Status.PROCESSING,
        "Phòng Dược",
        "officer1",
    )
    # 32 working hours from Monday 15:00: Monday 2 h, Tuesday to Thursday 24 h, Friday 6 h
    # (07:00–11:30, 13:30–15:00).
    assert (assigned.step, assigned.step_due_at) == ("processing", vn(11, 13, 15))
    assert [h.step for h in assigned.handoffs] == ["reception", "desk"]
    assert assigned.handoffs[-1].used_hours == 3.0  # 10:00–11:30 and 13:30–15:00
    assert event_types(intake) == ["dossier.processing_started", "dossier.national_sync"]

    with pytest.raises(NotAssignedOfficer):
        intake.service.approve(dossier.id, OTHER_OFFICER, "Đủ điều kiện")
    intake.clock.set(vn(11, 12, 9))
    approved = intake.service.approve(dossier.id, OFFICER, "Đủ điều kiện")
    assert (approved.status, approved.finished_at) == (Status.RESULT_READY, vn(11, 12, 9))
    assert approved.result_summary == "Đủ điều kiện"
    assert event_types(intake) == ["dossier.result_ready", "dossier.national_sync"]

    intake.clock.set(vn(11, 13, 8))
    returned = intake.service.return_result(dossier.id, DESK)
    assert (returned.status, returned.returned_at) == (Status.RETURNED, vn(11, 13, 8))
    assert returned.finished_at == vn(11, 12, 9)  # processing ended when it was approved
    assert returned.step is None
    assert history(returned) == ["create", "submit", "accept", "assign", "approve", "return"]
    assert event_types(intake) == ["dossier.returned", "dossier.national_sync"]


def test_an_online_result_is_uploaded_before_approval_and_its_first_download_returns_it(
    intake: FakeIntake,
) -> None:
    dossier = accepted(intake, delivery="online")
    intake.service.assign(dossier.id, LEADER, "Phòng Dược", "officer1")
    with pytest.raises(MissingResult):
        intake.service.approve(dossier.id, OFFICER, "Đủ điều kiện")

    slot = intake.service.prepare_result(
        dossier.id,
        OFFICER,
        ResultFileIn(filename="ket-qua.pdf", content_type="application/pdf", size_bytes=len(PDF)),
    )
    assert slot["verification_code"] == "ABCD-EFGH-0001"
    key = f"results/{dossier.id}/ABCD-EFGH-0001/ket-qua.pdf"
    intake.results.put(key, PDF)
    intake.clock.set(vn(11, 10, 9))
    approved = intake.service.approve(dossier.id, OFFICER, "Đủ điều kiện")
    assert approved.result is not None
    assert (approved.result.sha256, approved.result.version_id, approved.result.issued_at) == (
        hashlib.sha256(PDF).hexdigest(),
        "v7",
        vn(11, 10, 9),
    )
    assert intake.service.verify(" abcd-efgh-0001 ").id == dossier.id

    intake.clock.set(vn(11, 10, 10))
    link = intake.service.download_result(dossier.id, CITIZEN)
    assert link["download_url"] == f"fake://{key}?version=v7"
    assert link["status"] == "returned"
    returned = intake.dossiers.get(dossier.id)
    assert returned.result is not None
    assert (returned.returned_at, returned.result.downloaded_at) == (vn(11, 10, 10),) * 2
    assert event_types(intake) == ["dossier.returned", "dossier.national_sync"]


# --- supplements stop the clock ---------------------------------------------------------------


def test_a_supplement_stops_the_clock_until_the_applicant_answers(intake: FakeIntake) -> None:
    dossier = accepted(intake, at=vn(11, 9, 10))  # due Monday 16 November 10:00
    intake.clock.set(vn(11, 10, 10))
    asked = intake.service.request_supplement(
        dossier.id, DESK, "Giấy đăng ký đã hết hạn", [("GIAY_DANG_KY_DOANH_NGHIEP", "Bản mới")]
    )
    assert asked.status is Status.SUPPLEMENT_REQUESTED
    assert event_types(intake) == ["dossier.supplement_requested", "dossier.national_sync"]
    announced = intake.dossiers.outbox[-2].data
    assert (announced["reason"], announced["requested_count"]) == ("Giấy đăng ký đã hết hạn", 1)
    assert [i["document_code"] for i in announced["items"]] == ["GIAY_DANG_KY_DOANH_NGHIEP"]

    # Only the requested document may be uploaded again; the answer comes Thursday 10:00.
    intake.clock.set(vn(11, 12, 10))
    upload(intake, dossier.id, "GIAY_DANG_KY_DOANH_NGHIEP")
    answered = intake.service.submit(dossier.id, CITIZEN)

    assert answered.status is Status.ACCEPTED  # back where it was
    assert answered.supplement_requests[0].resolved_at == vn(11, 12, 10)
    # Tuesday 10:00 → Thursday 10:00 is 16 working hours: the appointment moves by as much,
    # from Monday 16 10:00 to Wednesday 18 10:00.
    assert answered.due_at == vn(11, 18, 10)
    assert event_types(intake) == ["dossier.resubmitted", "dossier.national_sync"]
    assert intake.dossiers.outbox[-2].data["due_at"] == "2026-11-18T10:00:00+07:00"


def test_a_day_off_set_by_the_administrator_moves_the_next_appointments(
    intake: FakeIntake,
) -> None:
    intake.service.set_calendar_year(ADMIN, 2026, [vn(11, 10).date()], [])
    assert intake.days.years == {2026: (["2026-11-10"], [])}
    dossier = accepted(intake, at=vn(11, 9, 10))
    # Tuesday 10 November off: 5 working days from Monday 10:00 end Tuesday 17 at 10:00.
    assert dossier.due_at == vn(11, 17, 10)


# --- extension, rating, the ends ---------------------------------------------------------------


def test_an_extension_apologises_and_sets_a_later_appointment(intake: FakeIntake) -> None:
    dossier = accepted(intake, at=vn(11, 9, 10))  # due Monday 16 November 10:00
    intake.clock.set(vn(11, 10, 10))
    with pytest.raises(ExtensionNotNeeded):  # more than a working day ahead of the due date
        intake.service.extend(dossier.id, LEADER, "Cần thẩm định thêm", vn(11, 18, 10))

    intake.clock.set(vn(11, 13, 15))  # Friday 15:00: 4 working hours before it is due
    extended = intake.service.extend(dossier.id, LEADER, "Cần thẩm định thêm", vn(11, 18, 10))

    assert extended.due_at == vn(11, 18, 10)
    assert [(e.previous_due_at, e.new_due_at, e.by) for e in extended.extensions] == [
        (vn(11, 16, 10), vn(11, 18, 10), "leader1")
    ]
    assert extended.alerts == []
    assert extended.status is Status.ACCEPTED
    # The status does not move: no national synchronisation.
    assert event_types(intake) == ["dossier.extended"]
    data = intake.dossiers.outbox[-1].data
    assert (data["previous_due_at"], data["new_due_at"]) == (
        "2026-11-16T10:00:00+07:00",
        "2026-11-18T10:00:00+07:00",
    )


def test_the_applicant_rates_a_returned_dossier_once(intake: FakeIntake) -> None:
    dossier = accepted(intake)
    intake.service.assign(dossier.id, LEADER, "Phòng Dược", "officer1")
    intake.service.approve(dossier.id, OFFICER, "Đủ điều kiện")
    with pytest.raises(InvalidTransition):
        intake.service.rate(dossier.id, CITIZEN, 5, "Nhanh")  # not returned yet
    intake.service.return_result(dossier.id, DESK)
    intake.clock.set(vn(11, 10, 9))

    rated = intake.service.rate(dossier.id, CITIZEN, 5, "Nhanh, chu đáo")

    assert rated.rating is not None
    assert (rated.rating.score, rated.rating.comment, rated.rating.at) == (
        5,
        "Nhanh, chu đáo",
        vn(11, 10, 9),
    )
    assert event_types(intake) == ["dossier.rated"]
    assert intake.dossiers.outbox[-1].data["score"] == 5
    with pytest.raises(AlreadyRated):
        intake.service.rate(dossier.id, CITIZEN, 1, "")


@pytest.mark.parametrize(
    ("operation", "status", "event"),
    [
        ("refuse", Status.REFUSED, "dossier.refused"),
        ("withdraw", Status.WITHDRAWN, "dossier.withdrawn"),
    ],
)
def test_refusing_or_withdrawing_a_submitted_dossier_ends_it(
    intake: FakeIntake, operation: str, status: Status, event: str
) -> None:
    dossier = submitted(intake)
    intake.clock.set(vn(11, 9, 11))
    if operation == "refuse":
        ended = intake.service.refuse(dossier.id, DESK, "Không thuộc thẩm quyền")
        assert (ended.refusal_reason, ended.refused_by) == (
            "Không thuộc thẩm quyền",
            "Trần Thị Bình",
        )
    else:
        ended = intake.service.withdraw(dossier.id, CITIZEN, "Nộp nhầm thủ tục")
    assert (ended.status, ended.finished_at) == (status, vn(11, 9, 11))
    assert event_types(intake) == [event, "dossier.national_sync"]


def test_a_leader_stops_processing(intake: FakeIntake) -> None:
    dossier = accepted(intake)
    intake.service.assign(dossier.id, LEADER, "Phòng Dược", "officer1")
    intake.clock.set(vn(11, 11, 9))
    stopped = intake.service.stop(dossier.id, LEADER, "Cơ sở ngừng hoạt động")
    assert (stopped.status, stopped.stop_reason, stopped.finished_at) == (
        Status.STOPPED,
        "Cơ sở ngừng hoạt động",
        vn(11, 11, 9),
    )
    assert (stopped.step, stopped.step_due_at) == (None, None)
    assert event_types(intake) == ["dossier.stopped", "dossier.national_sync"]


# --- the deadline watch, a stale copy, the catalogue -------------------------------------------


def test_the_deadline_watch_announces_each_step_once(intake: FakeIntake) -> None:
    dossier = accepted(intake, at=vn(11, 9, 10))  # the desk's step is due Monday 16:00
    assert intake.service.watch_deadlines(vn(11, 9, 10, 30)) == 1  # within a working day
    assert event_types(intake) == ["dossier.due_soon"]
    assert intake.service.watch_deadlines(vn(11, 9, 15, 30)) == 0  # already announced
    assert intake.service.watch_deadlines(vn(11, 9, 16, 30)) == 1
    assert event_types(intake) == ["dossier.overdue"]
    assert intake.dossiers.get(dossier.id).alerts == ["due_soon:desk", "overdue:desk"]


def test_a_stale_copy_cannot_overwrite_a_newer_one(intake: FakeIntake) -> None:
    dossier = submitted(intake)
    stale = intake.dossiers.get(dossier.id)
    intake.service.accept(dossier.id, DESK)
    with pytest.raises(Conflict):
        intake.dossiers.save(stale)


def test_an_edited_procedure_is_in_use_at_once(intake: FakeIntake) -> None:
    procedure = intake.service.catalog.get("MYPHAM-03").to_dict()
    editable = {k: procedure[k] for k in ProcedureEdit.model_fields if k in procedure}
    edit = ProcedureEdit.model_validate({**editable, "fee_vnd": 200_000})

    intake.service.edit_procedure(ADMIN, "MYPHAM-03", edit)

    assert intake.edits.edits["MYPHAM-03"]["fee_vnd"] == 200_000
    dossier = accepted(intake)
    assert (dossier.status, dossier.fee_vnd) == (Status.FEE_REQUESTED, 200_000)


def test_the_statistics_count_each_write_once_from_its_views(intake: FakeIntake) -> None:
    dossier = accepted(intake)
    previous = None
    counted = []
    for write in intake.dossiers.writes:  # as the table's stream delivers them
        counted.append(
            intake.service.count(write.dossier_id, write.version, previous, write.stats_view)
        )
        previous = write.stats_view
    # Created, submitted, accepted change the counters; the uploads (writes 2, 3) do not.
    assert counted == [True, False, False, True, True]
    last = intake.dossiers.writes[-1]
    assert not intake.service.count(dossier.id, last.version, None, last.stats_view)  # again

    report = intake.service.statistics(vn(11, 1).date(), vn(11, 30).date(), None)

    assert {k: v for k, v in report.by_status.items() if v} == {"accepted": 1}


def test_the_owner_rewrites_a_draft_only(intake: FakeIntake) -> None:
    dossier = intake.service.create(CITIZEN, new_dossier())
    body = new_dossier(delivery="postal").model_dump()
    body.pop("procedure_code")

    rewritten = intake.service.update(dossier.id, CITIZEN, DossierUpdate.model_validate(body))

    assert (str(rewritten.delivery_method), rewritten.delivery_address) == (
        "postal",
        "5 Lý Thường Kiệt, Hà Nội",
    )
    assert history(rewritten) == ["create"]  # no step, nothing announced
    assert event_types(intake) == []
    with pytest.raises(DossierNotFound):
        intake.service.update(dossier.id, OTHER_CITIZEN, DossierUpdate.model_validate(body))


def test_a_fee_paid_at_the_counter_is_recorded_by_the_desk(intake: FakeIntake) -> None:
    dossier = accepted(intake, procedure_code="DUOC-02")
    intake.clock.set(vn(11, 9, 11))

    paid = intake.service.record_payment(dossier.id, DESK, "counter", "BL-0042", 500_000)

    assert paid.status is Status.ACCEPTED
    assert paid.payment is not None
    assert (paid.payment.method, paid.payment.reference, paid.payment.recorded_by) == (
        "counter",
        "BL-0042",
        "desk1",
    )
    assert event_types(intake) == ["dossier.payment_confirmed", "dossier.national_sync"]
    # payment's later notice of the same fee changes nothing (it holds that money as owed back)
    assert intake.service.record_online_payment(dossier.id, SYSTEM, "TXN-9", 500_000) is False


def shipment(dossier: Dossier, purpose: str, status: str, note: str) -> ShipmentEvent:
    return ShipmentEvent(
        shipment_id="shipment-1",
        dossier_id=dossier.id,
        dossier_code=dossier.code,
        purpose=purpose,
        status=status,
        item_code="EB123456789VN",
        note=note,
        at=vn(11, 12, 9),
        receiver_name="Nguyễn Văn An",
    )


def test_the_post_offices_news_is_written_once_and_a_delivered_result_returns_the_dossier(
    intake: FakeIntake,
) -> None:
    dossier = accepted(intake, delivery="postal")
    intake.service.assign(dossier.id, LEADER, "Phòng Dược", "officer1")
    intake.service.approve(dossier.id, OFFICER, "Đủ điều kiện")

    failed = shipment(dossier, "result", "failed", "Không liên lạc được người nhận")
    intake.clock.set(vn(11, 12, 10))
    intake.service.apply_shipment(SYSTEM, failed, "shipment.failed")
    intake.service.apply_shipment(SYSTEM, failed, "shipment.failed")  # redelivered
    noted = intake.dossiers.get(dossier.id)
    assert noted.status is Status.RESULT_READY
    assert [(str(h.action), h.note) for h in noted.history[-1:]] == [
        ("note_delivery", "Không liên lạc được người nhận (vận đơn EB123456789VN)")
    ]

    intake.clock.set(vn(11, 13, 10))
    delivered = shipment(dossier, "result", "delivered", "Đã phát")
    intake.service.apply_shipment(SYSTEM, delivered, "shipment.delivered")
    returned = intake.dossiers.get(dossier.id)
    assert (returned.status, returned.returned_at) == (Status.RETURNED, vn(11, 13, 10))
    assert returned.history[-1].note == "Bưu điện đã phát, vận đơn EB123456789VN"
    assert event_types(intake) == ["dossier.returned", "dossier.national_sync"]
    writes = len(intake.dossiers.writes)
    intake.service.apply_shipment(SYSTEM, delivered, "shipment.delivered")  # redelivered
    assert len(intake.dossiers.writes) == writes
