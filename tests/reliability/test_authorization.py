"""Who may call what, as the product means it: every declared route × an anonymous caller and
the seven demo users gets the status class of a table written out by hand below from README's
API section and the domain's roles (never from the `x-roles` the routes declare, which the table
is checked against instead); another citizen and the postal agent find nothing of citizen1's
records (404); the public tracking and verification pages and the stack's log carry no personal
data of the applicant."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from motcua_shared.timeutil import now
from tests.e2e.conftest import RunningStack
from tests.reliability.conftest import (
    APPLICANT,
    PDF,
    ROLE_OF_USER,
    USERS,
    Operation,
    World,
    create_dossier,
)

CALLERS: tuple[str | None, ...] = (None, *USERS)
# Status classes: "ok" 2xx; "any" past the gate (2xx, or 400 / 409 / 422: refused for what the
# body says or the record's state, as the call of the matrix often is); "401"; "403" (the
# role never does this: code "forbidden"); "404" (the record is not the caller's to see).
# Records: writes go to a fresh draft of citizen1's; reads to citizen1's `done` dossier (fee
# paid at the counter, assigned to officer1, approved with an electronic result), its payment,
# pickup shipment and notifications; an attachment to the world's draft.
TABLE = """
method path                                      anon  cit1  cit2  desk  off   lead  post  adm
GET  /intake/openapi.json                        ok    ok    ok    ok    ok    ok    ok    ok
GET  /intake/procedures                          ok    ok    ok    ok    ok    ok    ok    ok
GET  /intake/procedures/{code}                   ok    ok    ok    ok    ok    ok    ok    ok
PUT  /intake/procedures/{code}                   401   403   403   403   403   403   403   any
POST /intake/dossiers                            401   ok    ok    403   403   403   ok    403
GET  /intake/dossiers                            401   ok    ok    any   any   any   ok    any
GET  /intake/dossiers/{id}                       401   ok    404   ok    ok    ok    404   ok
PUT  /intake/dossiers/{id}                       401   ok    404   403   403   403   404   403
POST /intake/dossiers/{id}/attachments           401   ok    404   403   403   403   404   403
GET  /intake/dossiers/{id}/attachments/{attachment_id}
                                                 401   ok    404   ok    ok    ok    404   ok
POST /intake/dossiers/{id}/submit                401   any   404   403   403   403   404   403
POST /intake/dossiers/{id}/accept                401   403   403   any   403   403   403   403
POST /intake/dossiers/{id}/assign                401   403   403   any   403   any   403   403
POST /intake/dossiers/{id}/approve               401   403   403   403   any   403   403   403
POST /intake/dossiers/{id}/return                401   403   403   any   403   403   403   403
POST /intake/dossiers/{id}/record-payment        401   403   403   any   403   403   403   403
POST /intake/dossiers/{id}/request-supplement    401   403   403   any   any   403   403   403
POST /intake/dossiers/{id}/refuse                401   403   403   any   403   403   403   403
POST /intake/dossiers/{id}/withdraw              401   any   404   403   403   403   404   403
POST /intake/dossiers/{id}/stop                  401   403   403   403   403   any   403   403
POST /intake/dossiers/{id}/extend                401   403   403   403   403   any   403   403
POST /intake/dossiers/{id}/rating                401   any   404   403   403   403   403   403
POST /intake/dossiers/{id}/result-file           401   403   403   403   any   403   403   403
GET  /intake/dossiers/{id}/result                401   ok    404   ok    ok    ok    404   ok
GET  /intake/dossiers/{id}/documents/{kind}      401   ok    404   ok    ok    ok    404   ok
GET  /intake/dossiers/{id}/national-record       401   403   403   ok    ok    ok    403   ok
GET  /intake/track/{code}                        ok    ok    ok    ok    ok    ok    ok    ok
GET  /intake/verify/{verification_code}          ok    ok    ok    ok    ok    ok    ok    ok
GET  /intake/desk/queue                          401   403   403   ok    403   ok    403   403
GET  /intake/worklist                            401   403   403   any   ok    any   403   403
GET  /intake/overdue                             401   403   403   403   403   ok    403   ok
GET  /intake/stats                               401   403   403   403   403   ok    403   ok
GET  /intake/calendar/{year}                     ok    ok    ok    ok    ok    ok    ok    ok
PUT  /intake/calendar/{year}                     401   403   403   403   403   403   403   ok
GET  /payment/openapi.json                       ok    ok    ok    ok    ok    ok    ok    ok
POST /payment/payments                           401   any   404   403   403   403   404   403
GET  /payment/payments/{txn_ref}                 401   ok    404   ok    ok    ok    404   ok
GET  /payment/payments                           401   ok    404   ok    ok    ok    404   ok
GET  /payment/refunds                            401   403   403   ok    403   ok    403   403
GET  /payment/vnpay/ipn                          ok    ok    ok    ok    ok    ok    ok    ok
GET  /payment/vnpay/return                       ok    ok    ok    ok    ok    ok    ok    ok
GET  /delivery/openapi.json                      ok    ok    ok    ok    ok    ok    ok    ok
POST /delivery/pickups                           401   any   404   403   403   403   404   403
GET  /delivery/shipments                         401   ok    404   ok    ok    ok    404   ok
GET  /delivery/shipments/{id}                    401   ok    404   ok    ok    ok    404   ok
POST /delivery/shipments/{id}/rebook             401   403   403   any   403   403   403   403
POST /delivery/postal/callback                   401   401   401   401   401   401   401   401
GET  /notify/openapi.json                        ok    ok    ok    ok    ok    ok    ok    ok
GET  /notify/notifications                       401   ok    404   ok    ok    ok    404   ok
GET  /notify/preferences                         401   ok    ok    ok    ok    ok    ok    ok
PUT  /notify/preferences                         401   ok    ok    ok    ok    ok    ok    ok
POST /notify/receipts/{provider}                 401   401   401   401   401   401   401   401
"""
# Why some cells are what they are (README "API"): officers list dossiers by status only (400
# without one) and the desk and leaders choose a unit or officer for a work list; rating is the
# citizen's (a postal agent files for others); the public callbacks of the post office and of
# the delivery receipts answer 401 to anyone without their signature; VNPay's IPN answers its
# own JSON (RspCode 97) with HTTP 200.
STATUS_CLASSES = {
    "ok": range(200, 300),
    "any": (*range(200, 300), 400, 409, 422),
    "401": (401,),
    "403": (403,),
    "404": (404,),
}


def _table() -> dict[tuple[str, str], dict[str | None, str]]:
    lines = TABLE.strip().splitlines()[1:]
    rows: dict[tuple[str, str], dict[str | None, str]] = {}
    pending: list[str] = []
    for line in lines:
        words = pending + line.split()
        if len(words) == 2:  # a long path: its cells are on the next line
            pending = words
            continue
        pending = []
        method, path, *cells = words
        assert len(cells) == len(CALLERS), line
        assert set(cells) <= set(STATUS_CLASSES), line
        rows[(method, path)] = dict(zip(CALLERS, cells, strict=True))
    return rows


EXPECTED = _table()
FIXED = {"kind": "receipt", "year": "2099", "provider": "ses", "code": "MYPHAM-01"}


def concrete(op: Operation, world: World, draft_id: str) -> str:
    """The route with citizen1's records in its path (see TABLE)."""
    path = op.path
    values: dict[str, str] = dict(FIXED)
    if op.service == "intake":
        values["id"] = draft_id if op.method != "GET" else world.done_id
        if path.endswith("{attachment_id}"):
            values["id"] = world.draft_id
        values["attachment_id"] = world.attachment_id
        if path.startswith("/track/"):
            values["code"] = world.code
        values["verification_code"] = world.verification_code
    elif op.service == "payment":
        values["txn_ref"] = world.txn_ref
    elif op.service == "delivery":
        values["id"] = world.shipment_id
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, path
    query = ""
    if op.path in ("/payments", "/shipments", "/notifications") and op.method == "GET":
        query = f"?dossier_id={world.done_id}"
    elif op.path == "/vnpay/ipn":
        query = "?vnp_TxnRef=KHONG-CO&vnp_SecureHash=00"
    return f"/{op.service}{path}{query}"


def body_for(op: Operation, world: World) -> Any:
    """A well-formed body, so that the answer shows who may act, not what the body lacks."""
    later = (now() + timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    dossier = {
        "applicant": APPLICANT,
        "request_content": "Đề nghị công bố sản phẩm mỹ phẩm",
        "delivery_method": "in_person",
    }
    bodies: dict[str, Any] = {
        "PUT /intake/procedures/{code}": {},  # never edit the catalogue the suite relies on
        "POST /intake/dossiers": {"procedure_code": "MYPHAM-01", **dossier},
        "PUT /intake/dossiers/{id}": dossier,
        "POST /intake/dossiers/{id}/attachments": {
            "document_code": "PHIEU_CONG_BO",
            "filename": "phieu.pdf",
            "content_type": "application/pdf",
            "size_bytes": len(PDF),
        },
        "POST /intake/dossiers/{id}/assign": {"unit": "Phòng Nghiệp vụ", "officer": "officer1"},
        "POST /intake/dossiers/{id}/approve": {"result_summary": "Đạt"},
        "POST /intake/dossiers/{id}/record-payment": {"receipt_no": "BL-1", "amount_vnd": 500000},
        "POST /intake/dossiers/{id}/request-supplement": {
            "reason": "Bổ sung",
            "items": [{"document_code": "PHIEU_CONG_BO"}],
        },
        "POST /intake/dossiers/{id}/refuse": {"reason": "Không đủ điều kiện"},
        "POST /intake/dossiers/{id}/withdraw": {"reason": "Rút"},
        "POST /intake/dossiers/{id}/stop": {"reason": "Dừng"},
        "POST /intake/dossiers/{id}/extend": {"reason": "Gia hạn", "new_due_at": later.isoformat()},
        "POST /intake/dossiers/{id}/rating": {"score": 5, "comment": ""},
        "POST /intake/dossiers/{id}/result-file": {
            "filename": "ket-qua.pdf",
            "content_type": "application/pdf",
            "size_bytes": len(PDF),
        },
        "PUT /intake/calendar/{year}": {"extra_days_off": [], "extra_working_days": []},
        "POST /payment/payments": {"dossier_id": world.done_id},
        "POST /delivery/pickups": {
            "dossier_id": world.done_id,
            "address": APPLICANT["address"],
            "preferred_date": "2030-01-07",
        },
        "POST /delivery/postal/callback": {"Data": '{"ItemCode": "X"}', "SignData": "00"},
        "PUT /notify/preferences": {"channels": ["email", "sms"]},
        "POST /notify/receipts/{provider}": {
            "notificationType": "Delivery",
            "mail": {"messageId": "KHONG-CO"},
        },
    }
    return bodies.get(f"{op.method} /{op.service}{op.path}", {})


def _personal_data() -> list[str]:
    phone = APPLICANT["phone"]
    return [
        APPLICANT["full_name"],
        APPLICANT["id_number"],
        phone,
        "+84" + phone[1:],
        "84" + phone[1:],
        APPLICANT["email"],
        APPLICANT["address"],
    ]


def problem(expected: str, status: int, body: Any, text: str) -> str | None:
    """What is wrong with this answer, or None."""
    if status not in STATUS_CLASSES[expected]:
        return f"expected {expected}, got {status}"
    if status >= 400 and not (isinstance(body, dict) and "error" in body):
        return f"{status} without the error format"
    code = body["error"]["code"] if status >= 400 else None
    if expected == "403" and code != "forbidden":
        return f"403 for another reason than the role: {code}"
    if expected == "any" and status == 403:
        return "an allowed role was refused"
    if expected == "404":
        leaked = [value for value in _personal_data() if value in text]
        if leaked:
            return f"the 404 shows {leaked}"
    return None


@pytest.mark.parametrize("user", CALLERS)
def test_every_route_answers_each_caller_as_the_table_says(
    stack: RunningStack, world: World, operations: list[Operation], user: str | None
) -> None:
    """Least privilege (OWASP Top 10 A01:2021, Broken Access Control), route by route."""
    draft_id = create_dossier(stack)["id"]
    problems = []
    for op in operations:
        expected = EXPECTED[(op.method, f"/{op.service}{op.path}")][user]
        url = concrete(op, world, draft_id)
        body = body_for(op, world) if op.method in ("POST", "PUT") else None
        response = stack.call(op.method, url, user, body)
        try:
            payload = response.json()
        except ValueError:
            payload = response.text
        found = problem(expected, response.status_code, payload, response.text)
        if found:
            problems.append(f"{op} as {user or 'anonymous'} ({url}): {found}: {payload!r:.200}")
    assert not problems, "\n".join(problems)


def test_the_table_has_every_route_of_every_service(operations: list[Operation]) -> None:
    documented = {(op.method, f"/{op.service}{op.path}") for op in operations}
    assert documented == set(EXPECTED), (
        f"routes without a row: {sorted(documented - set(EXPECTED))}; "
        f"rows without a route: {sorted(set(EXPECTED) - documented)}"
    )


def test_the_declared_roles_agree_with_the_table(operations: list[Operation]) -> None:
    """The `x-roles` each document declares say what the table says (documentation holds)."""
    wrong = []
    for op in operations:
        row = EXPECTED[(op.method, f"/{op.service}{op.path}")]
        if op.public:
            if len({row[user] for user in CALLERS}) != 1:
                wrong.append(f"{op}: public, yet the table tells callers apart")
            continue
        allowed = {ROLE_OF_USER.get(user, "citizen") for user in USERS if row[user] != "403"}
        declared = set(op.roles or ROLE_OF_USER.values())
        if row[None] != "401" or allowed != declared:
            wrong.append(f"{op}: declared {sorted(declared)}, table {sorted(allowed)}")
    assert not wrong, "\n".join(wrong)


def test_another_applicant_finds_nothing_of_citizen1s() -> None:
    """Every route that names one of citizen1's records (a dossier, its attachment, payment,
    shipment, notifications) answers another citizen and the postal agent 404 — or 403 where
    their role never acts — so that nobody learns what exists (README: another citizen's
    dossier → 404)."""
    named = [
        key
        for key in EXPECTED
        if "{id}" in key[1]
        or "{txn_ref}" in key[1]
        or key in {("GET", "/payment/payments"), ("POST", "/payment/payments")}
        or key[1] in {"/delivery/pickups", "/delivery/shipments", "/notify/notifications"}
    ]
    assert len(named) == 28
    for key in named:
        for user in ("citizen2", "postal1"):
            assert EXPECTED[key][user] in {"404", "403"}, (key, user)
    assert {k for k in named if EXPECTED[k]["citizen2"] == "404"} >= {
        ("PUT", "/intake/dossiers/{id}"),
        ("POST", "/intake/dossiers/{id}/rating"),
    }


def test_public_tracking_and_verification_show_nothing_personal(
    stack: RunningStack, world: World
) -> None:
    tracking = stack.call("GET", f"/intake/track/{world.code}")
    assert tracking.status_code == 200, tracking.text
    assert tracking.json()["code"] == world.code
    verified = stack.call("GET", f"/intake/verify/{world.verification_code}")
    assert verified.status_code == 200, verified.text
    assert verified.json()["dossier_code"] == world.code
    for response in (tracking, verified):
        text = response.content.decode()
        for value in _personal_data():
            assert value not in text, f"{value!r} leaks in {response.url}"
        assert "applicant" not in response.json()
        assert not re.search(r"\b0\d{9}\b", text), "a phone number on a public page"


def test_the_stack_log_has_no_full_phone_or_id_number(
    stack: RunningStack, world: World, stack_dir: Path
) -> None:
    # Exercise what logs a person's contact: notifications to the applicant were sent (world).
    stack.call("GET", f"/notify/notifications?dossier_id={world.done_id}", "citizen1")
    log = (stack_dir / "stack.log").read_text(errors="replace")
    assert log, "the stack wrote no log"
    phone = APPLICANT["phone"]
    for value in (APPLICANT["id_number"], phone, phone[1:], APPLICANT["email"]):
        assert value not in log, f"{value!r} is in the stack's log"
