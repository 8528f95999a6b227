"""The whole local stack, started exactly as `make run` starts it, driven over HTTP.

A citizen signs in with Cognito (moto), uploads documents through presigned S3 URLs, submits; the
desk accepts; a processing officer approves; the desk returns the result; anyone tracks the
dossier by its code; every announced step reaches the notify service exactly once.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from infra.local.pump import scheduled_event
from infra.ops.__main__ import main as ops
from infra.ops.streams import failure_message
from tests.e2e.conftest import RunningStack, port_is_free, start_stack, stop_stack


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
        content = b"%PDF-1.4\n" + ("Tài liệu " + document["name"]).encode()  # a PDF by its bytes
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
        ("desk1", "accept", None, "fee_requested"),  # 1,000,000 VND for a class A device
        (
            "desk1",
            "record-payment",
            {"receipt_no": "BL-000123", "amount_vnd": 1_000_000},
            "accepted",
        ),
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
        "request_fee",
        "confirm_payment",
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
        "dossier.fee_requested",
        "dossier.payment_confirmed",
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


def test_an_operator_replays_a_stream_record_through_the_running_stack(
    stack: RunningStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``make replay SERVICE=intake IDS=all`` on the running stack: the record a failure message
    points at (here a draft's creation, put there by hand) is read from the stream and handed to
    intake's stream function through the gateway; the message is gone afterwards."""
    created = stack.call(
        "POST",
        "/intake/dossiers",
        "citizen1",
        {
            "procedure_code": "TTBYT-01",
            "applicant": {
                "full_name": "Lê Thị Hoa",
                "id_number": "001099054321",
                "phone": "0987654322",
                "address": "7 Trần Phú, Nha Trang",
            },
            "delivery_method": "online",
        },
    )
    assert created.status_code == 201, created.text
    pk = "DOSSIER#" + created.json()["id"]
    streams, sqs = stack.aws("dynamodbstreams"), stack.aws("sqs")
    table = stack.aws("dynamodb").describe_table(TableName=stack.state["tables"]["dossiers"])
    arn = table["Table"]["LatestStreamArn"]
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = []
    while iterator and not records:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        records = [r for r in page["Records"] if r["dynamodb"]["Keys"]["pk"]["S"] == pk]
        iterator = page["NextShardIterator"] if page["Records"] else None
    failures_url = stack.state["stream_failures"]["intake"]
    body = failure_message(arn, shard["ShardId"], records[:1], attempts=11)
    sqs.send_message(QueueUrl=failures_url, MessageBody=json.dumps(body))
    state_file = tmp_path / "stack.json"
    state_file.write_text(json.dumps(stack.state))

    def run(*action: str) -> str:
        assert ops(["streams", *action, "--service", "intake", "--stack", str(state_file)]) == 0
        return capsys.readouterr().out

    assert "1 message(s)" in run("list")
    assert "1 replayed, 0 not" in run("replay", "--all")
    assert "0 message(s)" in run("list")


def test_unknown_path_and_bad_token_over_http(stack: RunningStack) -> None:
    response = requests.get(
        stack.url + "/intake/dossiers", headers={"Authorization": "Bearer x.y.z"}, timeout=10
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    response = requests.post(stack.url + "/intake/dossiers", data="{oops", timeout=10)
    assert response.status_code == 401  # authentication comes before the body is read


def test_functions_are_invoked_only_with_the_runs_secret_and_never_from_a_page(
    stack: RunningStack,
) -> None:
    """Local stack only (`aws lambda invoke`'s stand-in): the hostile client forged
    payment.succeeded through /_local/functions from a web page. The run's secret is in
    stack.json, readable by the developer's account only; Origin / Sec-Fetch-* mean a browser
    (OWASP CSRF Prevention Cheat Sheet: verify origin with standard headers, Fetch Metadata)."""
    functions = stack.state["local_functions"]
    url = f"{functions['url']}/payment/reconcile_payments"
    # EventBridge's event for a moment long past: nothing is pending before it, nothing changes
    event = scheduled_event("reconcile", at=datetime(2001, 1, 1, tzinfo=UTC))
    assert requests.post(url, json=event, timeout=10).status_code == 401
    from_a_page = requests.post(
        url,
        data=json.dumps(event),
        headers={
            **functions["headers"],
            "Origin": "http://evil.example",
            "Content-Type": "text/plain",
        },
        timeout=10,
    )
    assert from_a_page.status_code == 403
    assert from_a_page.json()["error"]["code"] == "browser_request_refused"
    invoked = stack.invoke("payment", "reconcile_payments", event)
    assert invoked.status_code == 200, invoked.text
    assert invoked.json()["succeeded"] == 0


def test_ctrl_c_stops_everything_and_frees_the_ports(tmp_path: Any) -> None:
    stack = start_stack(tmp_path)
    assert requests.get(stack.url + "/intake/procedures", timeout=10).status_code == 200
    assert stop_stack(stack) == 0
    deadline = time.monotonic() + 10
    while not all(port_is_free(p) for p in stack.ports) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(port_is_free(p) for p in stack.ports)
