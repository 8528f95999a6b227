"""The complete one-stop procedure on moto: supplements, refusals, withdrawals, stops, extensions,
ratings, deadlines on the real calendar, hand-offs, slips, work lists, results, national record."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from chalice.test import Client

from infra.local.apps import load_app
from motcua_shared.timeutil import VN_TZ
from tests.service.test_intake_dossiers import (
    Auth,
    act,
    call,
    required_documents,
    submitted,
    upload,
)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, *args: int) -> None:
        self.now = datetime(*args, tzinfo=VN_TZ)  # type: ignore[misc]


@pytest.fixture
def clock(intake: Client) -> Iterator[Clock]:
    """The intake service's clock, set to Monday 7 December 2026, 08:00 in Hà Nội."""
    service = load_app("intake").service
    original = service.clock
    fake = Clock(datetime(2026, 12, 7, 8, 0, tzinfo=VN_TZ))
    service.clock = fake
    yield fake
    service.clock = original


def accepted(intake: Client, auth: Auth, **overrides: Any) -> dict[str, Any]:
    dossier = submitted(intake, auth, **overrides)
    status, body = act(intake, auth, "desk1", dossier["id"], "accept")
    assert status == 200, body
    return body


def processing(intake: Client, auth: Auth, clock: Clock, **overrides: Any) -> dict[str, Any]:
    dossier = accepted(intake, auth, **overrides)
    clock.advance(hours=1)
    status, body = act(
        intake,
        auth,
        "desk1",
        dossier["id"],
        "assign",
        {"unit": "Phòng Nghiệp vụ Dược", "officer": "officer1"},
    )
    assert status == 200, body
    return body


def get(intake: Client, auth: Auth, dossier_id: str, user: str = "desk1") -> dict[str, Any]:
    status, body = call(intake, "GET", f"/dossiers/{dossier_id}", auth(user))
    assert status == 200, body
    return body


# -- deadlines on the real calendar ------------------------------------------------------------


def test_due_date_counts_working_hours(intake: Client, auth: Auth, clock: Clock) -> None:
    # YTDP-01: 3 working days = 24 working hours from Monday 08:00 → Thursday 08:00.
    dossier = accepted(intake, auth)
    assert dossier["accepted_at"] == "2026-12-07T08:00:00+07:00"
    assert dossier["due_at"] == "2026-12-10T08:00:00+07:00"


def test_acceptance_after_closing_starts_next_morning(
    intake: Client, auth: Auth, clock: Clock
) -> None:
    clock.set(2026, 12, 7, 18, 30)
    dossier = accepted(intake, auth)
    assert dossier["due_at"] == "2026-12-10T17:00:00+07:00"


def test_supplement_round_trip_moves_the_due_date(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = accepted(intake, auth)
    clock.set(2026, 12, 7, 9, 0)
    document = required_documents(intake)[0]
    status, body = act(
        intake,
        auth,
        "desk1",
        dossier["id"],
        "request-supplement",
        {
            "reason": "Bản sao chưa chứng thực",
            "items": [{"document_code": document, "note": "Nộp bản có chứng thực"}],
        },
    )
    assert status == 200, body
    assert (body["status"], body["national_status"], body["supplement_count"]) == (
        "supplement_requested",
        5,
        1,
    )
    assert body["supplement_requests"][0]["items"][0]["document_name"]

    clock.set(2026, 12, 8, 9, 0)  # 8 working hours later
    upload(intake, auth, dossier["id"], document)
    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert status == 200, body
    assert body["status"] == "accepted"  # back where the request found it
    assert body["due_at"] == "2026-12-11T08:00:00+07:00"  # moved by the 8 hours waited
    assert body["supplement_requests"][0]["resolved_at"] == "2026-12-08T09:00:00+07:00"
    assert [h["action"] for h in body["history"]][-2:] == ["request_supplement", "resubmit"]


def test_processing_officer_may_ask_for_a_supplement_while_processing(
    intake: Client, auth: Auth, clock: Clock
) -> None:
    dossier = processing(intake, auth, clock)
    item = {"document_code": required_documents(intake)[0], "note": "Bổ sung"}
    status, body = act(
        intake,
        auth,
        "officer1",
        dossier["id"],
        "request-supplement",
        {"reason": "Thiếu", "items": [item]},
    )
    assert status == 200, body
    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert (status, body["status"]) == (200, "processing")


def test_supplement_for_an_unknown_document_is_refused(
    intake: Client, auth: Auth, clock: Clock
) -> None:
    dossier = submitted(intake, auth)
    status, body = act(
        intake,
        auth,
        "desk1",
        dossier["id"],
        "request-supplement",
        {"reason": "x", "items": [{"document_code": "NOPE", "note": ""}]},
    )
    assert status == 422
    assert body["error"]["code"] == "unknown_document"
    assert get(intake, auth, dossier["id"])["status"] == "submitted"


# -- refusals, withdrawals, stops --------------------------------------------------------------


def test_refusal_before_acceptance_only(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = submitted(intake, auth)
    status, body = act(
        intake, auth, "desk1", dossier["id"], "refuse", {"reason": "Không thuộc thẩm quyền"}
    )
    assert (status, body["status"], body["national_status"]) == (200, "refused", 3)
    assert body["refusal_reason"] == "Không thuộc thẩm quyền"
    assert body["finished_at"] == "2026-12-07T08:00:00+07:00"

    later = accepted(intake, auth)
    status, body = act(intake, auth, "desk1", later["id"], "refuse", {"reason": "x"})
    assert (status, body["error"]["code"]) == (409, "invalid_transition")


def test_refusal_needs_a_reason(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = submitted(intake, auth)
    status, body = act(intake, auth, "desk1", dossier["id"], "refuse", {"reason": "   "})
    assert (status, body["error"]["field"]) == (400, "reason")


def test_the_owner_withdraws_before_the_result(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = processing(intake, auth, clock)
    status, _ = act(intake, auth, "citizen2", dossier["id"], "withdraw", {})
    assert status == 404
    status, body = act(intake, auth, "citizen1", dossier["id"], "withdraw", {"reason": "Nộp nhầm"})
    assert (status, body["status"], body["national_status"]) == (200, "withdrawn", 7)

    done = processing(intake, auth, clock)
    act(intake, auth, "officer1", done["id"], "approve", {"result_summary": "ok"})
    status, body = act(intake, auth, "citizen1", done["id"], "withdraw", {})
    assert (status, body["error"]["code"]) == (409, "invalid_transition")


def test_leader_stops_processing(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = processing(intake, auth, clock)
    status, _ = act(intake, auth, "desk1", dossier["id"], "stop", {"reason": "x"})
    assert status == 403
    status, body = act(
        intake, auth, "leader1", dossier["id"], "stop", {"reason": "Cơ sở ngừng hoạt động"}
    )
    assert (status, body["status"], body["national_status"]) == (200, "stopped", 8)
    assert body["stop_reason"] == "Cơ sở ngừng hoạt động"


# -- late dossiers -----------------------------------------------------------------------------


def deadline_events(dossier_id: str, kind: str) -> list[dict[str, Any]]:
    from tests.service.test_events import outbox_events

    return [e for e in outbox_events(dossier_id) if e["type"] == f"dossier.{kind}"]


def test_overdue_is_announced_once_and_an_extension_moves_the_date(
    intake: Client, auth: Auth, clock: Clock
) -> None:
    dossier = processing(intake, auth, clock)  # desk step closed at 09:00 Monday
    due = datetime.fromisoformat(dossier["due_at"])
    service = load_app("intake").service

    status, body = act(
        intake,
        auth,
        "leader1",
        dossier["id"],
        "extend",
        {"reason": "Cần xác minh", "new_due_at": "2026-12-14T10:00:00+07:00"},
    )
    assert (status, body["error"]["code"]) == (409, "extension_not_needed")

    step_due = datetime.fromisoformat(dossier["step_due_at"])
    service.watch_deadlines(step_due - timedelta(hours=2))
    assert len(deadline_events(dossier["id"], "due_soon")) == 1
    service.watch_deadlines(step_due + timedelta(hours=1))
    service.watch_deadlines(step_due + timedelta(hours=2))
    overdue = deadline_events(dossier["id"], "overdue")
    assert len(overdue) == 1
    assert overdue[0]["data"]["officer"] == "officer1"
    assert overdue[0]["data"]["step"] == "processing"

    clock.now = due + timedelta(hours=1)
    status, body = act(
        intake,
        auth,
        "leader1",
        dossier["id"],
        "extend",
        {"reason": "Cần xác minh thêm với cơ quan cấp", "new_due_at": "2026-12-15T10:00:00+07:00"},
    )
    assert status == 200, body
    assert body["due_at"] == "2026-12-15T10:00:00+07:00"
    assert body["extensions"][0]["previous_due_at"] == dossier["due_at"]
    response = intake.http.get(
        f"/dossiers/{dossier['id']}/documents/apology", headers=auth("citizen1")
    )
    assert response.status_code == 200
    page = response.body.decode()
    assert "Cần xác minh thêm với cơ quan cấp" in page
    assert "15/12/2026" in page


def test_extension_date_must_be_later_and_in_working_hours(
    intake: Client, auth: Auth, clock: Clock
) -> None:
    dossier = processing(intake, auth, clock)
    clock.now = datetime.fromisoformat(dossier["due_at"]) + timedelta(minutes=5)
    for new_due in (
        "2026-12-01T10:00:00+07:00",
        "2026-12-19T10:00:00+07:00",
        "2026-12-15T20:00:00+07:00",
    ):
        status, body = act(
            intake, auth, "leader1", dossier["id"], "extend", {"reason": "x", "new_due_at": new_due}
        )
        assert status == 422, new_due
        assert body["error"]["code"] == "invalid_new_due_date"
    status, body = act(
        intake,
        auth,
        "leader1",
        dossier["id"],
        "extend",
        {"reason": "x", "new_due_at": "2026-12-15"},
    )
    assert status == 400


# -- hand-offs and the control sheet -----------------------------------------------------------


def test_each_handoff_is_timed_against_its_step(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = processing(intake, auth, clock)
    clock.set(2026, 12, 14, 9, 0)  # long after the processing step's share
    status, body = act(
        intake, auth, "officer1", dossier["id"], "approve", {"result_summary": "Đạt"}
    )
    assert status == 200, body
    clock.advance(minutes=30)
    status, body = act(intake, auth, "desk1", dossier["id"], "return")
    rows = body["handoffs"]
    assert [r["step"] for r in rows] == ["reception", "desk", "processing", "return"]
    desk, work, back = rows[1], rows[2], rows[3]
    assert desk["allotted_hours"] == pytest.approx(2.4)  # 10% of 24 working hours
    assert desk["used_hours"] == 1.0
    assert desk["result"] == "on_time"
    assert work["result"] == "late"
    assert (work["from_unit"], work["to_unit"]) == ("Phòng Nghiệp vụ Dược", "Bộ phận Một cửa")
    assert (back["from_unit"], back["to_unit"]) == ("Bộ phận Một cửa", "Tổ chức, cá nhân")
    assert back["result"] == "late"
    page = intake.http.get(
        f"/dossiers/{dossier['id']}/documents/control_sheet", headers=auth("desk1")
    ).body.decode()
    assert "Quá hạn" in page
    assert "Đúng hạn" in page


# -- rating ------------------------------------------------------------------------------------


def test_rating_once_after_return(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = processing(intake, auth, clock)
    status, _ = act(
        intake, auth, "citizen1", dossier["id"], "rating", {"score": 5, "comment": "Tốt"}
    )
    assert status == 409
    act(intake, auth, "officer1", dossier["id"], "approve", {"result_summary": "ok"})
    act(intake, auth, "desk1", dossier["id"], "return")
    status, body = act(
        intake, auth, "citizen1", dossier["id"], "rating", {"score": 6, "comment": ""}
    )
    assert (status, body["error"]["field"]) == (400, "score")
    status, body = act(
        intake, auth, "citizen1", dossier["id"], "rating", {"score": 4, "comment": "Nhanh"}
    )
    assert (status, body["rating"]["score"]) == (201, 4)
    status, body = act(
        intake, auth, "citizen1", dossier["id"], "rating", {"score": 1, "comment": "again"}
    )
    assert (status, body["error"]["code"]) == (409, "already_rated")


# -- printable slips ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["receipt", "supplement_request", "refusal", "apology", "control_sheet"]
)
def test_slips_for_owner_and_officers_only(
    intake: Client, auth: Auth, clock: Clock, kind: str
) -> None:
    dossier = accepted(intake, auth)
    for user in ("citizen1", "desk1", "leader1"):
        response = intake.http.get(
            f"/dossiers/{dossier['id']}/documents/{kind}", headers=auth(user)
        )
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/html")
        page = response.body.decode()
        assert dossier["code"] in page
        assert "<svg" in page
        assert "SỞ Y TẾ" in page.upper()
    assert (
        intake.http.get(
            f"/dossiers/{dossier['id']}/documents/{kind}", headers=auth("citizen2")
        ).status_code
        == 404
    )
    assert intake.http.get(f"/dossiers/{dossier['id']}/documents/{kind}").status_code == 401


def test_receipt_shows_the_appointment(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = accepted(intake, auth)
    page = intake.http.get(
        f"/dossiers/{dossier['id']}/documents/receipt", headers=auth("citizen1")
    ).body.decode()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page
    assert "10/12/2026" in page
    assert "079123456789" in page  # the applicant's own slip


def test_unknown_slip_is_404(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = accepted(intake, auth)
    status, body = call(intake, "GET", f"/dossiers/{dossier['id']}/documents/poster", auth("desk1"))
    assert status == 404
    assert body["error"]["code"] == "not_found"


# -- work lists --------------------------------------------------------------------------------


def test_desk_queue_oldest_first(intake: Client, auth: Auth, clock: Clock) -> None:
    first = submitted(intake, auth)
    clock.advance(minutes=1)
    second = submitted(intake, auth)
    status, page = call(intake, "GET", "/desk/queue?limit=100", auth("desk1"))
    assert status == 200
    ids = [d["id"] for d in page["items"]]
    assert ids.index(first["id"]) < ids.index(second["id"])
    assert all(d["status"] == "submitted" for d in page["items"])
    assert call(intake, "GET", "/desk/queue", auth("citizen1"))[0] == 403


def test_worklist_by_unit_and_officer_earliest_deadline_first(
    intake: Client, auth: Auth, clock: Clock
) -> None:
    unit = f"Phòng Thử nghiệm {clock.now.timestamp()}"
    later = accepted(intake, auth, procedure_code="MYPHAM-03")  # 5 working days
    soon = accepted(intake, auth)  # 3 working days
    for dossier in (later, soon):
        act(intake, auth, "leader1", dossier["id"], "assign", {"unit": unit, "officer": "officer1"})
    status, page = call(intake, "GET", f"/worklist?unit={unit}", auth("leader1"))
    assert status == 200
    assert [d["id"] for d in page["items"]] == [soon["id"], later["id"]]
    status, page = call(intake, "GET", "/worklist?limit=100", auth("officer1"))
    assert {soon["id"], later["id"]} <= {d["id"] for d in page["items"]}
    dues = [d["step_due_at"] for d in page["items"]]
    assert dues == sorted(dues)
    assert call(intake, "GET", "/worklist", auth("leader1"))[0] == 400


# -- electronic results ------------------------------------------------------------------------


def test_online_result_downloaded_by_owner_and_verified(
    intake: Client, auth: Auth, clock: Clock
) -> None:
    dossier = processing(intake, auth, clock, delivery_method="online")
    status, body = act(
        intake, auth, "officer1", dossier["id"], "approve", {"result_summary": "Cấp phiếu"}
    )
    assert (status, body["error"]["code"]) == (422, "missing_result")

    pdf = b"%PDF-1.7 Phieu tiep nhan cong bo my pham"
    status, slot = act(
        intake,
        auth,
        "officer1",
        dossier["id"],
        "result-file",
        {"filename": "ket-qua.pdf", "content_type": "application/pdf", "size_bytes": len(pdf)},
    )
    assert status == 201, slot
    assert (
        requests.put(slot["upload_url"], data=pdf, headers=slot["headers"], timeout=10).status_code
        == 200
    )
    status, body = act(
        intake, auth, "officer1", dossier["id"], "approve", {"result_summary": "Cấp phiếu"}
    )
    assert status == 200, body
    result = body["result"]
    assert result["sha256"] == hashlib.sha256(pdf).hexdigest()

    status, link = call(intake, "GET", f"/dossiers/{dossier['id']}/result", auth("desk1"))
    assert status == 200
    assert (
        get(intake, auth, dossier["id"])["status"] == "result_ready"
    )  # an officer's look returns nothing
    assert call(intake, "GET", f"/dossiers/{dossier['id']}/result", auth("citizen2"))[0] == 404

    status, link = call(intake, "GET", f"/dossiers/{dossier['id']}/result", auth("citizen1"))
    assert status == 200
    assert link["status"] == "returned"
    assert requests.get(link["download_url"], timeout=10).content == pdf
    assert get(intake, auth, dossier["id"])["national_status"] == 10

    status, verified = call(intake, "GET", f"/verify/{result['verification_code']}")
    assert status == 200
    assert verified["dossier_code"] == dossier["code"]
    assert verified["sha256"] == hashlib.sha256(pdf).hexdigest()
    text = json.dumps(verified, ensure_ascii=False)
    assert "Nguyễn Thị Lan" not in text
    assert "079123456789" not in text
    assert call(intake, "GET", "/verify/AAAA-BBBB-CCCC")[0] == 404


# -- national record ---------------------------------------------------------------------------


def test_national_record_and_sync_events(intake: Client, auth: Auth, clock: Clock) -> None:
    dossier = processing(intake, auth, clock)
    status, record = call(
        intake, "GET", f"/dossiers/{dossier['id']}/national-record", auth("desk1")
    )
    assert status == 200
    assert record["MaHoSo"] == dossier["code"]
    assert record["KenhThucHien"] == 2
    assert record["LoaiDoiTuong"] == 1
    assert record["TrangThaiHoSo"] == 4
    assert record["NgayTiepNhan"] == "20261207080000"
    assert record["NgayHenTra"] == "20261210080000"
    assert record["MaLinhVuc"] == "YTDP"
    assert (
        call(intake, "GET", f"/dossiers/{dossier['id']}/national-record", auth("citizen1"))[0]
        == 403
    )
    from tests.service.test_events import outbox_events

    synced = [
        e["data"]["record"]["TrangThaiHoSo"]
        for e in outbox_events(dossier["id"])
        if e["type"] == "dossier.national_sync"
    ]
    assert synced == [1, 2, 4]


# -- the working calendar ----------------------------------------------------------------------


def test_admin_sets_days_off_and_make_up_days(intake: Client, auth: Auth) -> None:
    status, body = call(intake, "GET", "/calendar/2027")
    assert status == 200
    assert any(d["source"] == "law" for d in body["days"])
    status, body = call(
        intake,
        "PUT",
        "/calendar/2027",
        auth("admin1"),
        {"extra_days_off": ["2027-02-12"], "extra_working_days": ["2027-02-20"]},
    )
    assert status == 200, body
    days = {d["date"]: d["source"] for d in body["days"]}
    assert days["2027-02-12"] == "admin"
    assert days["2027-02-20"] == "admin_working"
    assert call(intake, "PUT", "/calendar/2027", auth("desk1"), {"extra_days_off": []})[0] == 403
    status, body = call(
        intake, "PUT", "/calendar/2027", auth("admin1"), {"extra_days_off": ["2028-01-01"]}
    )
    assert status == 400
    status, body = call(
        intake,
        "PUT",
        "/calendar/2027",
        auth("admin1"),
        {"extra_days_off": ["2027-03-01"], "extra_working_days": ["2027-03-01"]},
    )
    assert status == 400
    assert call(intake, "GET", "/calendar/1850")[0] == 404


def test_the_scheduled_watch_uses_the_events_time(intake: Client, auth: Auth, clock: Clock) -> None:
    from chalice.test import Client as ChaliceClient

    from infra.local.pump import scheduled_event

    dossier = processing(intake, auth, clock)
    late = datetime.fromisoformat(dossier["step_due_at"]) + timedelta(hours=3)
    with ChaliceClient(load_app("intake").app) as client:
        result = client.lambda_.invoke("watch_deadlines", scheduled_event("watch", at=late))
    assert result.payload["announced"] >= 1
    assert len(deadline_events(dossier["id"], "overdue")) == 1
