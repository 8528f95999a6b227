"""The intake API on moto: what a citizen and the officers see at each step."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
import pytest
import requests
from chalice.test import Client

from infra.local.apps import load_app
from infra.local.bootstrap import DEMO_PASSWORD, DemoUser, Stack, create_user
from tests.service.conftest import Pump

PROCEDURE = "YTDP-01"  # Công bố cơ sở đủ điều kiện tiêm chủng: 3 working days, no fee

Auth = Callable[[str], dict[str, str]]


def applicant(**overrides: Any) -> dict[str, Any]:
    return {
        "full_name": "Nguyễn Thị Lan",
        "id_number": "079123456789",
        "phone": "0912345678",
        "email": "lan@example.vn",
        "address": "12 Trần Phú, Nha Trang, Khánh Hòa",
        **overrides,
    }


def new_dossier(**overrides: Any) -> dict[str, Any]:
    return {
        "procedure_code": PROCEDURE,
        "applicant": applicant(),
        "request_content": "Công bố sản phẩm kem dưỡng da",
        "form_data": {"product_name": "Kem dưỡng ẩm Lan", "brand": "Lan"},
        "delivery_method": "in_person",
        **overrides,
    }


def call(
    client: Client, method: str, path: str, headers: dict[str, str] | None = None, body: Any = None
) -> tuple[int, dict[str, Any]]:
    raw = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
    response = getattr(client.http, method.lower())(path, headers=headers or {}, body=raw)
    return response.status_code, json.loads(response.body or b"{}")


def create(intake: Client, auth: Auth, user: str = "citizen1", **overrides: Any) -> dict[str, Any]:
    status, body = call(intake, "POST", "/dossiers", auth(user), new_dossier(**overrides))
    assert status == 201, body
    return body


def required_documents(intake: Client, code: str = PROCEDURE) -> list[str]:
    _, procedure = call(intake, "GET", f"/procedures/{code}")
    return [d["code"] for d in procedure["documents"] if d["required"]]


def upload(
    intake: Client, auth: Auth, dossier_id: str, document_code: str, user: str = "citizen1"
) -> None:
    content = b"%PDF-1.4 test document " + document_code.encode()
    status, slot = call(
        intake,
        "POST",
        f"/dossiers/{dossier_id}/attachments",
        auth(user),
        {
            "document_code": document_code,
            "filename": f"{document_code.lower()}.pdf",
            "content_type": "application/pdf",
            "size_bytes": len(content),
        },
    )
    assert status == 201, slot
    assert slot["method"] == "PUT"
    put = requests.put(slot["upload_url"], data=content, headers=slot["headers"], timeout=10)
    assert put.status_code == 200


def submitted(
    intake: Client, auth: Auth, user: str = "citizen1", **overrides: Any
) -> dict[str, Any]:
    dossier = create(intake, auth, user, **overrides)
    for code in required_documents(intake, dossier["procedure_code"]):
        upload(intake, auth, dossier["id"], code, user)
    status, body = call(intake, "POST", f"/dossiers/{dossier['id']}/submit", auth(user))
    assert status == 200, body
    return body


def act(
    intake: Client, auth: Auth, user: str, dossier_id: str, action: str, body: Any = None
) -> tuple[int, dict[str, Any]]:
    return call(intake, "POST", f"/dossiers/{dossier_id}/{action}", auth(user), body or {})


# -- catalogue --------------------------------------------------------------------------------


def test_catalogue_lists_real_procedures_of_all_six_fields(intake: Client) -> None:
    status, body = call(intake, "GET", "/procedures")
    assert status == 200
    items = body["items"]
    assert len(items) >= 15
    assert {p["field"] for p in items} == {"DUOC", "MYPHAM", "KCB", "TTBYT", "ATTP", "YTDP"}
    cosmetics = next(p for p in items if p["code"] == "MYPHAM-01")
    assert cosmetics["fee_vnd"] == 500_000
    assert cosmetics["time_limit"] == {"value": 3, "unit": "working_days"}
    assert cosmetics["online_level"] in {"partial", "full"}
    assert any(d["required"] for d in cosmetics["documents"])


def test_catalogue_search_by_field_and_name(intake: Client) -> None:
    _, body = call(intake, "GET", "/procedures?field=DUOC")
    assert body["items"]
    assert all(p["field"] == "DUOC" for p in body["items"])
    _, body = call(intake, "GET", "/procedures?q=mỹ phẩm")
    assert body["items"]
    assert all("mỹ phẩm" in p["name"].lower() for p in body["items"])


def test_unknown_procedure_is_404_with_bilingual_error(intake: Client) -> None:
    status, body = call(intake, "GET", "/procedures/NOPE-99")
    assert status == 404
    assert body["error"]["code"] == "unknown_procedure"
    assert body["error"]["message_vi"]


# -- the happy path ---------------------------------------------------------------------------


def test_happy_path_from_draft_to_returned(
    intake: Client, auth: Auth, pump: Pump, aws: Stack
) -> None:
    dossier = create(intake, auth)
    assert dossier["status"] == "draft"
    assert dossier["national_status"] is None
    assert dossier["channel"] == 2

    for code in required_documents(intake):
        upload(intake, auth, dossier["id"], code)
    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert status == 200, body
    assert body["status"] == "submitted"
    assert body["national_status"] == 1
    assert all(a["status"] == "uploaded" for a in body["attachments"])

    status, body = act(intake, auth, "desk1", dossier["id"], "accept")
    assert status == 200, body
    assert body["status"] == "accepted"
    assert re.fullmatch(r"000\.00\.01\.H56-\d{6}-\d{4}", body["code"])
    assert body["due_at"] > body["accepted_at"]
    assert body["due_at"].endswith("+07:00")

    status, body = act(
        intake,
        auth,
        "desk1",
        dossier["id"],
        "assign",
        {"unit": "Phòng Nghiệp vụ Dược", "officer": "officer1"},
    )
    assert (status, body["status"], body["national_status"]) == (200, "processing", 4)

    status, body = act(
        intake,
        auth,
        "officer1",
        dossier["id"],
        "approve",
        {"result_summary": "Cấp số tiếp nhận phiếu công bố"},
    )
    assert (status, body["status"], body["national_status"]) == (200, "result_ready", 9)

    status, body = act(intake, auth, "desk1", dossier["id"], "return")
    assert (status, body["status"], body["national_status"]) == (200, "returned", 10)

    assert [(h["action"], h["from_status"], h["to_status"]) for h in body["history"]] == [
        ("create", None, "draft"),
        ("submit", "draft", "submitted"),
        ("accept", "submitted", "accepted"),
        ("assign", "accepted", "processing"),
        ("approve", "processing", "result_ready"),
        ("return", "result_ready", "returned"),
    ]
    assert [h["actor"] for h in body["history"]] == [
        "citizen1",
        "citizen1",
        "desk1",
        "desk1",
        "officer1",
        "desk1",
    ]

    # Public tracking by code: the progress, nothing personal.
    status, tracked = call(intake, "GET", f"/track/{body['code']}")
    assert status == 200
    assert tracked["status"] == "returned"
    assert tracked["national_status"] == 10
    text = json.dumps(tracked, ensure_ascii=False)
    for secret in ("079123456789", "0912345678", "lan@example.vn", "Nguyễn Thị Lan", "officer1"):
        assert secret not in text
    assert len(tracked["history"]) == 6

    # Every step was announced; notify's queue got each announcement of this dossier.
    pump.publish("intake")
    sqs = boto3.client("sqs")
    received = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=aws.queue_urls["notify"], MaxNumberOfMessages=10
        ).get("Messages", [])
        if not messages:
            break
        for m in messages:
            event = json.loads(m["Body"])
            if event["dossier_id"] == dossier["id"]:
                received.append(event["type"])
            sqs.delete_message(QueueUrl=aws.queue_urls["notify"], ReceiptHandle=m["ReceiptHandle"])
    assert sorted(received) == sorted(
        [
            "dossier.submitted",
            "dossier.accepted",
            "dossier.processing_started",
            "dossier.result_ready",
            "dossier.returned",
        ]
    )


def test_codes_follow_each_other_within_a_day(intake: Client, auth: Auth) -> None:
    codes = []
    for _ in range(2):
        dossier = submitted(intake, auth)
        _, body = act(intake, auth, "desk1", dossier["id"], "accept")
        codes.append(body["code"])
    first, second = (int(c.rsplit("-", 1)[1]) for c in codes)
    assert codes[0].rsplit("-", 1)[0] == codes[1].rsplit("-", 1)[0]
    assert second == first + 1


# -- refusals ---------------------------------------------------------------------------------


def test_submit_without_required_documents_names_them(intake: Client, auth: Auth) -> None:
    dossier = create(intake, auth)
    required = required_documents(intake)
    upload(intake, auth, dossier["id"], required[0])
    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert status == 422
    assert body["error"]["code"] == "missing_documents"
    assert body["error"]["missing"] == required[1:]
    _, after = call(intake, "GET", f"/dossiers/{dossier['id']}", auth("citizen1"))
    assert after["status"] == "draft"


def test_reserved_but_never_uploaded_file_counts_as_missing(intake: Client, auth: Auth) -> None:
    dossier = create(intake, auth)
    required = required_documents(intake)
    for code in required:
        call(
            intake,
            "POST",
            f"/dossiers/{dossier['id']}/attachments",
            auth("citizen1"),
            {
                "document_code": code,
                "filename": "a.pdf",
                "content_type": "application/pdf",
                "size_bytes": 10,
            },
        )
    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert status == 422
    assert body["error"]["missing"] == required


@pytest.mark.parametrize(
    ("attachment", "code"),
    [
        ({"content_type": "application/x-msdownload"}, "unsupported_file_type"),
        ({"size_bytes": 50 * 1024 * 1024}, "file_too_large"),
        ({"document_code": "NOT_A_DOCUMENT"}, "unknown_document"),
    ],
)
def test_attachment_limits(
    intake: Client, auth: Auth, attachment: dict[str, Any], code: str
) -> None:
    dossier = create(intake, auth)
    body = {
        "document_code": required_documents(intake)[0],
        "filename": "x.pdf",
        "content_type": "application/pdf",
        "size_bytes": 100,
        **attachment,
    }
    status, response = call(
        intake, "POST", f"/dossiers/{dossier['id']}/attachments", auth("citizen1"), body
    )
    assert status == 422
    assert response["error"]["code"] == code


def test_transition_not_in_the_lifecycle_is_409(intake: Client, auth: Auth) -> None:
    dossier = create(intake, auth)
    status, body = act(intake, auth, "desk1", dossier["id"], "accept")
    assert status == 409
    assert body["error"]["code"] == "invalid_transition"


def test_wrong_role_is_403(intake: Client, auth: Auth) -> None:
    dossier = submitted(intake, auth)
    status, body = act(intake, auth, "citizen1", dossier["id"], "accept")
    assert status == 403
    assert body["error"]["code"] == "forbidden"


def test_only_the_assigned_officer_approves(intake: Client, auth: Auth) -> None:
    dossier = submitted(intake, auth)
    act(intake, auth, "desk1", dossier["id"], "accept")
    act(
        intake,
        auth,
        "leader1",
        dossier["id"],
        "assign",
        {"unit": "Phòng Nghiệp vụ", "officer": "someone-else"},
    )
    status, body = act(intake, auth, "officer1", dossier["id"], "approve", {"result_summary": "ok"})
    assert status == 403
    assert body["error"]["code"] == "not_assigned"


def test_citizens_see_only_their_own_dossiers(intake: Client, auth: Auth) -> None:
    mine = create(intake, auth, "citizen1")
    status, body = call(intake, "GET", f"/dossiers/{mine['id']}", auth("citizen2"))
    assert status == 404
    assert body["error"]["code"] == "dossier_not_found"
    status, body = call(intake, "POST", f"/dossiers/{mine['id']}/submit", auth("citizen2"), {})
    assert status == 404
    _, listing = call(intake, "GET", "/dossiers", auth("citizen2"))
    assert mine["id"] not in {d["id"] for d in listing["items"]}
    _, listing = call(intake, "GET", "/dossiers", auth("citizen1"))
    assert mine["id"] in {d["id"] for d in listing["items"]}


def test_officers_list_by_status_with_cursor(intake: Client, auth: Auth) -> None:
    ids = {submitted(intake, auth)["id"] for _ in range(3)}
    seen: set[str] = set()
    cursor = None
    for _ in range(50):
        path = "/dossiers?status=submitted&limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, page = call(intake, "GET", path, auth("desk1"))
        assert status == 200
        assert len(page["items"]) <= 2
        seen |= {d["id"] for d in page["items"]}
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert ids <= seen


def test_a_citizens_list_by_status_fills_its_page(
    aws: Stack, intake: Client, auth: Auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Newest first, two submitted dossiers behind three newer drafts: the first page asked for
    two submitted ones has both, not the nothing the first two dossiers read would give. (A
    citizen of this test's own, and a minute between dossiers: their order is certain.)"""
    user = DemoUser("citizen-paging", "citizen", "Đỗ Thị Lan", "lan@example.vn", "+84912000099")
    create_user(boto3.client("cognito-idp"), aws.user_pool_id, user, DEMO_PASSWORD)
    service = load_app("intake").service
    start = service.clock()
    minutes = iter(range(100))
    monkeypatch.setattr(service, "clock", lambda: start + timedelta(minutes=next(minutes)))
    older = [submitted(intake, auth, user.username)["id"] for _ in range(2)]
    for _ in range(3):
        create(intake, auth, user.username)
    status, page = call(intake, "GET", "/dossiers?status=submitted&limit=2", auth(user.username))
    assert status == 200
    assert [d["id"] for d in page["items"]] == older[::-1]
    assert {d["status"] for d in page["items"]} == {"submitted"}


def test_postal_agent_submits_on_a_citizens_behalf_with_postal_channel(
    intake: Client, auth: Auth
) -> None:
    dossier = submitted(intake, auth, user="postal1")
    assert dossier["channel"] == 3


# -- authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"],
)
def test_missing_or_bad_token_is_401(intake: Client, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    status, body = call(intake, "GET", "/dossiers", headers)
    assert status == 401
    assert body["error"]["code"] == "unauthenticated"


def test_access_token_is_not_an_id_token(intake: Client, aws: Stack) -> None:
    result = boto3.client("cognito-idp").initiate_auth(
        ClientId=aws.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "citizen1", "PASSWORD": "Motcua@2026"},
    )
    access = result["AuthenticationResult"]["AccessToken"]
    status, _ = call(intake, "GET", "/dossiers", {"Authorization": f"Bearer {access}"})
    assert status == 401


# -- bad input ----------------------------------------------------------------------------------


def count_dossiers(intake: Client, auth: Auth) -> int:
    return len(call(intake, "GET", "/dossiers?limit=100", auth("citizen2"))[1]["items"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (new_dossier(applicant=applicant(phone="12345")), "applicant.phone"),
        (new_dossier(applicant=applicant(id_number="12ab")), "applicant.id_number"),
        (new_dossier(delivery_method="drone"), "delivery_method"),
        (new_dossier(delivery_method="postal", delivery_address=None), "body"),
        (new_dossier(request_content="x" * 5000), "request_content"),
        (new_dossier(applicant=applicant(full_name="y" * 300)), "applicant.full_name"),
        (new_dossier(unexpected=1), "unexpected"),
        ({**new_dossier(), "form_data": "not an object"}, "form_data"),
    ],
)
def test_invalid_dossier_names_the_field_and_writes_nothing(
    intake: Client, auth: Auth, body: dict[str, Any], field: str
) -> None:
    before = count_dossiers(intake, auth)
    status, response = call(intake, "POST", "/dossiers", auth("citizen2"), body)
    assert status == 400
    assert response["error"]["code"] == "validation_error"
    assert response["error"]["field"] == field
    assert response["error"]["message_vi"]
    assert count_dossiers(intake, auth) == before


@pytest.mark.parametrize("raw", ["{not json", "[1, 2", "\xff\xfe", ""])
def test_malformed_json_is_400(intake: Client, auth: Auth, raw: str) -> None:
    status, response = call(intake, "POST", "/dossiers", auth("citizen2"), raw)
    assert status == 400
    assert response["error"]["code"] in {"malformed_json", "validation_error"}


def test_unknown_procedure_on_create_is_404_and_writes_nothing(intake: Client, auth: Auth) -> None:
    before = count_dossiers(intake, auth)
    status, response = call(
        intake, "POST", "/dossiers", auth("citizen2"), new_dossier(procedure_code="NOPE")
    )
    assert status == 404
    assert response["error"]["code"] == "unknown_procedure"
    assert count_dossiers(intake, auth) == before


def test_bad_cursor_and_limit_are_400(intake: Client, auth: Auth) -> None:
    assert call(intake, "GET", "/dossiers?cursor=%%%", auth("citizen1"))[0] == 400
    forged = base64.urlsafe_b64encode(b'{"a": 1}').decode()  # JSON, but not a key of ours
    assert call(intake, "GET", f"/dossiers?cursor={forged}", auth("citizen1"))[0] == 400
    assert (
        call(intake, "GET", f"/dossiers?status=submitted&cursor={forged}", auth("desk1"))[0] == 400
    )
    wrong_keys = base64.urlsafe_b64encode(b'{"pk": {"S": "x"}}').decode()  # not this index's key
    assert call(intake, "GET", f"/dossiers?cursor={wrong_keys}", auth("citizen1"))[0] == 400
    assert call(intake, "GET", "/dossiers?limit=0", auth("citizen1"))[0] == 400
    assert call(intake, "GET", "/dossiers?limit=abc", auth("citizen1"))[0] == 400


def test_unknown_tracking_code_is_404(intake: Client) -> None:
    status, body = call(intake, "GET", "/track/000.00.01.H56-991231-9999")
    assert status == 404
    assert body["error"]["code"] == "dossier_not_found"


def test_a_stale_copy_cannot_overwrite_a_newer_one(intake: Client, auth: Auth) -> None:
    from chalicelib.intake.storage.repositories import DossierRepository
    from motcua_shared.errors import Conflict

    dossier = submitted(intake, auth)
    repository = DossierRepository()
    stale = repository.get(dossier["id"])
    status, _ = act(intake, auth, "desk1", dossier["id"], "accept")
    assert status == 200
    stale.request_content = "overwritten"
    with pytest.raises(Conflict):
        repository.save(stale)
    _, current = call(intake, "GET", f"/dossiers/{dossier['id']}", auth("citizen1"))
    assert current["status"] == "accepted"
    assert current["request_content"] == dossier["request_content"]


@pytest.mark.parametrize("dossier_id", ["x" * 3000, "not-a-uuid", "%00", "%2e%2e"])
def test_odd_dossier_ids_are_404_not_500(intake: Client, auth: Auth, dossier_id: str) -> None:
    status, body = call(intake, "GET", f"/dossiers/{dossier_id}", auth("desk1"))
    assert status == 404
    assert body["error"]["code"] == "dossier_not_found"
    status, _ = act(intake, auth, "desk1", dossier_id, "accept")
    assert status == 404


@pytest.mark.parametrize("code", ["y" * 3000, "abc", "000.00.01.H56-261122"])
def test_odd_tracking_codes_are_404(intake: Client, code: str) -> None:
    assert call(intake, "GET", f"/track/{code}")[0] == 404
