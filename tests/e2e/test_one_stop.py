"""The complete one-stop procedure over HTTP on the local stack: supplements, refusals,
withdrawals, a late dossier with its overdue alert and extension, and an online result downloaded
and verified (the leaders' statistics: test_statistics.py)."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timedelta
from typing import Any

import requests

from chalicelib.intake.domain.calendar import WorkingCalendar
from infra.local.apps import add_service_paths
from infra.local.pump import scheduled_event
from tests.e2e.conftest import RunningStack

add_service_paths()

APPLICANT = {
    "full_name": "Phạm Thu Hà",
    "id_number": "036188001234",
    "phone": "0987123456",
    "email": "ha@example.vn",
    "address": "8 Pasteur, Nha Trang",
}


class Journey:
    """One dossier driven through the API as the people involved would."""

    def __init__(
        self,
        stack: RunningStack,
        procedure: str = "MYPHAM-01",
        delivery: str = "in_person",
        address: str | None = None,
        applicant: dict[str, Any] | None = None,
        procedure_view: dict[str, Any] | None = None,
    ):
        """``procedure_view``: the procedure as GET /intake/procedures/{code} gives it, when the
        caller has it already (else it is read)."""
        self.stack = stack
        response = stack.call(
            "POST",
            "/intake/dossiers",
            "citizen1",
            {
                "procedure_code": procedure,
                "applicant": applicant or APPLICANT,
                "request_content": "Đề nghị giải quyết thủ tục",
                "delivery_method": delivery,
                "delivery_address": address,
            },
        )
        assert response.status_code == 201, response.text
        self.dossier: dict[str, Any] = response.json()
        self.id = self.dossier["id"]
        self.procedure = (
            procedure_view or stack.call("GET", f"/intake/procedures/{procedure}").json()
        )

    def upload(self, document_code: str) -> None:
        content = f"%PDF-1.4 {document_code} {time.time()}".encode()
        slot = self.stack.call(
            "POST",
            f"/intake/dossiers/{self.id}/attachments",
            "citizen1",
            {
                "document_code": document_code,
                "filename": "tep.pdf",
                "content_type": "application/pdf",
                "size_bytes": len(content),
            },
        )
        assert slot.status_code == 201, slot.text
        put = requests.put(
            slot.json()["upload_url"], data=content, headers=slot.json()["headers"], timeout=30
        )
        assert put.status_code == 200

    def upload_required(self) -> None:
        for document in self.procedure["documents"]:
            if document["required"]:
                self.upload(document["code"])

    def do(
        self, user: str, action: str, body: dict[str, Any] | None = None, expect: int = 200
    ) -> dict[str, Any]:
        response = self.stack.call("POST", f"/intake/dossiers/{self.id}/{action}", user, body or {})
        assert response.status_code == expect, f"{action}: {response.text}"
        self.dossier = response.json() if expect < 300 else self.dossier
        return response.json()

    def submitted(self) -> Journey:
        self.upload_required()
        self.do("citizen1", "submit")
        return self

    def accepted(self) -> Journey:
        self.submitted().do("desk1", "accept")
        self.pay_at_counter()
        return self

    def pay_at_counter(self) -> None:
        if self.dossier["status"] == "fee_requested":
            self.do(
                "desk1",
                "record-payment",
                {"receipt_no": f"BL-{self.id[:8]}", "amount_vnd": self.dossier["fee_vnd"]},
            )
            assert self.dossier["status"] == "accepted"

    def processing(self) -> Journey:
        self.accepted().do("desk1", "assign", {"unit": "Phòng Nghiệp vụ", "officer": "officer1"})
        return self


def notify_received(
    stack: RunningStack, dossier_id: str, event_type: str, timeout_s: float = 30
) -> int:
    """How many times notify handled ``event_type`` for the dossier to the end (its inbox
    records), waiting for it to arrive."""
    dynamodb = stack.aws("dynamodb")
    deadline = time.monotonic() + timeout_s
    while True:
        items = dynamodb.scan(
            TableName=stack.state["tables"]["notifications"],
            FilterExpression="begins_with(pk, :inbox) AND dossier_id = :d AND event_type = :t",
            ExpressionAttributeValues={
                ":inbox": {"S": "INBOX#"},
                ":d": {"S": dossier_id},
                ":t": {"S": event_type},
            },
        )["Items"]
        if items or time.monotonic() > deadline:
            return len(items)
        time.sleep(0.3)


def test_supplement_round_trip_moves_the_due_date(stack: RunningStack) -> None:
    journey = Journey(stack).accepted()
    due_before = datetime.fromisoformat(journey.dossier["due_at"])
    document = journey.procedure["documents"][0]["code"]
    journey.do(
        "desk1",
        "request-supplement",
        {
            "reason": "Thiếu chữ ký",
            "items": [{"document_code": document, "note": "Ký và đóng dấu"}],
        },
    )
    assert journey.dossier["national_status"] == 5
    time.sleep(1.5)
    journey.upload(document)
    journey.do("citizen1", "submit")
    after = journey.dossier
    assert after["status"] == "accepted"
    request = after["supplement_requests"][0]
    waited = WorkingCalendar.vietnam().working_time_between(
        datetime.fromisoformat(request["requested_at"]),
        datetime.fromisoformat(request["resolved_at"]),
    )
    moved = datetime.fromisoformat(after["due_at"]) - due_before
    assert moved >= timedelta(0)
    if waited > timedelta(0):  # inside working hours the clock was stopped for real
        assert moved > timedelta(0)
    assert abs(
        WorkingCalendar.vietnam().working_time_between(
            due_before, datetime.fromisoformat(after["due_at"])
        )
        - waited
    ) <= timedelta(seconds=2)
    assert notify_received(stack, journey.id, "dossier.supplement_requested") == 1
    assert notify_received(stack, journey.id, "dossier.resubmitted") == 1


def test_refusal(stack: RunningStack) -> None:
    journey = Journey(stack).submitted()
    journey.do("desk1", "refuse", {"reason": "Hồ sơ không thuộc thẩm quyền giải quyết"})
    assert (journey.dossier["status"], journey.dossier["national_status"]) == ("refused", 3)
    slip = stack.call("GET", f"/intake/dossiers/{journey.id}/documents/refusal", "citizen1")
    assert slip.status_code == 200
    assert "Hồ sơ không thuộc thẩm quyền giải quyết" in slip.text
    assert notify_received(stack, journey.id, "dossier.refused") == 1


def test_withdrawal(stack: RunningStack) -> None:
    journey = Journey(stack).processing()
    journey.do("citizen1", "withdraw", {"reason": "Không còn nhu cầu"})
    assert (journey.dossier["status"], journey.dossier["national_status"]) == ("withdrawn", 7)
    assert notify_received(stack, journey.id, "dossier.withdrawn") == 1


def test_late_dossier_gets_overdue_and_an_extension(stack: RunningStack) -> None:
    journey = Journey(stack, "TTBYT-03").processing()  # "on receipt": due by today's closing
    step_due = datetime.fromisoformat(journey.dossier["step_due_at"])
    # EventBridge's scheduled event for a moment after the deadline (what `aws lambda invoke` does).
    invoked = stack.invoke(
        "intake", "watch_deadlines", scheduled_event("watch", at=step_due + timedelta(hours=1))
    )
    assert invoked.status_code == 200, invoked.text
    assert invoked.json()["announced"] >= 1
    assert notify_received(stack, journey.id, "dossier.overdue") == 1

    calendar = WorkingCalendar.vietnam()
    new_due = calendar.add_working_time(
        datetime.fromisoformat(journey.dossier["due_at"]), timedelta(hours=16)
    )
    journey.do(
        "leader1",
        "extend",
        {"reason": "Cần lấy ý kiến chuyên gia", "new_due_at": new_due.isoformat()},
    )
    assert datetime.fromisoformat(journey.dossier["due_at"]) == new_due
    assert journey.dossier["extensions"][0]["reason"] == "Cần lấy ý kiến chuyên gia"
    apology = stack.call("GET", f"/intake/dossiers/{journey.id}/documents/apology", "citizen1")
    assert apology.status_code == 200
    assert f"{new_due:%d/%m/%Y}" in apology.text
    assert notify_received(stack, journey.id, "dossier.extended") == 1


def test_online_result_downloaded_and_verified(stack: RunningStack) -> None:
    journey = Journey(stack, delivery="online").processing()
    pdf = b"%PDF-1.7 Ket qua giai quyet thu tuc"
    slot = journey.do(
        "officer1",
        "result-file",
        {"filename": "ket-qua.pdf", "content_type": "application/pdf", "size_bytes": len(pdf)},
        expect=201,
    )
    assert (
        requests.put(slot["upload_url"], data=pdf, headers=slot["headers"], timeout=30).status_code
        == 200
    )
    journey.do("officer1", "approve", {"result_summary": "Đã cấp"})
    code = journey.dossier["result"]["verification_code"]

    link = stack.call("GET", f"/intake/dossiers/{journey.id}/result", "citizen1")
    assert link.status_code == 200
    assert requests.get(link.json()["download_url"], timeout=30).content == pdf
    dossier = stack.call("GET", f"/intake/dossiers/{journey.id}", "citizen1").json()
    assert (dossier["status"], dossier["national_status"]) == ("returned", 10)

    verified = stack.call("GET", f"/intake/verify/{code}")
    assert verified.status_code == 200
    assert verified.json()["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert verified.json()["dossier_code"] == dossier["code"]
    assert APPLICANT["full_name"] not in verified.text
    assert notify_received(stack, journey.id, "dossier.returned") == 1
