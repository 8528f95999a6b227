"""One local stack for the reliability suite (schemathesis, authorisation matrix, bad input), and
the records its tests point at: dossiers in several states, a payment, a shipment, a result."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, start_stack, stop_stack

SERVICE_NAMES = ("intake", "payment", "delivery", "notify")
# The demo user of each role (README "Demo accounts"); citizen1 owns every dossier made here.
USER_OF_ROLE = {
    "citizen": "citizen1",
    "desk_officer": "desk1",
    "processing_officer": "officer1",
    "leader": "leader1",
    "postal_agent": "postal1",
    "admin": "admin1",
}
ROLE_OF_USER = {user: role for role, user in USER_OF_ROLE.items()}
USERS = ("citizen1", "citizen2", "desk1", "officer1", "leader1", "postal1", "admin1")

PROCEDURE = "MYPHAM-01"  # 500,000 VND, two required documents, no form fields
# The applicant of every dossier here: numbers no demo account or other test uses, so that a
# leak of them (public pages, the stack's log) can be searched for.
APPLICANT = {
    "full_name": "Trần Thị Ngọc Ánh",
    "id_number": "079203004512",
    "phone": "0983456712",
    "email": "ngoc.anh.reliability@example.vn",
    "address": "12 Lê Lợi, phường Bến Nghé, TP. Hồ Chí Minh",
}
PDF = b"%PDF-1.7\n% motcua reliability\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(16)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(16)


@dataclass
class Operation:
    """One route of a service's OpenAPI document, with who may call it."""

    service: str
    path: str  # as documented, without the /<service> prefix
    method: str
    roles: tuple[str, ...] | None  # None: public; (): any signed-in user; else the groups
    has_body: bool

    @property
    def public(self) -> bool:
        return self.roles is None

    def allows(self, user: str | None) -> bool:
        if self.roles is None:
            return True
        if user is None:
            return False
        return not self.roles or ROLE_OF_USER.get(user, "citizen") in self.roles

    def __str__(self) -> str:
        return f"{self.method} /{self.service}{self.path}"


@pytest.fixture(scope="package")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reliability-stack")


@pytest.fixture(scope="package")
def stack(stack_dir: Path) -> Iterator[RunningStack]:
    running = start_stack(stack_dir)
    yield running
    stop_stack(running)


@pytest.fixture(scope="package")
def documents(stack: RunningStack) -> dict[str, dict[str, Any]]:
    """Each service's OpenAPI document, as served."""
    found = {}
    for service in SERVICE_NAMES:
        response = requests.get(f"{stack.url}/{service}/openapi.json", timeout=30)
        assert response.status_code == 200, response.text
        found[service] = response.json()
    return found


@pytest.fixture(scope="package")
def operations(documents: dict[str, dict[str, Any]]) -> list[Operation]:
    """Every declared route of the four services (what the authorisation matrix walks)."""
    found = []
    for service, document in documents.items():
        for path, methods in document["paths"].items():
            for method, op in methods.items():
                roles = None
                if op.get("security"):
                    roles = tuple(op.get("x-roles", ()))
                found.append(Operation(service, path, method.upper(), roles, "requestBody" in op))
    assert len(found) > 40
    return found


def wait_for(check: Callable[[], Any], what: str, timeout_s: float = 30) -> Any:
    """Poll until ``check`` returns something truthy (events travel through the queues)."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def create_dossier(
    stack: RunningStack,
    user: str = "citizen1",
    applicant: dict[str, Any] | None = None,
    request_content: str = "Đề nghị công bố sản phẩm mỹ phẩm",
) -> dict[str, Any]:
    response = stack.call(
        "POST",
        "/intake/dossiers",
        user,
        {
            "procedure_code": PROCEDURE,
            "applicant": applicant or APPLICANT,
            "request_content": request_content,
            "delivery_method": "in_person",
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def upload(
    stack: RunningStack,
    dossier_id: str,
    document_code: str,
    content: bytes = PDF,
    content_type: str = "application/pdf",
    filename: str = "tep.pdf",
    user: str = "citizen1",
    size_bytes: int | None = None,
) -> str:
    """Reserve the document's upload slot and PUT the bytes to S3; the attachment id."""
    slot = stack.call(
        "POST",
        f"/intake/dossiers/{dossier_id}/attachments",
        user,
        {
            "document_code": document_code,
            "filename": filename,
            "content_type": content_type,
            "size_bytes": size_bytes or max(len(content), 1),
        },
    )
    assert slot.status_code == 201, slot.text
    put = requests.put(
        slot.json()["upload_url"], data=content, headers=slot.json()["headers"], timeout=30
    )
    assert put.status_code == 200, put.text
    return str(slot.json()["attachment_id"])


def required_documents(stack: RunningStack) -> list[str]:
    procedure = stack.call("GET", f"/intake/procedures/{PROCEDURE}").json()
    return [d["code"] for d in procedure["documents"] if d["required"]]


def submitted_dossier(stack: RunningStack, **kwargs: Any) -> dict[str, Any]:
    dossier = create_dossier(stack, **kwargs)
    for code in required_documents(stack):
        upload(stack, dossier["id"], code)
    response = stack.call("POST", f"/intake/dossiers/{dossier['id']}/submit", "citizen1", {})
    assert response.status_code == 200, response.text
    return dict(response.json())


def act(stack: RunningStack, user: str, dossier_id: str, action: str, body: Any = None) -> Any:
    response = stack.call("POST", f"/intake/dossiers/{dossier_id}/{action}", user, body or {})
    assert response.status_code in (200, 201), f"{action}: {response.text}"
    return response.json()


@dataclass
class World:
    """Real records the tests address: ``draft`` (citizen1's, one file uploaded) and ``done``
    (citizen1's, accepted with a fee, a payment attempt, a pickup, then approved with an
    electronic result)."""

    draft_id: str
    attachment_id: str
    done_id: str
    code: str
    txn_ref: str
    shipment_id: str
    verification_code: str


@pytest.fixture(scope="package")
def world(stack: RunningStack) -> World:
    draft = create_dossier(stack)
    attachment_id = upload(stack, draft["id"], required_documents(stack)[0])

    done = submitted_dossier(stack)
    done_id = done["id"]
    accepted = act(stack, "desk1", done_id, "accept")
    assert accepted["status"] == "fee_requested", accepted

    def payment() -> Any:
        r = stack.call("POST", "/payment/payments", "citizen1", {"dossier_id": done_id})
        return r.json() if r.status_code == 201 else None

    txn_ref = wait_for(payment, "the fee request to reach payment")["txn_ref"]

    def pickup() -> Any:
        r = stack.call(
            "POST",
            "/delivery/pickups",
            "citizen1",
            {
                "dossier_id": done_id,
                "address": APPLICANT["address"],
                "preferred_date": "2030-01-07",
            },
        )
        return r.json() if r.status_code == 201 else None

    shipment_id = wait_for(pickup, "the submitted dossier to reach delivery")["id"]
    act(stack, "desk1", done_id, "record-payment", {"receipt_no": "BL-REL-1", "amount_vnd": 500000})
    act(stack, "desk1", done_id, "assign", {"unit": "Phòng Nghiệp vụ Dược", "officer": "officer1"})
    slot = act(
        stack,
        "officer1",
        done_id,
        "result-file",
        {"filename": "ket-qua.pdf", "content_type": "application/pdf", "size_bytes": len(PDF)},
    )
    put = requests.put(slot["upload_url"], data=PDF, headers=slot["headers"], timeout=30)
    assert put.status_code == 200, put.text
    approved = act(stack, "officer1", done_id, "approve", {"result_summary": "Đã cấp số"})
    assert approved["status"] == "result_ready", approved

    def notified() -> Any:
        r = stack.call("GET", f"/notify/notifications?dossier_id={done_id}", "citizen1")
        return r.status_code == 200 and r.json()["items"]

    wait_for(notified, "notify to hear of the dossier")
    return World(
        draft_id=draft["id"],
        attachment_id=attachment_id,
        done_id=done_id,
        code=approved["code"],
        txn_ref=txn_ref,
        shipment_id=shipment_id,
        verification_code=approved["result"]["verification_code"]
        if approved.get("result")
        else slot["verification_code"],
    )
