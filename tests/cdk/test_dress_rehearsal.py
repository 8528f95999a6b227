"""Dress rehearsal of a deployment: every function of the synthesized stack, as `make synth`
packages it, starts in a fresh interpreter with exactly the environment of the template and the
secrets as the stack creates them, and handles one real request or event against moto.

What it holds to, from outside the code:
- AWS Lambda developer guide, "Defined runtime environment variables": the function sees the
  variables of its configuration plus those Lambda defines (AWS_REGION, _HANDLER, credentials…);
  a configuration may not set a reserved one (Lambda refuses the function).
- Lambda's Python runtime ("Building Lambda functions with Python"): the deployment package is
  the task root, the runtime adds only the AWS SDK (boto3, botocore and their dependencies); the
  handler module is imported once at Init, then called with (event, context).
- CloudFormation, AWS::SecretsManager::Secret GenerateSecretString: the first value of a
  secret is a password from Secrets Manager's generator (GetRandomPassword, same parameters) or,
  with SecretStringTemplate and GenerateStringKey, that JSON template with the password added
  under that key. The functions meet that value before any operator has set the real one.
- The event shapes Lambda delivers: API Gateway REST proxy events, SQS records (developer guide,
  "Using Lambda with Amazon SQS"), DynamoDB Streams records ("Using Lambda with DynamoDB"),
  EventBridge scheduled events.

CloudFormation references (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, pseudo parameters) are resolved
to resources that moto creates from the template's own properties (table keys and indexes,
queue and bucket names, the user pool and its groups, the secrets). Before 2026-12-03 notify's
functions could not even start: the receipt secrets' placeholder was a random string that
notify parsed as JSON at import.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from infra.cdk.packaging import packages_of
from tests.cdk.conftest import Synth
from tests.cdk.rehearsal import (
    REGION,
    RUNTIME_PACKAGES,
    STAGE,
    Deployment,
    api_event,
    invoke,
    scheduled_event,
    sqs_event,
    stream_event,
)

# Every function of the stack and its handler: one rehearsal each (a new function fails
# test_every_function_is_rehearsed until it has one).
FUNCTIONS = [
    ("intake", "app.app"),
    ("intake", "app.handle_events"),
    ("intake", "app.publish_events"),
    ("intake", "app.watch_deadlines"),
    ("payment", "app.app"),
    ("payment", "app.handle_events"),
    ("payment", "app.publish_events"),
    ("payment", "app.reconcile_payments"),
    ("delivery", "app.app"),
    ("delivery", "app.handle_events"),
    ("delivery", "app.publish_events"),
    ("notify", "app.app"),
    ("notify", "app.handle_events"),
    ("notify", "app.publish_events"),
    ("notify", "app.retry_notifications"),
]
DOSSIER_CODE = "000.00.01.H56-261203-0001"
APPLICANT = {"full_name": "Nguyễn Văn An", "phone": "0912000001", "email": "an@example.vn"}


@pytest.fixture(scope="module")
def deployment(synth: Synth) -> Iterator[Deployment]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    session = boto3.session.Session(
        aws_access_key_id="rehearsal", aws_secret_access_key="rehearsal", region_name=REGION
    )
    yield Deployment(synth.template(STAGE), session, f"http://{host}:{port}")
    server.stop()


@pytest.fixture(scope="module")
def task_roots(synth: Synth, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each service's deployment package unpacked, as Lambda does into /var/task."""
    roots = {}
    for service, package in packages_of(synth.outdir / f"motcua-{STAGE}.template.json").items():
        root = tmp_path_factory.mktemp(f"task-{service}")
        with zipfile.ZipFile(package) as archive:
            archive.extractall(root)
        roots[service] = root
    return roots


@pytest.fixture(scope="module")
def runtime_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runtime's own packages (/var/runtime): the AWS SDK and its dependencies only."""
    import botocore

    site = Path(botocore.__file__).resolve().parents[1]
    runtime = tmp_path_factory.mktemp("runtime")
    for name in RUNTIME_PACKAGES:
        (runtime / name).symlink_to(site / name)
    return runtime


def envelope(event_type: str, dossier_id: str, data: Any) -> str:
    """An event as its publisher puts it on the queue (the shared event contract)."""
    from motcua_shared.events import new_event

    return new_event(
        event_type, source="rehearsal", dossier_id=dossier_id, data=data
    ).model_dump_json()


def dossier_data(kind: str, dossier_id: str, **extra: Any) -> Any:
    from motcua_shared.events import dossier

    schema = {"submitted": dossier.DossierSubmitted, "fee": dossier.DossierFeeRequested}[kind]
    return schema(
        dossier_id=dossier_id,
        procedure_code="MYPHAM-01",
        procedure_name="Công bố sản phẩm mỹ phẩm sản xuất trong nước",
        status="submitted" if kind == "submitted" else "fee_requested",
        national_status=1 if kind == "submitted" else 6,
        actor="citizen1",
        applicant=dossier.Contact(**APPLICANT),
        code=DOSSIER_CODE,
        owner_sub="11111111-2222-3333-4444-555555555555",
        agency_code="000.00.01.H56",
        **extra,
    )


# -- the rehearsal -------------------------------------------------------------------------------


def logical_id(deployment: Deployment, kind: str, name: str, key: str) -> str:
    [found] = [
        lid
        for lid, body in deployment.resources.items()
        if body["Type"] == kind and body["Properties"].get(key) == name
    ]
    return found


def queue_of(deployment: Deployment, consumer: str) -> str:
    return logical_id(
        deployment, "AWS::SQS::Queue", f"motcua-{STAGE}-{consumer}-events", "QueueName"
    )


def table_of(deployment: Deployment, name: str) -> str:
    return logical_id(deployment, "AWS::DynamoDB::Table", f"motcua-{STAGE}-{name}", "TableName")


def drained(deployment: Deployment, consumer: str) -> list[dict[str, Any]]:
    sqs = deployment.client("sqs")
    url = deployment.attribute(queue_of(deployment, consumer), "Ref")
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return bodies
        for message in got:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def secret_of(deployment: Deployment, env: str) -> str:
    """The value the stack's secret for ``env`` has before any operator touched it."""
    name = f"motcua/{STAGE}/{env.lower().replace('_', '-')}"
    deployment.attribute(logical_id(deployment, "AWS::SecretsManager::Secret", name, "Name"), "Ref")
    return deployment.secret_values[name]


def test_every_function_is_rehearsed(deployment: Deployment) -> None:
    assert sorted(deployment.functions()) == sorted(FUNCTIONS)


@pytest.mark.parametrize(("service", "handler"), FUNCTIONS, ids=lambda v: str(v))
def test_a_fresh_function_handles_a_real_request(
    deployment: Deployment,
    task_roots: dict[str, Path],
    runtime_dir: Path,
    tmp_path: Path,
    service: str,
    handler: str,
) -> None:
    props = deployment.functions()[(service, handler)]
    env = deployment.environment(props)  # creates what the function's variables name

    def run(event: dict[str, Any], fails: bool = False) -> Any:
        done = invoke(deployment, task_roots, runtime_dir, tmp_path, service, handler, event)
        assert (done.error is not None) is fails, f"{done.error}\n{done.output[-4000:]}"
        return done.result

    if handler == "app.app":
        check_api(deployment, service, env, run)
    elif handler == "app.handle_events":
        check_consumer(deployment, service, env, run)
    elif handler == "app.publish_events":
        check_publisher(deployment, service, env, run)
    else:
        assert (
            run(scheduled_event())
            == {
                "app.watch_deadlines": {"announced": 0},
                "app.reconcile_payments": {
                    "succeeded": 0,
                    "failed": 0,
                    "expired": 0,
                    "pending": 0,
                    "refund_due": 0,
                },
                "app.retry_notifications": {"retried": 0, "ended": 0},
            }[handler]
        )


def _answer(result: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return int(result["statusCode"]), json.loads(result["body"])


def check_api(deployment: Deployment, service: str, env: dict[str, str], run: Any) -> None:
    if service == "intake":  # a public query of the dossiers table's code index
        status, body = _answer(run(api_event("GET", "/track/{code}", {"code": DOSSIER_CODE})))
        assert (status, body["error"]["code"]) == (404, "dossier_not_found"), body
    elif service == "payment":
        # An IPN signed with the stack's own placeholder secret: the secret is read from
        # Secrets Manager; with no merchant code configured nothing is verified (99, ALARM).
        from sandboxes.vnpay import signing

        params = {
            "vnp_TmnCode": env.get("VNPAY_TMN_CODE", ""),
            "vnp_TxnRef": "P261203000000000001",
            "vnp_Amount": "50000000",
            "vnp_ResponseCode": "00",
            "vnp_TransactionStatus": "00",
        }
        signed = signing.signed(params, secret_of(deployment, "VNPAY_HASH_SECRET"))
        status, body = _answer(run(api_event("GET", "/vnpay/ipn", query=signed)))
        assert (status, body) == (200, {"RspCode": "99", "Message": "Unknown error"})
    elif service == "delivery":
        # A callback signed with the placeholder callback secret, for a waybill nobody booked.
        import hashlib
        import hmac

        data = json.dumps({"ItemCode": "EB000000000VN", "OrderStatusId": 100})
        secret = secret_of(deployment, "POSTAL_CALLBACK_SECRET")
        sign = hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()
        callback = json.dumps({"Data": data, "SendDate": "03/12/2026 10:00:00", "SignData": sign})
        headers = {"Content-Type": "application/json"}
        event = api_event("POST", "/postal/callback", body=callback, headers=headers)
        status, body = _answer(run(event))
        assert (status, body["error"]["code"]) == (404, "shipment_not_found"), body
    else:
        # The placeholder receipt secrets are valid JSON with empty entries: not configured yet.
        event = api_event(
            "POST",
            "/receipts/{provider}",
            {"provider": "ses"},
            body='{"notificationType": "Delivery", "mail": {"messageId": "m-1"}}',
            headers={"Content-Type": "application/json", "X-Motcua-Signature": "sha256=00"},
        )
        status, body = _answer(run(event))
        assert (status, body["error"]["code"]) == (503, "receipts_not_configured"), body
        assert body["error"]["message_vi"]


def check_consumer(deployment: Deployment, service: str, env: dict[str, str], run: Any) -> None:
    dossier_id = str(uuid.uuid4())
    queue = queue_of(deployment, service)
    if service == "intake":
        from motcua_shared.events.payment import PaymentSucceeded

        data = PaymentSucceeded(
            txn_ref="P261203000000000002",
            dossier_id=dossier_id,
            dossier_code=DOSSIER_CODE,
            amount_vnd=500_000,
            provider="vnpay",
            paid_at=datetime.now(UTC),
        )
        event = sqs_event(deployment, queue, envelope("payment.succeeded", dossier_id, data))
        # A payment for a dossier intake does not have: the message fails (a batch whose every
        # record failed is a function error, so Lambda retries it, then the DLQ takes it) and
        # its failure is recorded in intake's own table.
        [record] = event["Records"]
        run(event, fails=True)
        failure = deployment.client("dynamodb").get_item(
            TableName=env["DOSSIERS_TABLE"],
            Key={"pk": {"S": f"FAILURE#{record['messageId']}"}, "sk": {"S": "FAILURE"}},
        )
        assert failure["Item"]["event_type"]["S"] == "payment.succeeded", failure
        return
    kind = "fee" if service == "payment" else "submitted"
    extra = (
        {"amount_vnd": 500_000}
        if kind == "fee"
        else {"channel": 2, "submitted_at": datetime.now(UTC)}
    )
    event_type = "dossier.fee_requested" if kind == "fee" else "dossier.submitted"
    body = envelope(event_type, dossier_id, dossier_data(kind, dossier_id, **extra))
    if service == "notify":  # README "Before the first deploy": the sender's domain verified in SES
        domain = env["NOTIFY_EMAIL_SENDER"].split("@", 1)[1]
        deployment.client("ses").verify_domain_identity(Domain=domain)
    assert run(sqs_event(deployment, queue, body)) == {"batchItemFailures": []}
    if service == "payment":
        fee = deployment.client("dynamodb").get_item(
            TableName=env["PAYMENTS_TABLE"],
            Key={"pk": {"S": f"FEE#{dossier_id}"}, "sk": {"S": "FEE"}},
        )
        assert "Item" in fee
    if service == "notify":  # one e-mail (SES) and one SMS (SNS) to the applicant
        sent = requests.get(f"{deployment.endpoint}/moto-api/data.json", timeout=10).json()
        emails = [m for m in sent["ses"]["Message"] if APPLICANT["email"] in json.dumps(m)]
        assert emails, json.dumps(sent["ses"]["Message"])[:3000]
        assert any("912000001" in json.dumps(m) for m in sent["sns"]["SMS"]), sent["sns"]


def check_publisher(deployment: Deployment, service: str, env: dict[str, str], run: Any) -> None:
    """An outbox record on the table's stream reaches every subscriber's queue (EVENT_ROUTES
    resolved to the queues moto created for the stack)."""
    table = {
        "intake": "dossiers",
        "payment": "payments",
        "delivery": "shipments",
        "notify": "notifications",
    }[service]
    published = {
        "intake": ("dossier.submitted", ["delivery", "notify"]),
        "payment": ("payment.failed", ["notify"]),
        "delivery": ("shipment.booked", ["notify"]),
        "notify": (None, []),
    }[service]
    event_type, subscribers = published
    for consumer in ("intake", "payment", "delivery", "notify"):
        drained(deployment, consumer)
    item: dict[str, Any] = {
        "pk": {"S": f"REHEARSAL#{uuid.uuid4()}"},
        "sk": {"S": "REHEARSAL"},
    }
    event_id = str(uuid.uuid4())
    if event_type is not None:
        body = json.dumps({"id": event_id, "type": event_type})
        item["outbox"] = {"L": [{"S": body}]}
    result = run(stream_event(deployment, table_of(deployment, table), item))
    assert result == {"batchItemFailures": []}
    for consumer in ("intake", "payment", "delivery", "notify"):
        arrived = [b["id"] for b in drained(deployment, consumer)]
        assert arrived == ([event_id] if consumer in subscribers else []), consumer


def test_the_secrets_are_created_as_the_services_read_them(deployment: Deployment) -> None:
    """The placeholder of every JSON secret is a JSON object of strings (with the providers'
    entries still empty); the others are non-empty strings."""
    receipts = json.loads(secret_of(deployment, "NOTIFY_RECEIPT_SECRETS"))
    assert receipts["ses"] == receipts["sns"] == ""
    assert all(isinstance(v, str) for v in receipts.values())
    for env in ("VNPAY_HASH_SECRET", "POSTAL_ACCESS_TOKEN", "POSTAL_CALLBACK_SECRET"):
        assert len(secret_of(deployment, env)) >= 20
