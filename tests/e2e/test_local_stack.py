"""The whole local stack, started exactly as `make run` starts it, driven over HTTP.

A citizen signs in with Cognito (moto), uploads documents through presigned S3 URLs, submits; the
desk accepts; a processing officer approves; the desk returns the result; anyone tracks the
dossier by its code; every announced step reaches the notify service exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class RunningStack:
    def __init__(
        self, state: dict[str, Any], process: subprocess.Popen[bytes], ports: tuple[int, int]
    ):
        self.state = state
        self.process = process
        self.ports = ports
        self.url = state["gateway_url"]
        self.session = boto3.session.Session(
            aws_access_key_id="local",
            aws_secret_access_key="local",
            region_name=state["region"],
        )

    def aws(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.state["aws_endpoint"])

    def token(self, username: str) -> str:
        user = next(u for u in self.state["demo_users"] if u["username"] == username)
        result = self.aws("cognito-idp").initiate_auth(
            ClientId=self.state["user_pool_client_id"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": user["password"]},
        )
        return str(result["AuthenticationResult"]["IdToken"])

    def call(
        self, method: str, path: str, user: str | None = None, body: Any = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        return requests.request(method, self.url + path, json=body, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    state_dir = tmp_path_factory.mktemp("stack")
    gateway_port, moto_port = free_port(), free_port()
    env = {
        **os.environ,
        "MOTCUA_GATEWAY_PORT": str(gateway_port),
        "MOTCUA_MOTO_PORT": str(moto_port),
        "MOTCUA_STATE_DIR": str(state_dir),
    }
    for name in ("AWS_ENDPOINT_URL", "DOSSIERS_TABLE", "ATTACHMENTS_BUCKET", "EVENT_ROUTES"):
        env.pop(name, None)
    log = (state_dir / "stack.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    state_file = state_dir / "stack.json"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the local stack did not start:\n" + (state_dir / "stack.log").read_text())
        time.sleep(0.2)
    running = RunningStack(json.loads(state_file.read_text()), process, (gateway_port, moto_port))
    yield running
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(30)


def test_stack_json_tells_where_everything_is(stack: RunningStack) -> None:
    state = stack.state
    for key in ("gateway_url", "aws_endpoint", "region", "user_pool_id", "user_pool_client_id"):
        assert state[key]
    groups = {u["group"] for u in state["demo_users"]}
    assert groups == {
        "citizen",
        "desk_officer",
        "processing_officer",
        "leader",
        "postal_agent",
        "admin",
    }
    assert requests.get(stack.url + "/", timeout=10).status_code == 200
    for service in ("intake", "payment", "delivery", "notify"):
        response = requests.get(f"{stack.url}/{service}/openapi.json", timeout=10)
        assert response.status_code == 200
        assert response.json()["openapi"].startswith("3.")


def test_citizen_to_returned_result_with_events_delivered_once(stack: RunningStack) -> None:
    procedures = stack.call("GET", "/intake/procedures").json()["items"]
    procedure = next(p for p in procedures if p["code"] == "TTBYT-01")
    created = stack.call(
        "POST",
        "/intake/dossiers",
        "citizen1",
        {
            "procedure_code": procedure["code"],
            "applicant": {
                "full_name": "Trần Văn Minh",
                "id_number": "001099012345",
                "phone": "+84987654321",
                "email": "minh@example.vn",
                "address": "5 Lê Lợi, Nha Trang",
            },
            "request_content": "Công bố tiêu chuẩn áp dụng trang thiết bị y tế loại A",
            "form_data": {"device": "Nhiệt kế điện tử"},
            "delivery_method": "in_person",
        },
    )
    assert created.status_code == 201, created.text
    dossier_id = created.json()["id"]

    for document in procedure["documents"]:
        if not document["required"]:
            continue
        content = ("Tài liệu " + document["name"]).encode()
        slot = stack.call(
            "POST",
            f"/intake/dossiers/{dossier_id}/attachments",
            "citizen1",
            {
                "document_code": document["code"],
                "filename": f"{document['code'].lower()}.pdf",
                "content_type": "application/pdf",
                "size_bytes": len(content),
            },
        )
        assert slot.status_code == 201, slot.text
        upload = requests.put(
            slot.json()["upload_url"], data=content, headers=slot.json()["headers"], timeout=30
        )
        assert upload.status_code == 200, upload.text

    steps = [
        ("citizen1", "submit", None, "submitted"),
        ("desk1", "accept", None, "accepted"),
        ("desk1", "assign", {"unit": "Phòng Trang thiết bị", "officer": "officer1"}, "processing"),
        ("officer1", "approve", {"result_summary": "Đã cấp số công bố"}, "result_ready"),
        ("desk1", "return", None, "returned"),
    ]
    for user, action, body, expected in steps:
        response = stack.call("POST", f"/intake/dossiers/{dossier_id}/{action}", user, body or {})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == expected
    dossier = response.json()
    assert dossier["national_status"] == 10
    assert [h["action"] for h in dossier["history"]] == [
        "create",
        "submit",
        "accept",
        "assign",
        "approve",
        "return",
    ]

    tracked = stack.call("GET", f"/intake/track/{dossier['code']}")
    assert tracked.status_code == 200
    assert tracked.json()["status"] == "returned"
    for secret in ("001099012345", "987654321", "minh@example.vn", "Trần Văn Minh"):
        assert secret not in tracked.text

    expected_events = {
        "dossier.submitted",
        "dossier.accepted",
        "dossier.processing_started",
        "dossier.result_ready",
        "dossier.returned",
    }
    dynamodb = stack.aws("dynamodb")
    table = stack.state["tables"]["notifications"]
    deadline = time.monotonic() + 30
    received: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        items = dynamodb.scan(
            TableName=table,
            FilterExpression="dossier_id = :d AND begins_with(pk, :p)",
            ExpressionAttributeValues={":d": {"S": dossier_id}, ":p": {"S": "INBOX#"}},
            ConsistentRead=True,
        )["Items"]
        received = items
        if {i["event_type"]["S"] for i in items} >= expected_events:
            break
        time.sleep(0.3)
    types = sorted(i["event_type"]["S"] for i in received)
    assert types == sorted(expected_events)

    # Nothing left behind, nothing dead-lettered.
    sqs = stack.aws("sqs")
    for url in (stack.state["queues"]["notify"], stack.state["dead_letter_queues"]["notify"]):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == "0"
        assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_unknown_path_and_bad_token_over_http(stack: RunningStack) -> None:
    response = requests.get(
        stack.url + "/intake/dossiers", headers={"Authorization": "Bearer x.y.z"}, timeout=10
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    response = requests.post(stack.url + "/intake/dossiers", data="{oops", timeout=10)
    assert response.status_code == 401  # authentication comes before the body is read


def test_ctrl_c_stops_everything_and_frees_the_ports(stack: RunningStack) -> None:
    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(30) == 0
    deadline = time.monotonic() + 10
    while not all(port_is_free(p) for p in stack.ports) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(port_is_free(p) for p in stack.ports)
