"""Who sees and does what, in-process against moto: the receipt slip names
the officer who received the dossier, a citizen's notification list holds only what was sent to
the applicant, and only the assigned officer acts on an assigned dossier."""

from __future__ import annotations

from typing import Any

import pytest
from chalice.test import Client

from tests.service.conftest import Pump
from tests.service.test_intake_dossiers import Auth, act, call, required_documents, submitted
from tests.service.test_notify import Person, drain, notify  # noqa: F401 - the fixture
from tests.service.test_notify import applicant as contact

# The demo desk officer's full name (infra/local/bootstrap.py, Cognito's `name` attribute).
DESK1_NAME = "Lê Thị Thu Hà"


def slip(intake: Client, auth: Auth, dossier_id: str, user: str, kind: str = "receipt") -> str:
    response = intake.http.get(f"/dossiers/{dossier_id}/documents/{kind}", headers=auth(user))
    assert response.status_code == 200, response.body
    return str(response.body.decode("utf-8"))


def test_the_receipt_names_the_desk_officer_who_accepted_it(intake: Client, auth: Auth) -> None:
    """Form 01 of the one-stop office (Circular 01/2018, now 03/2025: "Giấy tiếp nhận hồ sơ và
    hẹn trả kết quả") is signed by the officer who received the dossier: whoever prints it later
    (a leader, another officer, the applicant) must not appear as the receiver."""
    dossier = submitted(intake, auth)
    status, accepted = act(intake, auth, "desk1", dossier["id"], "accept")
    assert status == 200, accepted
    assert accepted["accepted_by"] == DESK1_NAME
    for printer in ("leader1", "officer1", "citizen1"):
        page = slip(intake, auth, dossier["id"], printer)
        receiver = page.split("NGƯỜI TIẾP NHẬN HỒ SƠ", 1)[1]
        assert DESK1_NAME in receiver, printer
        assert printer not in page


def test_the_supplement_request_and_the_refusal_name_the_officer_who_acted(
    intake: Client, auth: Auth
) -> None:
    """Forms 02 ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ": the officer who guides the applicant)
    and 03 ("Phiếu từ chối tiếp nhận giải quyết hồ sơ"), Circular 01/2018 and 03/2025, carry the
    name of the desk officer who asked or refused, however many others print them later."""
    asked = submitted(intake, auth)
    document = required_documents(intake, asked["procedure_code"])[0]
    status, body = act(
        intake,
        auth,
        "desk1",
        asked["id"],
        "request-supplement",
        {"reason": "Bản sao chưa chứng thực", "items": [{"document_code": document}]},
    )
    assert status == 200, body
    assert body["supplement_requests"][-1]["requested_by_name"] == DESK1_NAME
    refused = submitted(intake, auth)
    status, body = act(intake, auth, "desk1", refused["id"], "refuse", {"reason": "Sai thủ tục"})
    assert status == 200, body
    assert body["refused_by"] == DESK1_NAME
    for printer in ("leader1", "admin1", "citizen1"):
        page = slip(intake, auth, asked["id"], printer, "supplement_request")
        assert f"liên hệ với cán bộ <strong>{DESK1_NAME}</strong>" in page, printer
        assert printer not in page
        page = slip(intake, auth, refused["id"], printer, "refusal")
        assert DESK1_NAME in page.split("NGƯỜI TIẾP NHẬN HỒ SƠ", 1)[1], printer
        assert printer not in page


def test_before_acceptance_the_receipt_names_no_receiver(intake: Client, auth: Auth) -> None:
    dossier = submitted(intake, auth)
    page = slip(intake, auth, dossier["id"], "desk1")
    receiver = page.split("NGƯỜI TIẾP NHẬN HỒ SƠ", 1)[1]
    assert '<div class="name"></div>' in receiver  # a blank to sign, not the printer's name
    assert "desk1" not in page


def test_a_citizen_sees_only_what_was_sent_to_the_applicant(
    notify: Client,  # noqa: F811 - the fixture imported above
    auth: Auth,
    pump: Pump,
    intake: Client,
) -> None:
    """Least privilege (OWASP Top 10 A01:2021, Broken Access Control): the applicant's list
    holds the notifications sent to the applicant; what the desk was told (its audience,
    channels, masked addresses) is for officers."""
    person = Person()
    dossier = submitted(
        intake, auth, applicant=contact(email=person.email, phone=person.phone_local)
    )
    pump.publish("intake")
    drain(pump)
    path = f"/notifications?dossier_id={dossier['id']}"
    status, staff_view = call(notify, "GET", path, auth("desk1"))
    assert status == 200, staff_view
    # the submission told the applicant (e-mail, SMS) and the desk (a new dossier in the queue)
    assert {i["audience"] for i in staff_view["items"]} == {"citizen", "desk"}
    status, own = call(notify, "GET", path, auth("citizen1"))
    assert status == 200, own
    assert {(i["audience"], i["channel"]) for i in own["items"]} == {
        ("citizen", "email"),
        ("citizen", "sms"),
    }
    assert [i for i in staff_view["items"] if i["audience"] == "citizen"] == own["items"]
    for officer in ("officer1", "leader1", "admin1"):
        status, body = call(notify, "GET", path, auth(officer))
        assert (status, body) == (200, staff_view), officer


def processing_elsewhere(intake: Client, auth: Auth) -> dict[str, Any]:
    """A dossier under processing, assigned to an officer who is not officer1."""
    dossier = submitted(intake, auth)
    assert act(intake, auth, "desk1", dossier["id"], "accept")[0] == 200
    status, body = act(
        intake,
        auth,
        "leader1",
        dossier["id"],
        "assign",
        {"unit": "Phòng Nghiệp vụ", "officer": "officer2"},
    )
    assert (status, body["status"]) == (200, "processing"), body
    return body


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("request-supplement", {"reason": "Bổ sung", "items": [{"document_code": "VAN_BAN"}]}),
        ("approve", {"result_summary": "Đạt"}),
        (
            "result-file",
            {"filename": "kq.pdf", "content_type": "application/pdf", "size_bytes": 9},
        ),
    ],
)
def test_only_the_assigned_officer_acts_on_an_assigned_dossier(
    intake: Client, auth: Auth, action: str, body: dict[str, Any]
) -> None:
    """Least privilege (OWASP Top 10 A01:2021): a processing officer acts on the dossiers
    assigned to them; another officer's dossier answers 403 `not_assigned`, bilingual, and is
    left as it was."""
    dossier = processing_elsewhere(intake, auth)
    status, answer = act(intake, auth, "officer1", dossier["id"], action, body)
    assert status == 403, answer
    error = answer["error"]
    assert error["code"] == "not_assigned"
    assert error["message"] == (
        "Only the officer the dossier is assigned to (or a leader) can do this."
    )
    assert error["message_vi"] == (
        "Chỉ chuyên viên được phân công xử lý hồ sơ (hoặc lãnh đạo) mới thực hiện được thao tác"
        " này."
    )
    status, after = call(intake, "GET", f"/dossiers/{dossier['id']}", auth("leader1"))
    assert status == 200
    assert after["version"] == dossier["version"]
    assert after["status"] == "processing"
    assert after["supplement_requests"] == []
    assert after["result"] is None


def test_the_assigned_officer_asks_for_a_supplement(intake: Client, auth: Auth) -> None:
    dossier = submitted(intake, auth)
    act(intake, auth, "desk1", dossier["id"], "accept")
    act(
        intake,
        auth,
        "leader1",
        dossier["id"],
        "assign",
        {"unit": "Phòng Nghiệp vụ", "officer": "officer1"},
    )
    document = dossier["attachments"][0]["document_code"]
    status, body = act(
        intake,
        auth,
        "officer1",
        dossier["id"],
        "request-supplement",
        {"reason": "Bổ sung", "items": [{"document_code": document}]},
    )
    assert (status, body["status"]) == (200, "supplement_requested"), body


@pytest.mark.parametrize("name", ["-", " - "])
def test_a_unit_or_officer_named_like_the_unassigned_marker_is_refused(
    intake: Client, auth: Auth, name: str
) -> None:
    """'-' stands for "not assigned" in the statistics: a unit or officer so named would be
    counted with the unassigned dossiers."""
    dossier = submitted(intake, auth)
    act(intake, auth, "desk1", dossier["id"], "accept")
    for field, body in (
        ("unit", {"unit": name, "officer": "officer1"}),
        ("officer", {"unit": "Phòng Nghiệp vụ", "officer": name}),
    ):
        status, answer = act(intake, auth, "leader1", dossier["id"], "assign", body)
        assert (status, answer["error"]["field"]) == (400, field), answer
