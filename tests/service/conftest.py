"""Service tests: the services' Chalice apps in-process against moto's mock AWS.

One mock AWS for the session, built by the same bootstrap as the local stack; tests keep apart
by creating their own dossiers.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from infra.local import motofix
from infra.local.apps import load_app
from infra.local.bootstrap import DEMO_PASSWORD, Stack, create_all
from infra.local.pump import QueuePoller, StreamPoller
from infra.resources import RESOURCES
from sandboxes.postal.server import PostalSandbox
from sandboxes.postal.server import start_in_thread as start_postal
from sandboxes.vnpay.server import VnpaySandbox, start_in_thread
from tests.conftest import STAGE

VNPAY_SECRET = "SERVICE-TEST-SECRET-0123456789"
RECEIPT_SECRETS = {"ses": "SERVICE-TEST-SES-RECEIPTS", "sns": "SERVICE-TEST-SNS-RECEIPTS"}


@pytest.fixture(scope="session")
def vnpay() -> Iterator[VnpaySandbox]:
    """The VNPay sandbox (the outside party), in a thread; it never calls our IPN here: the
    tests deliver its signed notifications themselves."""
    sandbox, _ = start_in_thread(tmn_code="MOTCUA01", hash_secret=VNPAY_SECRET, ipn_url="")
    host, port = sandbox.server_address[:2]
    base = f"http://{host}:{port}"
    os.environ.update(
        {
            "VNPAY_TMN_CODE": "MOTCUA01",
            "VNPAY_HASH_SECRET": VNPAY_SECRET,
            "VNPAY_PAY_URL": f"{base}/paymentv2/vpcpay.html",
            "VNPAY_API_URL": f"{base}/merchant_webapi/api/transaction",
        }
    )
    yield sandbox
    sandbox.shutdown()
    sandbox.server_close()


POSTAL_TOKEN = "SERVICE-TEST-POSTAL-TOKEN"
POSTAL_SECRET = "SERVICE-TEST-POSTAL-SECRET"


@pytest.fixture(scope="session")
def postal() -> Iterator[PostalSandbox]:
    """The post office sandbox in a thread; shipments move only when a test says so, and the
    tests deliver its callbacks themselves."""
    sandbox, _ = start_postal(
        access_token=POSTAL_TOKEN,
        callback_secret=POSTAL_SECRET,
        callback_url="",
        callback_retry_delay=0.01,
    )
    host, port = sandbox.server_address[:2]
    os.environ.update(
        {
            "POSTAL_BASE_URL": f"http://{host}:{port}",
            "POSTAL_ACCESS_TOKEN": POSTAL_TOKEN,
            "POSTAL_CALLBACK_SECRET": POSTAL_SECRET,
            "POSTAL_TIMEOUT_S": "2",
        }
    )
    yield sandbox
    sandbox.shutdown()
    sandbox.server_close()


@pytest.fixture(scope="session")
def aws(vnpay: VnpaySandbox, postal: PostalSandbox) -> Iterator[Stack]:
    motofix.install()  # moto as the local stack runs it (transactions copy only their items)
    with mock_aws():
        session = boto3.session.Session(region_name="ap-southeast-1")
        stack = create_all(session, STAGE)
        os.environ.update(stack.environment())
        os.environ["NOTIFY_RECEIPT_SECRETS"] = json.dumps(RECEIPT_SECRETS)
        yield stack


@pytest.fixture(scope="session")
def token(aws: Stack) -> Callable[[str], str]:
    cognito = boto3.client("cognito-idp")

    @cache
    def issue(username: str) -> str:
        result = cognito.initiate_auth(
            ClientId=aws.user_pool_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": DEMO_PASSWORD},
        )
        return str(result["AuthenticationResult"]["IdToken"])

    return issue


@pytest.fixture(scope="session")
def auth(token: Callable[[str], str]) -> Callable[[str], dict[str, str]]:
    def headers(username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(username)}", "Content-Type": "application/json"}

    return headers


def app_client(service: str) -> Client:
    return Client(load_app(service).app)


@pytest.fixture(scope="session")
def intake(aws: Stack) -> Iterator[Client]:
    with app_client("intake") as client:
        yield client


@pytest.fixture(scope="session")
def payment(aws: Stack) -> Iterator[Client]:
    with app_client("payment") as client:
        yield client


class Pump:
    """Runs the event sources synchronously, the way the local stack's pump does in threads."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.streams = boto3.client("dynamodbstreams")
        self.sqs = boto3.client("sqs")
        self.pollers: dict[str, Any] = {}

    def stream(self, service: str) -> StreamPoller:
        key = "stream:" + service
        if key not in self.pollers:
            app = load_app(service).app
            source = next(s for s in app.event_sources if hasattr(s, "stream_arn"))
            table = RESOURCES.table_of(service)
            self.pollers[key] = StreamPoller(
                self.streams,
                self.stack.stream_arns[table.logical_name],
                app.handler_map[source.name],
                failures=(self.sqs, self.stack.stream_failure_urls[service]),
                max_retries=table.stream_max_retries,
            )
        return self.pollers[key]

    def queue(self, service: str) -> QueuePoller:
        key = "queue:" + service
        if key not in self.pollers:
            app = load_app(service).app
            source = next(s for s in app.event_sources if hasattr(s, "queue"))
            self.pollers[key] = QueuePoller(
                self.sqs,
                self.stack.queue_urls[service],
                self.stack.queue_arns[service],
                app.handler_map[source.name],
                wait_s=0,  # in-process: nothing arrives while the test waits
            )
        return self.pollers[key]

    def publish(self, service: str) -> None:
        """Deliver every new outbox record of ``service`` to its subscribers' queues."""
        while self.stream(service).poll_once():
            pass


@pytest.fixture(scope="session")
def pump(aws: Stack) -> Pump:
    return Pump(aws)


@pytest.fixture
def atomic_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies each write (a conditional put, an ADD) atomically; moto's in-process
    backend reads and writes an item in steps without a lock, so under threads two ADDs can
    return the same number and two conditional puts can both pass. One lock around its writes
    gives the tests DynamoDB's guarantee, no more: a product that read and then wrote in two
    requests would still race (and these tests would catch it)."""
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(DynamoDBBackend, name)

        def locked(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with lock:
                return _original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, locked)
