"""Requests per dossier: one full level-4 journey in-process against moto (as tests/service do),
every AWS API call counted by who made it, service and operation, DynamoDB units computed, and
a cost per one million dossiers from bench/prices.py.

The journey: a citizen creates a MYPHAM-01 dossier (postal delivery), uploads its two required
documents, submits; the desk accepts (a 500 000 VND fee is requested); the citizen pays through the
VNPay sandbox and its IPN settles it; the desk assigns, the officer approves; delivery books the
result with the post office sandbox, whose three callbacks (accepted, delivering, delivered)
return it. Events flow through the streams and queues after every step (the `Pump` of
tests/service, run until quiet), so each notification is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from bench import prices
from bench.meter import Meter

STAGE = "bench"
REGION = "ap-southeast-1"
VNPAY_SECRET = "BENCH-VNPAY-SECRET-0123456789"  # noqa: S105 - the sandboxes\' throwaway secret
POSTAL_TOKEN = "BENCH-POSTAL-TOKEN"  # noqa: S105 - the sandboxes\' throwaway secret
POSTAL_SECRET = "BENCH-POSTAL-SECRET"  # noqa: S105 - the sandboxes\' throwaway secret
APPLICANT = {
    "full_name": "Phạm Thu Hà",
    "id_number": "036188001234",
    "phone": "0987123456",
    "email": "ha.bench@example.vn",
    "address": "8 Pasteur, Nha Trang",
}
CITIZEN_EVENTS = (
    "dossier.submitted",
    "dossier.accepted",
    "dossier.fee_requested",
    "payment.succeeded",
    "dossier.result_ready",
    "shipment.booked",
    "shipment.delivered",
    "dossier.returned",
)
EXPECTED_STAFF = {("dossier.submitted.email.desk", "email"), ("dossier.submitted.sms.desk", "sms")}


def _environment() -> None:
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_SESSION_TOKEN": "bench",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "MOTCUA_STAGE": STAGE,
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.pop("AWS_PROFILE", None)


class Journey:
    """Drives the four Chalice apps in-process and runs the event sources until quiet."""

    def __init__(self, meter: Meter, stack: Any, token: Any) -> None:
        import boto3
        from chalice.test import Client

        from infra.local.apps import load_app
        from infra.local.pump import QueuePoller, StreamPoller
        from infra.resources import RESOURCES, SERVICES

        self.meter = meter
        self.token = token
        self.http_requests: Counter[str] = Counter()  # service -> API Gateway requests
        self.invocations: Counter[str] = Counter()  # function -> Lambda invocations
        self.browser_uploads = 0
        self.clients = {s: Client(load_app(s).app) for s in SERVICES}
        with meter.scope("event source mapping"):
            streams, sqs = boto3.client("dynamodbstreams"), boto3.client("sqs")
        self.pollers: list[Any] = []
        for service in SERVICES:
            app = load_app(service).app
            stream = next(s for s in app.event_sources if hasattr(s, "stream_arn"))
            arn = stack.stream_arns[RESOURCES.table_of(service).logical_name]
            handler = self._scoped(service, "stream", app.handler_map[stream.name])
            self.pollers.append(StreamPoller(streams, arn, handler))
        for service in SERVICES:
            app = load_app(service).app
            source = next(s for s in app.event_sources if hasattr(s, "queue"))
            handler = self._scoped(service, "queue", app.handler_map[source.name])
            self.pollers.append(
                QueuePoller(
                    sqs, stack.queue_urls[service], stack.queue_arns[service], handler, wait_s=0
                )
            )

    def _scoped(self, service: str, kind: str, handler: Any) -> Any:
        def run(event: dict[str, Any], context: Any) -> Any:
            self.invocations[f"{service}:{kind}"] += 1
            with self.meter.scope(service):
                return handler(event, context)

        return run

    def settle(self, rounds: int = 30) -> None:
        """Run every stream and queue until a whole round moves nothing (bounded)."""
        for _ in range(rounds):
            busy = False
            with self.meter.scope("event source mapping"):
                for poller in self.pollers:
                    while poller.poll_once():
                        busy = True
            if not busy:
                return
        raise RuntimeError("the events did not settle")

    def call(
        self, service: str, method: str, path: str, user: str | None, body: Any = None
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        raw = None if body is None else json.dumps(body)
        self.http_requests[service] += 1
        self.invocations[f"{service}:api"] += 1
        with self.meter.scope(service):
            response = getattr(self.clients[service].http, method.lower())(
                path, headers=headers, body=raw
            )
        return response.status_code, json.loads(response.body or b"{}")

    def ok(self, service: str, method: str, path: str, user: str | None, body: Any = None) -> Any:
        status, answer = self.call(service, method, path, user, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {answer}")
        return answer


def run_journey(journey: Journey, vnpay_base: str) -> dict[str, Any]:
    import requests

    dossier = journey.ok(
        "intake",
        "POST",
        "/dossiers",
        "citizen1",
        {
            "procedure_code": "MYPHAM-01",
            "applicant": APPLICANT,
            "request_content": "Công bố sản phẩm mỹ phẩm",
            "form_data": {"product_name": "Kem dưỡng ẩm Lan", "brand": "Lan"},
            "delivery_method": "postal",
            "delivery_address": "25 Yersin, Nha Trang, Khánh Hòa",
        },
    )
    dossier_id = dossier["id"]
    procedure = journey.ok("intake", "GET", "/procedures/MYPHAM-01", None)
    for document in [d for d in procedure["documents"] if d["required"]]:
        content = b"%PDF-1.4 bench " + document["code"].encode() * 20
        slot = journey.ok(
            "intake",
            "POST",
            f"/dossiers/{dossier_id}/attachments",
            "citizen1",
            {
                "document_code": document["code"],
                "filename": "tep.pdf",
                "content_type": "application/pdf",
                "size_bytes": len(content),
            },
        )
        put = requests.put(slot["upload_url"], data=content, headers=slot["headers"], timeout=10)
        put.raise_for_status()
        journey.browser_uploads += 1
    journey.ok("intake", "POST", f"/dossiers/{dossier_id}/submit", "citizen1", {})
    journey.settle()
    journey.ok("intake", "POST", f"/dossiers/{dossier_id}/accept", "desk1", {})
    journey.settle()
    attempt = journey.ok("payment", "POST", "/payments", "citizen1", {"dossier_id": dossier_id})
    txn_ref = dict(parse_qsl(urlsplit(attempt["pay_url"]).query))["vnp_TxnRef"]
    requests.get(attempt["pay_url"], timeout=10).raise_for_status()
    settled = requests.post(
        f"{vnpay_base}/sandbox/complete-silently",
        json={"vnp_TxnRef": txn_ref, "choice": "00"},
        timeout=10,
    )
    settled.raise_for_status()
    params = {k: str(v) for k, v in settled.json().items()}
    answer = journey.ok("payment", "GET", f"/vnpay/ipn?{urlencode(params)}", None)
    if answer.get("RspCode") != "00":
        raise RuntimeError(f"IPN refused: {answer}")
    journey.settle()
    journey.ok(
        "intake",
        "POST",
        f"/dossiers/{dossier_id}/assign",
        "desk1",
        {"unit": "Phòng Nghiệp vụ", "officer": "officer1"},
    )
    journey.ok(
        "intake",
        "POST",
        f"/dossiers/{dossier_id}/approve",
        "officer1",
        {"result_summary": "Số tiếp nhận 123/25/CBMP-KH"},
    )
    journey.settle()
    shipments = journey.ok("delivery", "GET", f"/shipments?dossier_id={dossier_id}", "citizen1")
    item_code = shipments["items"][0]["item_code"]
    now = datetime.now(timezone(timedelta(hours=7)))
    for step, status_id in enumerate((70, 80, 100)):  # the post office's signed callbacks
        when = (now + timedelta(minutes=step + 1)).strftime("%d/%m/%Y %H:%M:%S")
        data = json.dumps(
            {
                "ItemCode": item_code,
                "OrderCode": dossier["code"] if dossier.get("code") else "x",
                "OrderStatusId": status_id,
                "DeliveryNote": f"Trạng thái {status_id}",
                "LastUpdateTime": when,
            },
            ensure_ascii=False,
        )
        sign = hmac.new(POSTAL_SECRET.encode(), data.encode(), hashlib.sha256).hexdigest()
        journey.ok(
            "delivery",
            "POST",
            "/postal/callback",
            None,
            {"Data": data, "SendDate": when, "SignData": sign},
        )
        journey.settle()
    final = journey.ok("intake", "GET", f"/dossiers/{dossier_id}", "citizen1")
    return {"dossier_id": dossier_id, "status": final["status"]}


def check_notifications(journey: Journey, dossier_id: str) -> dict[str, Any]:
    items = journey.ok("notify", "GET", f"/notifications?dossier_id={dossier_id}", "citizen1")
    staff = journey.ok("notify", "GET", f"/notifications?dossier_id={dossier_id}", "desk1")
    mine = [
        (n["template_id"], n["channel"], n["status"])
        for n in items["items"]
        if n["audience"] == "citizen"
    ]
    expected = {(f"{e}.{c}.citizen", c) for e in CITIZEN_EVENTS for c in ("email", "sms")}
    desk = [(n["template_id"], n["channel"]) for n in staff["items"] if n["audience"] != "citizen"]
    return {
        "citizen_expected": len(expected),
        "citizen_sent": sum(1 for _, _, s in mine if s == "sent"),
        "citizen_exact": sorted((t, c) for t, c, _ in mine) == sorted(expected),
        "staff_exact": sorted(desk) == sorted(EXPECTED_STAFF),
    }


def cost(calls: dict[str, dict[str, int]], rru: float, wru: float, extra: dict[str, int]) -> Any:
    """USD per one million dossiers by AWS service."""
    per_million = 1_000_000
    dynamodb = rru * prices.DYNAMODB_PER_MILLION_RRU + wru * prices.DYNAMODB_PER_MILLION_WRU
    # empty receives are the pollers idling: a fixed cost per queue, not per dossier
    sqs_calls = {op: n for op, n in calls.get("sqs", {}).items() if not op.endswith("(empty)")}
    sqs = sum(sqs_calls.values()) * prices.SQS_PER_MILLION_REQUESTS
    s3_ops = calls.get("s3", {})
    s3_writes = sum(n for op, n in s3_ops.items() if op in prices.S3_WRITE_OPERATIONS)
    s3_writes += extra["browser_uploads"]
    s3_reads = sum(n for op, n in s3_ops.items() if op not in prices.S3_WRITE_OPERATIONS)
    s3 = s3_writes * prices.S3_PER_THOUSAND_WRITES + s3_reads * prices.S3_PER_THOUSAND_READS
    s3 *= per_million / 1000
    emails = sum(n for op, n in calls.get("ses", {}).items() if op.startswith("Send"))
    sms = calls.get("sns", {}).get("Publish", 0)
    by_service = {
        "dynamodb": dynamodb,
        "sqs": sqs,
        "s3": s3,
        "ses": emails * prices.SES_PER_THOUSAND_EMAILS * per_million / 1000,
        "sns_sms": sms * prices.SNS_SMS_VN_PER_MESSAGE * per_million,
        "cognito": 0.0,
        "lambda_requests": extra["lambda_invocations"] * prices.LAMBDA_PER_MILLION_REQUESTS,
        "api_gateway": extra["api_requests"] * prices.API_GATEWAY_REST_PER_MILLION,
    }
    rounded = {k: round(v, 2) for k, v in by_service.items()}
    rounded["total"] = round(sum(by_service.values()), 2)
    rounded["total_without_sms"] = round(rounded["total"] - by_service["sns_sms"], 2)
    return rounded


def measure() -> dict[str, Any]:
    _environment()
    meter = Meter(region=REGION)
    meter.install()  # before any client exists: boto3's and PynamoDB's alike get the hooks
    try:
        return _measure(meter)
    finally:
        meter.uninstall()


def _measure(meter: Meter) -> dict[str, Any]:
    import boto3
    from moto import mock_aws

    from infra.local.bootstrap import DEMO_PASSWORD, create_all
    from infra.resources import RESOURCES
    from sandboxes.postal.server import start_in_thread as start_postal
    from sandboxes.vnpay.server import start_in_thread as start_vnpay

    vnpay, _ = start_vnpay(tmn_code="MOTCUA01", hash_secret=VNPAY_SECRET, ipn_url="")
    postal, _ = start_postal(
        access_token=POSTAL_TOKEN, callback_secret=POSTAL_SECRET, callback_url=""
    )
    vnpay_base = "http://{}:{}".format(*vnpay.server_address[:2])
    os.environ.update(
        {
            "VNPAY_TMN_CODE": "MOTCUA01",
            "VNPAY_HASH_SECRET": VNPAY_SECRET,
            "VNPAY_PAY_URL": f"{vnpay_base}/paymentv2/vpcpay.html",
            "VNPAY_API_URL": f"{vnpay_base}/merchant_webapi/api/transaction",
            "POSTAL_BASE_URL": "http://{}:{}".format(*postal.server_address[:2]),
            "POSTAL_ACCESS_TOKEN": POSTAL_TOKEN,
            "POSTAL_CALLBACK_SECRET": POSTAL_SECRET,
            "POSTAL_TIMEOUT_S": "5",
            "NOTIFY_RECEIPT_SECRETS": json.dumps({"ses": "bench-ses", "sns": "bench-sns"}),
        }
    )
    try:
        with mock_aws():
            session = boto3.session.Session(region_name=REGION)
            stack = create_all(session, STAGE)
            os.environ.update(stack.environment())
            cognito = boto3.client("cognito-idp")
            tokens: dict[str, str] = {}

            def token(user: str) -> str:
                if user not in tokens:
                    tokens[user] = cognito.initiate_auth(
                        ClientId=stack.user_pool_client_id,
                        AuthFlow="USER_PASSWORD_AUTH",
                        AuthParameters={"USERNAME": user, "PASSWORD": DEMO_PASSWORD},
                    )["AuthenticationResult"]["IdToken"]
                return tokens[user]

            for user in ("citizen1", "desk1", "officer1"):
                token(user)
            journey = Journey(meter, stack, token)
            # a first journey warms every cache (JWKS, catalogue, settings) as a warm Lambda
            # would have; the second is the one counted
            run_journey(journey, vnpay_base)
            journey.http_requests.clear()
            journey.invocations.clear()
            journey.browser_uploads = 0
            meter.active = True
            started = time.perf_counter()
            outcome = run_journey(journey, vnpay_base)
            elapsed = time.perf_counter() - started
            meter.active = False
            checks = check_notifications(journey, outcome["dossier_id"])
            owners = {t.name(STAGE): t.logical_name for t in RESOURCES.tables}
    finally:
        for sandbox in (vnpay, postal):
            sandbox.shutdown()
            sandbox.server_close()
    return _report(meter, journey, outcome, checks, owners, elapsed)


def _report(
    meter: Meter,
    journey: Journey,
    outcome: dict[str, Any],
    checks: dict[str, Any],
    owners: dict[str, str],
    elapsed: float,
) -> dict[str, Any]:
    by_service: dict[str, dict[str, int]] = defaultdict(dict)
    by_caller: dict[str, dict[str, int]] = defaultdict(dict)
    for (scope, service, operation), n in sorted(meter.calls.items()):
        by_service[service][operation] = by_service[service].get(operation, 0) + n
        key = f"{service}.{operation}"
        by_caller[scope][key] = by_caller[scope].get(key, 0) + n
    rru = sum(meter.rru.values())
    wru = sum(meter.wru.values())
    extra = {
        "browser_uploads": journey.browser_uploads,
        "api_requests": sum(journey.http_requests.values()),
        "lambda_invocations": sum(journey.invocations.values()),
    }
    return {
        "journey": outcome,
        "in_process_seconds": round(elapsed, 2),
        "notifications": checks,
        "aws_calls_total": sum(meter.calls.values()),
        "aws_calls_by_service": {s: dict(ops) for s, ops in sorted(by_service.items())},
        "aws_calls_by_caller": {s: dict(ops) for s, ops in sorted(by_caller.items())},
        "browser_s3_uploads": journey.browser_uploads,
        "api_requests_by_service": dict(journey.http_requests),
        "lambda_invocations_by_function": dict(sorted(journey.invocations.items())),
        "dynamodb_units": {
            "method": "computed from item sizes (moto answers a constant ConsumedCapacity)",
            "read_request_units": round(rru, 1),
            "write_request_units": round(wru, 1),
            "by_table": {
                owners.get(t, t): {
                    "rru": round(meter.rru.get(t, 0.0), 1),
                    "wru": round(meter.wru.get(t, 0.0), 1),
                }
                for t in sorted(set(meter.rru) | set(meter.wru))
            },
            "moto_reported_capacity_units": round(sum(meter.reported_capacity.values()), 1),
        },
        "usd_per_million_dossiers": cost(by_service, rru, wru, extra),
        "prices": {
            "region": prices.REGION,
            "date": prices.PRICES_DATE,
            "source": "bench/prices.py",
        },
        "meter_errors": meter.errors[:10],
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2, ensure_ascii=False))
