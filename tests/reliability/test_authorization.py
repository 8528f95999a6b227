"""Who may call what: every declared route × the seven demo users and an anonymous caller gets the
status its declared roles promise; another citizen's dossier is not found anywhere; the public
tracking and verification pages and the stack's log carry no personal data of the applicant."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import RunningStack
from tests.reliability.conftest import (
    APPLICANT,
    USERS,
    Operation,
    World,
    create_dossier,
)

# Path parameters → real records (the writes go to a draft of citizen1's made for the matrix).
FIXED = {"kind": "receipt", "year": "2099", "provider": "ses", "verification_code": "KHONG-CO"}


def concrete(op: Operation, world: World, draft_id: str) -> str:
    path = op.path
    values: dict[str, str] = dict(FIXED)
    if op.service == "intake":
        values["id"] = draft_id if op.method != "GET" else world.done_id
        values["attachment_id"] = world.attachment_id
        values["code"] = world.code if path.startswith("/track/") else "MYPHAM-01"
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
    return f"/{op.service}{path}{query}"


def problem(op: Operation, user: str | None, status: int, body: Any) -> str | None:
    """What is wrong with this answer, or None."""
    if status >= 500:
        return f"server error {status}"
    if status >= 400 and not (isinstance(body, dict) and "error" in body):
        return f"{status} without the error format"
    code = body["error"]["code"] if isinstance(body, dict) and "error" in body else None
    if op.public:
        # A public write is a signed callback: without a signature it is 401 (for anyone).
        ok = status != 403 and (status != 401 or op.method != "GET")
        return None if ok else f"public route answered {status}"
    if user is None:
        return None if status == 401 else f"anonymous got {status}, expected 401"
    if not op.allows(user):
        return None if status == 403 else f"role not allowed, expected 403, got {status}"
    if status == 401:
        return "signed in but 401"
    if status == 403 and code == "forbidden" and op.roles:
        return "an allowed role was refused (forbidden)"
    return None


@pytest.mark.parametrize("user", [None, *USERS])
def test_every_route_answers_each_role_as_declared(
    stack: RunningStack, world: World, operations: list[Operation], user: str | None
) -> None:
    draft_id = create_dossier(stack)["id"]
    problems = []
    for op in operations:
        url = concrete(op, world, draft_id)
        body = {} if op.method in ("POST", "PUT") else None
        response = stack.call(op.method, url, user, body)
        try:
            payload = response.json()
        except ValueError:
            payload = response.text
        found = problem(op, user, response.status_code, payload)
        if found:
            problems.append(f"{op} as {user or 'anonymous'} ({url}): {found}: {payload!r:.200}")
    assert not problems, "\n".join(problems)


def test_the_matrix_covers_every_route_of_every_service(operations: list[Operation]) -> None:
    by_service = {op.service for op in operations}
    assert by_service == {"intake", "payment", "delivery", "notify"}
    protected = [op for op in operations if not op.public]
    assert len(protected) > 30
    assert all(op.roles is not None for op in protected)


OTHER_CITIZENS_DOSSIER = [
    ("GET", "/intake/dossiers/{id}"),
    ("GET", "/intake/dossiers/{id}/documents/receipt"),
    ("GET", "/intake/dossiers/{id}/attachments/{attachment}"),
    ("GET", "/intake/dossiers/{id}/result"),
    ("POST", "/intake/dossiers/{id}/withdraw"),
    ("POST", "/intake/dossiers/{id}/submit"),
    ("POST", "/intake/dossiers/{id}/attachments"),
    ("GET", "/payment/payments?dossier_id={id}"),
    ("GET", "/payment/payments/{txn_ref}"),
    ("POST", "/payment/payments"),
    ("GET", "/delivery/shipments?dossier_id={id}"),
    ("GET", "/delivery/shipments/{shipment}"),
    ("POST", "/delivery/pickups"),
    ("GET", "/notify/notifications?dossier_id={id}"),
]


@pytest.mark.parametrize(("method", "template"), OTHER_CITIZENS_DOSSIER)
def test_another_citizens_dossier_is_not_found(
    stack: RunningStack, world: World, method: str, template: str
) -> None:
    path = template.format(
        id=world.done_id,
        attachment=world.attachment_id,
        txn_ref=world.txn_ref,
        shipment=world.shipment_id,
    )
    body: dict[str, Any] | None = None
    if method == "POST":
        body = {"dossier_id": world.done_id}
        if path.endswith("/attachments"):
            body = {
                "document_code": "PHIEU_CONG_BO",
                "filename": "a.pdf",
                "content_type": "application/pdf",
                "size_bytes": 10,
            }
        elif path.endswith("/pickups"):
            body = {
                "dossier_id": world.done_id,
                "address": "1 Hà Nội",
                "preferred_date": "2030-01-07",
            }
        elif "/intake/" in path:
            body = {}
    response = stack.call(method, path, "citizen2", body)
    assert response.status_code == 404, response.text
    assert APPLICANT["phone"] not in response.text
    assert APPLICANT["id_number"] not in response.text
    if method == "GET" and "/result" not in path and "/attachments/" not in path:
        owner = stack.call(method, path, "citizen1")
        assert owner.status_code == 200, owner.text


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
