"""What the web portal needs from intake: the procedures' forms, templates and steps; editing a
draft; downloading an uploaded document; the administrator's catalogue edits; the leaders'
overdue list."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client

from infra.local.apps import load_app
from motcua_shared.timeutil import VN_TZ
from tests.service.test_intake_dossiers import (
    Auth,
    act,
    applicant,
    call,
    create,
    new_dossier,
    required_documents,
    submitted,
    upload,
)
from tests.service.test_intake_procedure import Clock

WEB = Path(__file__).resolve().parents[2] / "web"
STEPS = [
    {"step": "desk", "name": "Tiếp nhận và chuyển hồ sơ (Bộ phận Một cửa)", "share": 0.1},
    {"step": "processing", "name": "Thẩm định, giải quyết (phòng chuyên môn)", "share": 0.8},
    {"step": "return", "name": "Trả kết quả", "share": 0.1},
]
PHARMACIST = "DUOC-01"  # Cấp chứng chỉ hành nghề dược: required form items
EDITED = "KCB-01"  # no other test uses it: the administrator's edits are tried on it


def get_dossier(intake: Client, auth: Auth, dossier_id: str, user: str = "citizen1") -> Any:
    status, body = call(intake, "GET", f"/dossiers/{dossier_id}", auth(user))
    assert status == 200, body
    return body


def procedure(intake: Client, code: str) -> dict[str, Any]:
    status, body = call(intake, "GET", f"/procedures/{code}")
    assert status == 200, body
    return body


# -- the catalogue: forms, templates, steps ------------------------------------------------------


def test_each_procedure_shows_its_form_template_links_and_steps(intake: Client) -> None:
    status, body = call(intake, "GET", "/procedures")
    assert status == 200
    for item in body["items"]:
        assert len(item["form_fields"]) <= 5, item["code"]
        for field in item["form_fields"]:
            assert set(field) == {"name", "label", "type", "required", "options", "max_length"}
            assert field["type"] in {"text", "textarea", "date", "number", "select"}
            assert bool(field["options"]) == (field["type"] == "select"), field
        assert item["steps"] == STEPS
        assert all("template_url" in d for d in item["documents"])
    with_forms = [p for p in body["items"] if p["form_fields"]]
    assert len(with_forms) >= 15

    cosmetics = procedure(intake, "MYPHAM-01")
    names = {f["name"] for f in cosmetics["form_fields"]}
    assert {"product_name", "brand", "manufacturer"} <= names
    assert next(f for f in cosmetics["form_fields"] if f["name"] == "brand")["label"] == "Nhãn hàng"

    pharmacist = procedure(intake, PHARMACIST)
    qualification = next(f for f in pharmacist["form_fields"] if f["name"] == "qualification")
    assert qualification["type"] == "select"
    assert qualification["required"] is True
    assert "Dược sĩ đại học" in qualification["options"]
    application = next(d for d in pharmacist["documents"] if d["code"] == "DON_DE_NGHI")
    assert application["template_url"] == "/forms/don-de-nghi-cap-chung-chi-hanh-nghe-duoc.html"


def test_every_template_link_is_a_printable_vietnamese_form_of_that_document(
    intake: Client,
) -> None:
    _, body = call(intake, "GET", "/procedures")
    linked = {
        d["template_url"]: d["name"]
        for p in body["items"]
        for d in p["documents"]
        if d["template_url"]
    }
    assert len(set(linked)) >= 3
    assert "/forms/phieu-cong-bo-san-pham-my-pham.html" in linked
    for url, document_name in linked.items():
        page = (WEB / url.lstrip("/")).read_text(encoding="utf-8")
        assert '<html lang="vi">' in page
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
        title = re.search(r"<title>(.+?)</title>", page)
        assert title is not None
        assert document_name.startswith(title.group(1)), (url, document_name)


# -- form data against the procedure's form -------------------------------------------------------


def count_dossiers(intake: Client, auth: Auth, user: str = "citizen2") -> int:
    return len(call(intake, "GET", "/dossiers?limit=100", auth(user))[1]["items"])


@pytest.mark.parametrize(
    ("form_data", "field"),
    [
        ({"product_name": "Kem", "colour": "đỏ"}, "form_data.colour"),
        ({"product_name": "K" * 201}, "form_data.product_name"),
        ({"brand": 12}, "form_data.brand"),
    ],
)
def test_form_data_the_form_does_not_have_is_400_and_writes_nothing(
    intake: Client, auth: Auth, form_data: dict[str, Any], field: str
) -> None:
    before = count_dossiers(intake, auth)
    body = new_dossier(procedure_code="MYPHAM-01", form_data=form_data)
    status, response = call(intake, "POST", "/dossiers", auth("citizen2"), body)
    assert status == 400, response
    assert response["error"]["code"] == "validation_error"
    assert response["error"]["field"] == field
    assert response["error"]["message_vi"]
    assert count_dossiers(intake, auth) == before


def pharmacist_form(**overrides: Any) -> dict[str, Any]:
    return {
        "qualification": "Dược sĩ đại học",
        "practice_scope": "Người chịu trách nhiệm chuyên môn về dược của nhà thuốc",
        "practice_place": "Nhà thuốc Bệnh viện Đa khoa tỉnh Khánh Hòa",
        "practice_months": 24,
        **overrides,
    }


def draft_body(**overrides: Any) -> dict[str, Any]:
    body = new_dossier(**overrides)
    del body["procedure_code"]
    return body


def test_a_draft_may_leave_the_form_empty_but_submission_names_what_is_missing(
    intake: Client, auth: Auth
) -> None:
    dossier = create(intake, auth, procedure_code=PHARMACIST, form_data={"practice_months": 12})
    for code in required_documents(intake, PHARMACIST):
        upload(intake, auth, dossier["id"], code)

    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert status == 422, body
    assert body["error"]["code"] == "missing_form_fields"
    assert body["error"]["missing"] == ["qualification", "practice_scope", "practice_place"]
    assert body["error"]["message_vi"]
    assert get_dossier(intake, auth, dossier["id"])["status"] == "draft"

    status, body = call(
        intake,
        "PUT",
        f"/dossiers/{dossier['id']}",
        auth("citizen1"),
        draft_body(form_data=pharmacist_form()),
    )
    assert status == 200, body
    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert status == 200, body
    assert body["status"] == "submitted"
    assert body["form_data"]["qualification"] == "Dược sĩ đại học"


@pytest.mark.parametrize(
    ("form_data", "field"),
    [
        (pharmacist_form(qualification="Bác sĩ"), "form_data.qualification"),
        (pharmacist_form(practice_months="hai năm"), "form_data.practice_months"),
        (pharmacist_form(practice_months=True), "form_data.practice_months"),
        (pharmacist_form(diploma_year=2020), "form_data.diploma_year"),
    ],
)
def test_form_values_of_the_wrong_kind_are_400(
    intake: Client, auth: Auth, form_data: dict[str, Any], field: str
) -> None:
    body = new_dossier(procedure_code=PHARMACIST, form_data=form_data)
    status, response = call(intake, "POST", "/dossiers", auth("citizen2"), body)
    assert status == 400, response
    assert response["error"]["field"] == field


def test_a_date_item_takes_an_iso_date(intake: Client, auth: Auth) -> None:
    form = {"practice_end_date": "31/12/2025"}
    body = new_dossier(procedure_code="KCB-02", form_data=form)
    status, response = call(intake, "POST", "/dossiers", auth("citizen2"), body)
    assert (status, response["error"]["field"]) == (400, "form_data.practice_end_date")
    body = new_dossier(procedure_code="KCB-02", form_data={"practice_end_date": "2025-12-31"})
    status, response = call(intake, "POST", "/dossiers", auth("citizen2"), body)
    assert status == 201, response


# -- editing a draft ------------------------------------------------------------------------------


def test_the_owner_rewrites_a_draft(intake: Client, auth: Auth) -> None:
    dossier = create(intake, auth, procedure_code="MYPHAM-01")
    update = draft_body(
        applicant=applicant(full_name="Trần Văn Bình", phone="0987654321", kind="enterprise"),
        request_content="Công bố sản phẩm sữa rửa mặt",
        form_data={"product_name": "Sữa rửa mặt Bình An", "brand": "Bình An"},
        delivery_method="postal",
        delivery_address="25 Yersin, Nha Trang, Khánh Hòa",
    )
    status, body = call(intake, "PUT", f"/dossiers/{dossier['id']}", auth("citizen1"), update)
    assert status == 200, body
    assert body["status"] == "draft"
    assert body["procedure_code"] == "MYPHAM-01"
    assert body["applicant"]["full_name"] == "Trần Văn Bình"
    assert body["applicant"]["kind"] == "enterprise"
    assert body["form_data"] == {"product_name": "Sữa rửa mặt Bình An", "brand": "Bình An"}
    assert body["delivery_method"] == "postal"
    assert body["version"] == dossier["version"] + 1
    again = get_dossier(intake, auth, dossier["id"])
    assert again["request_content"] == "Công bố sản phẩm sữa rửa mặt"
    assert again["delivery_address"] == "25 Yersin, Nha Trang, Khánh Hòa"
    assert [h["action"] for h in again["history"]] == ["create"]


def test_only_the_owner_rewrites_a_draft(intake: Client, auth: Auth) -> None:
    dossier = create(intake, auth)
    path = f"/dossiers/{dossier['id']}"
    status, body = call(intake, "PUT", path, auth("desk1"), draft_body(request_content="x"))
    assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = call(intake, "PUT", path, auth("citizen2"), draft_body(request_content="x"))
    assert (status, body["error"]["code"]) == (404, "dossier_not_found")
    status, body = call(intake, "PUT", path, auth("postal1"), draft_body(request_content="x"))
    assert status == 404
    status, _ = call(intake, "PUT", path, {}, draft_body(request_content="x"))
    assert status == 401
    assert get_dossier(intake, auth, dossier["id"])["request_content"] == dossier["request_content"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"applicant": applicant(phone="12345")}, "applicant.phone"),
        ({"delivery_method": "drone"}, "delivery_method"),
        ({"procedure_code": "DUOC-01"}, "procedure_code"),
        ({"form_data": {"product_name": "Kem", "shade": "hồng"}}, "form_data.shade"),
    ],
)
def test_a_bad_rewrite_names_the_field_and_changes_nothing(
    intake: Client, auth: Auth, change: dict[str, Any], field: str
) -> None:
    dossier = create(intake, auth, procedure_code="MYPHAM-01")
    body = {**draft_body(request_content="đã sửa"), **change}
    status, response = call(intake, "PUT", f"/dossiers/{dossier['id']}", auth("citizen1"), body)
    assert status == 400, response
    assert response["error"]["code"] == "validation_error"
    assert response["error"]["field"] == field
    after = get_dossier(intake, auth, dossier["id"])
    assert after["request_content"] == dossier["request_content"]
    assert after["version"] == dossier["version"]


def test_a_submitted_dossier_is_no_longer_rewritten(intake: Client, auth: Auth) -> None:
    dossier = submitted(intake, auth)
    status, body = call(
        intake,
        "PUT",
        f"/dossiers/{dossier['id']}",
        auth("citizen1"),
        draft_body(request_content="đổi sau khi nộp"),
    )
    assert (status, body["error"]["code"]) == (409, "invalid_transition")
    assert body["error"]["message_vi"]
    after = get_dossier(intake, auth, dossier["id"])
    assert after["request_content"] == dossier["request_content"]
    assert after["status"] == "submitted"


# -- downloading an uploaded document -------------------------------------------------------------


def reserve(intake: Client, auth: Auth, dossier_id: str, code: str, name: str, size: int) -> Any:
    status, slot = call(
        intake,
        "POST",
        f"/dossiers/{dossier_id}/attachments",
        auth("citizen1"),
        {
            "document_code": code,
            "filename": name,
            "content_type": "application/pdf",
            "size_bytes": size,
        },
    )
    assert status == 201, slot
    return slot


def test_owner_and_officers_download_an_uploaded_document(intake: Client, auth: Auth) -> None:
    dossier = create(intake, auth)
    code = required_documents(intake)[0]
    content = b"%PDF-1.4 Van ban cong bo co so du dieu kien tiem chung"
    filename = "Văn bản công bố.pdf"
    slot = reserve(intake, auth, dossier["id"], code, filename, len(content))
    put = requests.put(slot["upload_url"], data=content, headers=slot["headers"], timeout=10)
    assert put.status_code == 200
    path = f"/dossiers/{dossier['id']}/attachments/{slot['attachment_id']}"

    for user in ("citizen1", "desk1", "officer1", "leader1", "admin1"):
        status, body = call(intake, "GET", path, auth(user))
        assert status == 200, (user, body)
        assert body["attachment_id"] == slot["attachment_id"]
        assert body["document_code"] == code
        assert body["filename"] == filename
        assert body["content_type"] == "application/pdf"
        assert body["size_bytes"] == len(content)
        assert body["expires_in_s"] > 0
        download = requests.get(body["download_url"], timeout=10)
        assert download.status_code == 200
        assert download.content == content
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert "filename*=UTF-8''V%C4%83n%20b%E1%BA%A3n" in disposition


def test_another_citizens_or_missing_file_is_404(intake: Client, auth: Auth) -> None:
    dossier = create(intake, auth)
    first, second = required_documents(intake)[:2]
    upload(intake, auth, dossier["id"], first)
    uploaded = get_dossier(intake, auth, dossier["id"])["attachments"][0]["attachment_id"]
    never = reserve(intake, auth, dossier["id"], second, "chua-tai.pdf", 100)["attachment_id"]
    base = f"/dossiers/{dossier['id']}/attachments"

    status, body = call(intake, "GET", f"{base}/{uploaded}", auth("citizen2"))
    assert (status, body["error"]["code"]) == (404, "dossier_not_found")
    assert "download_url" not in json.dumps(body)
    status, body = call(intake, "GET", f"{base}/{uploaded}", auth("postal1"))
    assert status == 404
    for missing in (never, "00000000-0000-0000-0000-000000000000", "x" * 500):
        status, body = call(intake, "GET", f"{base}/{missing}", auth("citizen1"))
        assert (status, body["error"]["code"]) == (404, "attachment_not_found"), missing
        assert body["error"]["message_vi"]
    status, _ = call(intake, "GET", f"{base}/{uploaded}", {})
    assert status == 401


# -- the administrator edits the catalogue --------------------------------------------------------


def edit_body(current: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {
        "name": current["name"],
        "fee_vnd": current["fee_vnd"],
        "time_limit": current["time_limit"],
        "online_level": current["online_level"],
        "legal_basis": current["legal_basis"],
        "documents": current["documents"],
        "form_fields": current["form_fields"],
    }
    return {**body, **changes}


@pytest.fixture
def edited(intake: Client, auth: Auth) -> Iterator[dict[str, Any]]:
    """KCB-01 as it was; put back afterwards (the session's other tests share the catalogue)."""
    original = procedure(intake, EDITED)
    yield original
    status, body = call(intake, "PUT", f"/procedures/{EDITED}", auth("admin1"), edit_body(original))
    assert status == 200, body


def test_the_administrator_edits_a_procedure_and_it_is_used_everywhere(
    intake: Client, auth: Auth, edited: dict[str, Any]
) -> None:
    documents = [
        *edited["documents"],
        {
            "code": "GIAY_PHEP_PCCC",
            "name": "Văn bản thẩm duyệt phòng cháy, chữa cháy",
            "required": True,
            "template_url": None,
        },
    ]
    form_fields = [
        {
            "name": "facility_name",
            "label": "Tên phòng khám",
            "type": "text",
            "required": True,
            "options": [],
            "max_length": 120,
        },
        {
            "name": "beds",
            "label": "Số giường lưu",
            "type": "number",
            "required": False,
            "options": [],
            "max_length": None,
        },
    ]
    body = edit_body(
        edited,
        name="Cấp giấy phép hoạt động phòng khám chuyên khoa (sửa đổi)",
        fee_vnd=5_700_000,
        time_limit={"value": 45, "unit": "days"},
        online_level="full",
        documents=documents,
        form_fields=form_fields,
    )
    status, response = call(intake, "PUT", f"/procedures/{EDITED}", auth("admin1"), body)
    assert status == 200, response
    assert response["fee_vnd"] == 5_700_000
    assert response["code"] == EDITED
    assert response["agency_code"] == edited["agency_code"]
    assert response["steps"] == STEPS

    shown = procedure(intake, EDITED)
    assert shown == response
    assert shown["time_limit"] == {"value": 45, "unit": "days"}
    assert shown["online_level"] == "full"
    assert [f["name"] for f in shown["form_fields"]] == ["facility_name", "beds"]
    _, found = call(intake, "GET", "/procedures?q=(sửa đổi)")
    assert [p["code"] for p in found["items"]] == [EDITED]
    _, listed = call(intake, "GET", "/procedures?field=KCB")
    assert next(p for p in listed["items"] if p["code"] == EDITED)["fee_vnd"] == 5_700_000

    # A dossier of the procedure follows the new form, documents and fee.
    status, response = call(
        intake,
        "POST",
        "/dossiers",
        auth("citizen2"),
        new_dossier(procedure_code=EDITED, form_data={"specialty": "Răng hàm mặt"}),
    )
    assert (status, response["error"]["field"]) == (400, "form_data.specialty")
    dossier = submitted(
        intake,
        auth,
        procedure_code=EDITED,
        form_data={"facility_name": "Phòng khám Răng hàm mặt Hải Đăng"},
    )
    assert {a["document_code"] for a in dossier["attachments"]} >= {"GIAY_PHEP_PCCC"}
    status, accepted = act(intake, auth, "desk1", dossier["id"], "accept")
    assert status == 200, accepted
    assert (accepted["status"], accepted["fee_vnd"]) == ("fee_requested", 5_700_000)
    assert accepted["procedure_name"] == body["name"]


def test_another_process_sees_an_edit_once_its_catalogue_is_stale(
    intake: Client, auth: Auth, edited: dict[str, Any]
) -> None:
    from chalicelib.intake.bootstrap import build_service

    settings = load_app("intake").service.settings
    assert settings.catalog_cache_s == 30
    fresh = build_service(settings)
    patient = build_service(dataclasses.replace(settings, catalog_cache_s=0))
    assert fresh.catalog.get(EDITED).fee_vnd == edited["fee_vnd"]  # read now, kept 30 s
    assert patient.catalog.get(EDITED).fee_vnd == edited["fee_vnd"]

    body = edit_body(edited, fee_vnd=edited["fee_vnd"] + 100_000)
    status, response = call(intake, "PUT", f"/procedures/{EDITED}", auth("admin1"), body)
    assert status == 200, response

    assert procedure(intake, EDITED)["fee_vnd"] == edited["fee_vnd"] + 100_000  # this process
    assert fresh.catalog.get(EDITED).fee_vnd == edited["fee_vnd"]  # within its 30 s
    assert patient.catalog.get(EDITED).fee_vnd == edited["fee_vnd"] + 100_000  # re-read
    restarted = build_service(settings)
    assert restarted.catalog.get(EDITED).fee_vnd == edited["fee_vnd"] + 100_000


@pytest.mark.parametrize("user", ["citizen1", "desk1", "officer1", "leader1", "postal1"])
def test_only_the_administrator_edits_the_catalogue(intake: Client, auth: Auth, user: str) -> None:
    before = procedure(intake, EDITED)
    body = edit_body(before, fee_vnd=1)
    status, response = call(intake, "PUT", f"/procedures/{EDITED}", auth(user), body)
    assert (status, response["error"]["code"]) == (403, "forbidden")
    assert call(intake, "PUT", f"/procedures/{EDITED}", {}, body)[0] == 401
    assert procedure(intake, EDITED) == before


def test_editing_an_unknown_procedure_is_404_and_adds_nothing(intake: Client, auth: Auth) -> None:
    body = edit_body(procedure(intake, EDITED), name="Thủ tục mới")
    status, response = call(intake, "PUT", "/procedures/KCB-99", auth("admin1"), body)
    assert (status, response["error"]["code"]) == (404, "unknown_procedure")
    assert call(intake, "GET", "/procedures/KCB-99")[0] == 404
    _, listed = call(intake, "GET", "/procedures?q=Thủ tục mới")
    assert listed["items"] == []


def _select_without_options() -> dict[str, Any]:
    return {"name": "kind", "label": "Loại", "type": "select", "required": True}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"fee_vnd": -1}, "fee_vnd"),
        ({"name": "  "}, "name"),
        ({"time_limit": {"value": -1, "unit": "days"}}, "time_limit.value"),
        ({"time_limit": {"value": 5, "unit": "weeks"}}, "time_limit.unit"),
        ({"online_level": "total"}, "online_level"),
        ({"documents": []}, "documents"),
        (
            {
                "documents": [
                    {"code": "DON", "name": "Đơn", "required": True},
                    {"code": "DON", "name": "Đơn (bản sao)", "required": False},
                ]
            },
            "documents",
        ),
        (
            {"documents": [{"code": "DON", "name": "Đơn", "required": True, "template_url": 5}]},
            "documents.0.template_url",
        ),
        ({"form_fields": [_select_without_options()]}, "form_fields.0"),
        (
            {"form_fields": [{"name": "Tên cơ sở", "label": "Tên", "type": "text"}]},
            "form_fields.0.name",
        ),
        ({"agency_code": "000.00.99.H99"}, "agency_code"),
    ],
)
def test_a_bad_edit_names_the_field_and_changes_nothing(
    intake: Client, auth: Auth, changes: dict[str, Any], field: str
) -> None:
    before = procedure(intake, EDITED)
    body = edit_body(before, **changes)
    status, response = call(intake, "PUT", f"/procedures/{EDITED}", auth("admin1"), body)
    assert status == 400, response
    assert response["error"]["code"] == "validation_error"
    assert response["error"]["field"] == field
    assert response["error"]["message_vi"]
    assert procedure(intake, EDITED) == before


# -- the leaders' overdue list --------------------------------------------------------------------


@pytest.fixture
def clock(intake: Client) -> Iterator[Clock]:
    """Intake's clock in March 2020, before every other test's deadlines."""
    service = load_app("intake").service
    original = service.clock
    fake = Clock(datetime(2020, 3, 2, 8, 0, tzinfo=VN_TZ))  # a Monday
    service.clock = fake
    yield fake
    service.clock = original


def accepted_at(intake: Client, auth: Auth, clock: Clock, *when: int) -> dict[str, Any]:
    clock.set(*when)
    dossier = submitted(intake, auth)
    status, body = act(intake, auth, "desk1", dossier["id"], "accept")
    assert status == 200, body
    return body


def overdue_pages(intake: Client, auth: Auth, limit: int, user: str = "leader1") -> list[Any]:
    items: list[Any] = []
    cursor = None
    for _ in range(20):
        path = f"/overdue?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        status, page = call(intake, "GET", path, auth(user))
        assert status == 200, page
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("the overdue list does not end")


def test_leaders_see_overdue_dossiers_most_overdue_first(
    intake: Client, auth: Auth, clock: Clock
) -> None:
    # YTDP-01: 3 working days; the desk has 10 % of them (2.4 working hours).
    first = accepted_at(intake, auth, clock, 2020, 3, 2, 8, 0)
    second = accepted_at(intake, auth, clock, 2020, 3, 2, 8, 30)
    assert first["step_due_at"] == "2020-03-02T10:24:00+07:00"
    assert second["step_due_at"] == "2020-03-02T10:54:00+07:00"
    third = accepted_at(intake, auth, clock, 2020, 3, 2, 9, 0)
    clock.set(2020, 3, 2, 9, 30)
    status, third = act(
        intake,
        auth,
        "desk1",
        third["id"],
        "assign",
        {"unit": "Phòng Nghiệp vụ Y", "officer": "officer1"},
    )
    assert status == 200, third
    create(intake, auth)  # a draft has no deadline

    clock.set(2020, 3, 2, 13, 30)
    items = overdue_pages(intake, auth, limit=100)
    assert [i["id"] for i in items] == [first["id"], second["id"]]
    assert items[0] == {
        "id": first["id"],
        "code": first["code"],
        "procedure_name": first["procedure_name"],
        "status": "accepted",
        "due_at": first["due_at"],
        "step": "desk",
        "step_due_at": "2020-03-02T10:24:00+07:00",
        "unit": None,
        "officer": None,
        "overdue_hours": 1.1,  # 10:24 → 11:30, then the lunch break
    }
    assert items[1]["overdue_hours"] == 0.6

    # A week later the appointment dates have passed too; the unit's dossier is listed with its
    # unit and officer, and pages of one carry on where the last one ended.
    clock.set(2020, 3, 9, 8, 0)
    paged = overdue_pages(intake, auth, limit=1, user="admin1")
    assert [i["id"] for i in paged] == [first["id"], second["id"], third["id"]]
    last = paged[2]
    assert (last["status"], last["step"], last["unit"], last["officer"]) == (
        "processing",
        "processing",
        "Phòng Nghiệp vụ Y",
        "officer1",
    )
    assert last["due_at"] < "2020-03-09T08:00:00+07:00"
    assert paged[0]["overdue_hours"] > paged[1]["overdue_hours"] > paged[2]["overdue_hours"]

    # Finished dossiers leave the list.
    for dossier in (first, second, third):
        status, body = act(intake, auth, "leader1", dossier["id"], "stop", {"reason": "Dừng"})
        assert status == 200, body
    assert overdue_pages(intake, auth, limit=10) == []


@pytest.mark.parametrize("user", ["citizen1", "desk1", "officer1", "postal1"])
def test_only_leaders_and_administrators_see_the_overdue_list(
    intake: Client, auth: Auth, user: str
) -> None:
    status, body = call(intake, "GET", "/overdue", auth(user))
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert call(intake, "GET", "/overdue", {})[0] == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("cursor=%%%", "cursor"),
        ("cursor=eyJwayI6IHsiUyI6ICJ4In19", "cursor"),  # {"pk": {"S": "x"}}: not this index's key
    ],
)
def test_bad_paging_of_the_overdue_list_is_400(
    intake: Client, auth: Auth, query: str, field: str
) -> None:
    status, body = call(intake, "GET", f"/overdue?{query}", auth("leader1"))
    assert (status, body["error"]["code"], body["error"]["field"]) == (
        400,
        "validation_error",
        field,
    )


def test_the_new_operations_are_in_the_openapi_document(intake: Client) -> None:
    from openapi_spec_validator import validate

    document = json.loads(intake.http.get("/openapi.json").body)
    validate(document)
    paths = document["paths"]
    assert {"put", "get"} <= set(paths["/dossiers/{id}"])
    assert "get" in paths["/dossiers/{id}/attachments/{attachment_id}"]
    assert {"put", "get"} <= set(paths["/procedures/{code}"])
    assert "get" in paths["/overdue"]
    assert paths["/overdue"]["get"]["security"] == [{"cognito": []}]


# -- abandoned drafts ----------------------------------------------------------------------------
def draft_files(dossier_id: str) -> dict[str, dict[str, str]]:
    """The dossier's uploaded files in S3, with their tags."""
    s3 = boto3.client("s3")
    bucket = os.environ["ATTACHMENTS_BUCKET"]
    keys = [
        o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"] if dossier_id in o["Key"]
    ]
    return {
        key: {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}
        for key in keys
    }


def test_files_of_a_draft_expire_unless_the_dossier_is_submitted(
    intake: Client, auth: Auth
) -> None:
    """A lifecycle rule expires files still tagged as a draft's: submitting keeps them."""
    dossier = create(intake, auth)
    for code in required_documents(intake, dossier["procedure_code"]):
        upload(intake, auth, dossier["id"], code)
    files = draft_files(dossier["id"])
    assert files
    assert all(tags == {"motcua:draft": "true"} for tags in files.values())
    status, _ = call(intake, "POST", f"/dossiers/{dossier['id']}/submit", auth("citizen1"))
    assert status == 200
    assert all(tags == {} for tags in draft_files(dossier["id"]).values())
