"""Throughput and API latency on the local stack (`python -m infra.local` on free ports, as
tests/e2e start it), driven over HTTP with Cognito ID tokens.

Throughput: N complete level-4 journeys (submit with two attachments, accept, pay on the VNPay
sandbox's page — the sandbox calls the IPN —, assign, approve, postal delivery moved on by the
post office sandbox, returned), C at a time, then every notification; next to the raw sequential
PutItem rate of the same moto server measured in the same run. Checked: each dossier returned,
one shipment, one payment confirmation, exactly its 16 citizen notifications (8 events × e-mail
and SMS, each once) and the desk's 2, and moto's sent mail and SMS to each applicant exactly 8.

Latency: rounds of the main citizen and officer calls under 1, 10 and 50 concurrent clients
(each client a thread with its own connection), each round bounded in requests and time.
"""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import boto3
import requests

from infra.resources import RESOURCES

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 120
WAIT_S = 90  # one journey step at most
POLL_S = 0.4
LOCAL_STAGE = "local"  # the stage `python -m infra.local` names its resources with
CITIZEN_EVENTS = 8  # events the applicant hears about, each by e-mail and by SMS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Stack:
    """The local stack in a subprocess, on free ports of 127.0.0.1."""

    def __init__(self, state_dir: Path) -> None:
        env = {
            **os.environ,
            "MOTCUA_HOST": HOST,
            "MOTCUA_GATEWAY_PORT": str(free_port()),
            "MOTCUA_MOTO_PORT": str(free_port()),
            "MOTCUA_VNPAY_PORT": str(free_port()),
            "MOTCUA_POSTAL_PORT": str(free_port()),
            "MOTCUA_POSTAL_ADVANCE_S": "0",  # the bench moves shipments on
            "MOTCUA_SCHEDULE_INTERVAL_S": "3600",
            "MOTCUA_STATE_DIR": str(state_dir),
            "MOTCUA_LOG_LEVEL": "WARNING",
        }
        for name in ("AWS_ENDPOINT_URL", "DOSSIERS_TABLE", "ATTACHMENTS_BUCKET", "EVENT_ROUTES"):
            env.pop(name, None)
        self.log = state_dir / "stack.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.local"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        state_file = state_dir / "stack.json"
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not state_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the local stack did not start:\n" + self.log.read_text())
            time.sleep(0.2)
        time.sleep(0.2)  # the file is written last; let it be complete
        self.state: dict[str, Any] = json.loads(state_file.read_text())
        self.url: str = self.state["gateway_url"]
        self.endpoint: str = self.state["aws_endpoint"]
        for url in (self.url, self.endpoint):
            if not url.startswith(f"http://{HOST}:"):
                raise RuntimeError(f"not a local address: {url}")
        self.session = boto3.session.Session(
            aws_access_key_id="local",
            aws_secret_access_key="local",  # noqa: S106 - moto's dummy credentials
            region_name=self.state["region"],
        )
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def aws(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint)

    def token(self, username: str) -> str:
        with self._lock:
            if username not in self._tokens:
                user = next(u for u in self.state["demo_users"] if u["username"] == username)
                result = self.aws("cognito-idp").initiate_auth(
                    ClientId=self.state["user_pool_client_id"],
                    AuthFlow="USER_PASSWORD_AUTH",
                    AuthParameters={"USERNAME": username, "PASSWORD": user["password"]},
                )
                self._tokens[username] = str(result["AuthenticationResult"]["IdToken"])
            return self._tokens[username]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class Client:
    """One HTTP client (its own connection) acting as the users it is given."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.http = requests.Session()

    def call(
        self, method: str, path: str, user: str | None = None, body: Any = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.stack.token(user)}"} if user else {}
        return self.http.request(
            method, self.stack.url + path, json=body, headers=headers, timeout=60
        )

    def ok(self, method: str, path: str, user: str | None = None, body: Any = None) -> Any:
        response = self.call(method, path, user, body)
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json()

    def wait(self, what: str, probe: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + WAIT_S
        while True:
            value = probe()
            if value:
                return value
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {what}")
            time.sleep(POLL_S)


def applicant(tag: str) -> dict[str, str]:
    digits = f"{int(tag, 16) % 10_000_000:07d}"
    return {
        "full_name": "Phạm Thu Hà",
        "id_number": "036188001234",
        "phone": f"098{digits}",
        "email": f"bench.{tag}@example.vn",
        "address": "8 Pasteur, Nha Trang",
    }


def journey(stack: Stack) -> dict[str, Any]:
    """One level-4 dossier from submission to its return; its identity for the checks."""
    c = Client(stack)
    tag = uuid.uuid4().hex[:8]
    person = applicant(tag)
    dossier = c.ok(
        "POST",
        "/intake/dossiers",
        "citizen1",
        {
            "procedure_code": "MYPHAM-01",
            "applicant": person,
            "request_content": "Công bố sản phẩm mỹ phẩm",
            "delivery_method": "postal",
            "delivery_address": "25 Yersin, Nha Trang",
        },
    )
    did = dossier["id"]
    procedure = c.ok("GET", "/intake/procedures/MYPHAM-01")
    for document in [d for d in procedure["documents"] if d["required"]]:
        content = f"%PDF-1.4 {document['code']} {tag}".encode()
        slot = c.ok(
            "POST",
            f"/intake/dossiers/{did}/attachments",
            "citizen1",
            {
                "document_code": document["code"],
                "filename": "tep.pdf",
                "content_type": "application/pdf",
                "size_bytes": len(content),
            },
        )
        c.http.put(slot["upload_url"], data=content, headers=slot["headers"], timeout=60)
    c.ok("POST", f"/intake/dossiers/{did}/submit", "citizen1", {})
    c.ok("POST", f"/intake/dossiers/{did}/accept", "desk1", {})

    def payment_started() -> Any:
        r = c.call("POST", "/payment/payments", "citizen1", {"dossier_id": did})
        return r.json() if r.status_code == 201 else None

    attempt = c.wait("the fee request to reach payment", payment_started)
    page = c.http.get(attempt["pay_url"], timeout=60)
    action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    if action is None:
        raise RuntimeError("the VNPay sandbox page has no form")
    landed = c.http.post(
        urljoin(attempt["pay_url"], action.group(1)),
        data={"vnp_TxnRef": attempt["txn_ref"], "choice": "00"},
        timeout=60,
    )  # the sandbox calls our IPN, then redirects to the return page
    landed.raise_for_status()

    def status_is(status: str) -> Callable[[], Any]:
        def probe() -> Any:
            d = c.ok("GET", f"/intake/dossiers/{did}", "citizen1")
            return d if d["status"] == status else None

        return probe

    c.wait("the payment to be confirmed", status_is("accepted"))
    c.ok(
        "POST",
        f"/intake/dossiers/{did}/assign",
        "desk1",
        {"unit": "Phòng Nghiệp vụ", "officer": "officer1"},
    )
    c.ok("POST", f"/intake/dossiers/{did}/approve", "officer1", {"result_summary": "Đạt"})

    def booked() -> Any:
        items = c.ok("GET", f"/delivery/shipments?dossier_id={did}", "citizen1")["items"]
        return items if items and items[0]["status"] == "booked" else None

    shipments = c.wait("the result to be booked", booked)
    base = stack.state["postal"]["base_url"]
    for _ in range(3):  # accepted → delivering → delivered, each a signed callback
        moved = c.http.post(
            f"{base}/sandbox/postal/shipments/{shipments[0]['item_code']}/advance",
            json={},
            timeout=60,
        )
        moved.raise_for_status()
    final = c.wait("the dossier to be returned", status_is("returned"))
    return {
        "id": did,
        "email": person["email"],
        "phone": "+84" + person["phone"][1:],
        "final": final,
    }


def notifications_settled(stack: Stack, did: str) -> list[dict[str, Any]] | None:
    c = Client(stack)
    items = c.ok("GET", f"/notify/notifications?dossier_id={did}", "citizen1")["items"]
    mine = [n for n in items if n["audience"] == "citizen"]
    if len(mine) >= 2 * CITIZEN_EVENTS and all(n["status"] == "sent" for n in mine):
        return list(items)
    return None


def check(stack: Stack, done: list[dict[str, Any]]) -> dict[str, Any]:
    """Zero lost and zero duplicated: events applied once, notifications and messages once."""
    c = Client(stack)
    problems: list[str] = []
    notifications = 0
    for d in done:
        did: str = d["id"]
        items = c.wait(
            f"notifications of {did}", functools.partial(notifications_settled, stack, did)
        )
        mine = [n for n in items if n["audience"] == "citizen"]
        keys = [(n["template_id"], n["channel"]) for n in mine]
        notifications += len(mine)
        if len(keys) != 2 * CITIZEN_EVENTS or len(set(keys)) != len(keys):
            problems.append(
                f"{d['id']}: {len(keys)} citizen notifications, {len(set(keys))} distinct"
            )
        history = [h["action"] for h in d["final"]["history"]]
        if history.count("confirm_payment") != 1:
            problems.append(f"{d['id']}: confirm_payment {history.count('confirm_payment')}×")
        shipments = c.ok("GET", f"/delivery/shipments?dossier_id={d['id']}", "citizen1")["items"]
        if len(shipments) != 1:
            problems.append(f"{d['id']}: {len(shipments)} shipments")
        staff = c.ok("GET", f"/notify/notifications?dossier_id={d['id']}", "desk1")["items"]
        desk = sorted(n["template_id"] for n in staff if n["audience"] != "citizen")
        if desk != ["dossier.submitted.email.desk", "dossier.submitted.sms.desk"]:
            problems.append(f"{d['id']}: desk notifications {desk}")
    time.sleep(2)  # anything duplicated late would have arrived by now
    sent = requests.get(f"{stack.endpoint}/moto-api/data.json", timeout=60).json()
    to: Counter[str] = Counter()
    for m in sent["ses"]["Message"]:
        for address in (m.get("destinations") or {}).get("ToAddresses", []):
            to[address] += 1
    for m in sent["sns"]["SMS"]:
        to[m.get("phone_number", "")] += 1
    for d in done:
        for who in (d["email"], d["phone"]):
            if to[who] != CITIZEN_EVENTS:
                problems.append(f"{d['id']}: {to[who]} messages to {who}")
    dlq_depth = 0
    sqs = stack.aws("sqs")
    for queue in RESOURCES.queues:
        url = sqs.get_queue_url(QueueName=queue.dlq_name(LOCAL_STAGE))["QueueUrl"]
        attrs = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )
        dlq_depth += int(attrs["Attributes"]["ApproximateNumberOfMessages"])
    return {
        "notifications_checked": notifications,
        "messages_checked": 2 * CITIZEN_EVENTS * len(done),
        "dead_letters": dlq_depth,
        "lost_or_duplicated": problems[:20],
        "ok": not problems and dlq_depth == 0,
    }


def raw_put_rate(stack: Stack, count: int = 400, limit_s: float = 15.0) -> dict[str, Any]:
    """Sequential PutItem on a table of its own, same moto server, same run."""
    dynamodb = stack.aws("dynamodb")
    table = f"bench-raw-{uuid.uuid4().hex[:6]}"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    payload = "x" * 400
    started = time.perf_counter()
    done = 0
    while done < count and time.perf_counter() - started < limit_s:
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"k{done}"}, "v": {"S": payload}})
        done += 1
    elapsed = time.perf_counter() - started
    dynamodb.delete_table(TableName=table)
    return {"writes": done, "seconds": round(elapsed, 2), "writes_per_s": round(done / elapsed, 1)}


def throughput(stack: Stack, journeys: int, concurrency: int) -> dict[str, Any]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(journey, stack) for _ in range(journeys)]
        done, failed = [], []
        for future in futures:
            try:
                done.append(future.result(timeout=600))
            except Exception as exc:
                failed.append(repr(exc)[:300])
    returned_s = time.perf_counter() - started
    checks = check(stack, done)
    settled_s = time.perf_counter() - started
    return {
        "journeys": journeys,
        "concurrency": concurrency,
        "completed": len(done),
        "failed": failed[:5],
        "seconds_to_all_returned": round(returned_s, 2),
        "journeys_per_s": round(len(done) / returned_s, 3),
        "seconds_until_checked": round(settled_s, 2),
        "checks": checks,
    }


# -- latency --------------------------------------------------------------------------------------

CALLS: dict[str, tuple[str, str, str | None]] = {
    "citizen GET /intake/procedures": ("GET", "/intake/procedures", None),
    "citizen POST /intake/dossiers": ("POST", "/intake/dossiers", "citizen2"),
    "citizen GET /intake/dossiers/{id}": ("GET", "/intake/dossiers/{id}", "citizen2"),
    "citizen GET /intake/dossiers": ("GET", "/intake/dossiers", "citizen2"),
    "desk GET /intake/desk/queue": ("GET", "/intake/desk/queue", "desk1"),
    "officer GET /intake/worklist": ("GET", "/intake/worklist", "officer1"),
    "officer GET /intake/dossiers/{id}": ("GET", "/intake/dossiers/{id}", "officer1"),
}
DRAFT = {
    "procedure_code": "MYPHAM-01",
    "applicant": applicant("0badcafe"),
    "request_content": "Nháp để đo",
    "delivery_method": "in_person",
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def latency_round(
    stack: Stack, clients: int, dossier_id: str, per_client: int, limit_s: float
) -> dict[str, Any]:
    samples: dict[str, list[float]] = {name: [] for name in CALLS}
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    names = list(CALLS)
    deadline = time.monotonic() + limit_s

    def client(number: int) -> None:
        c = Client(stack)
        for i in range(per_client):
            if time.monotonic() > deadline:
                return
            name = names[(number + i) % len(names)]
            method, path, user = CALLS[name]
            body = DRAFT if method == "POST" else None
            started = time.perf_counter()
            response = c.call(method, path.replace("{id}", dossier_id), user, body)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                samples[name].append(elapsed)
                if response.status_code >= 300:
                    errors[f"{name}: {response.status_code}"] += 1

    for user in ("citizen2", "desk1", "officer1"):
        stack.token(user)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    every = [v for values in samples.values() for v in values]
    return {
        "clients": clients,
        "requests": len(every),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(every) / elapsed, 1),
        "all_ms": _summary(every),
        "by_call_ms": {name: _summary(values) for name, values in samples.items() if values},
        "errors": dict(errors),
    }


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 1),
        "p95": round(percentile(values, 95), 1),
        "p99": round(percentile(values, 99), 1),
        "mean": round(statistics.fmean(values), 1),
    }


def latency(stack: Stack, levels: tuple[int, ...] = (1, 10, 50)) -> list[dict[str, Any]]:
    # a draft of citizen2's that the calls read
    c = Client(stack)
    dossier = c.ok("POST", "/intake/dossiers", "citizen2", DRAFT)
    rounds = []
    for clients in levels:
        per_client = max(4, 350 // clients) if clients > 1 else 140
        rounds.append(latency_round(stack, clients, dossier["id"], per_client, limit_s=60))
    return rounds


def measure(journeys: int = 20, concurrency: int = 10) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as state_dir:
        stack = Stack(Path(state_dir))
        try:
            before = raw_put_rate(stack)
            flow = throughput(stack, journeys, concurrency)
            after = raw_put_rate(stack)
            lat = latency(stack)
        finally:
            stack.stop()
    raw = round((before["writes_per_s"] + after["writes_per_s"]) / 2, 1)
    return {
        "raw_sequential_put_item": {"before": before, "after": after, "writes_per_s": raw},
        "throughput": flow,
        "latency": lat,
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(json.dumps(measure(n, min(10, n)), indent=2, ensure_ascii=False))
