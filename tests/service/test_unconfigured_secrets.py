"""A function whose secret is missing, empty, unreadable or malformed still starts; the one route
that needs the secret refuses with a clear JSON error (or, for VNPay's IPN, RspCode 99 as its
protocol defines), changes nothing and logs ALARM; nothing is ever verified with an empty key.

Rules held: OWASP ASVS v4.0.3 V2.10.4 / V6.4.1 (secrets come from a secrets store and the
application fails securely without them) and OWASP's "Fail securely" principle (a configuration
error denies, it never opens); HMAC (RFC 2104) with an empty key is computable by anyone, so a
signature "verified" with it proves nothing. VNPay's IPN protocol (PAY integration guide, IPN
URL): the merchant answers {"RspCode", "Message"}, 99 = unknown error, and only 00 confirms.

Each case starts a second copy of the service's app (a fresh function) with the configuration
under test; the session's own copy keeps the working secrets.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import importlib.util
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from infra.local.apps import SERVICES_DIR, add_service_paths, load_app
from infra.local.bootstrap import Stack
from sandboxes.vnpay import signing
from sandboxes.vnpay.server import VnpaySandbox
from tests.service.conftest import Pump
from tests.service.test_delivery import result_ready, shipments
from tests.service.test_intake_dossiers import Auth, call
from tests.service.test_payment import owed, paid_by_sandbox, start, status_of

__all__ = ["owed"]  # the fixture, used by name

MISSING_ARN = "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:motcua/none-AbCdEf"
ALARM = "ALARM a secret this call needs is not usable"


@contextmanager
def started_with(
    service: str, monkeypatch: pytest.MonkeyPatch, env: dict[str, str | None]
) -> Iterator[ModuleType]:
    """A fresh copy of ``services/<service>/app.py`` started with ``env`` changed (None removes
    a variable): what a new Lambda environment with that configuration imports."""
    add_service_paths()
    settings = importlib.import_module(f"chalicelib.{service}.settings")
    with monkeypatch.context() as patch:
        for name, value in env.items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        settings.get_settings.cache_clear()
        name = f"motcua_{service}_app_{uuid.uuid4().hex}"
        spec = importlib.util.spec_from_file_location(name, SERVICES_DIR / service / "app.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)  # before the fix: a SettingsError for notify
            yield module
        finally:
            settings.get_settings.cache_clear()  # the session's copy reads its own again


def _error(status: int, body: dict[str, Any], expected_status: int, code: str) -> None:
    assert (status, body["error"]["code"]) == (expected_status, code), body
    assert body["error"]["message"]
    assert body["error"]["message_vi"]


# -- notify: the receipt secrets ---------------------------------------------------------------

RECEIPT = json.dumps({"notificationType": "Delivery", "mail": {"messageId": "never-sent"}}).encode()


@pytest.mark.parametrize(
    "configured",
    [
        {"NOTIFY_RECEIPT_SECRETS": "xR7#kq2!pLm9$vZ"},  # the old placeholder: random, not JSON
        {"NOTIFY_RECEIPT_SECRETS": ""},
        {"NOTIFY_RECEIPT_SECRETS": '{"ses": "", "sns": ""}'},  # the placeholder's shape
        {"NOTIFY_RECEIPT_SECRETS": None, "NOTIFY_RECEIPT_SECRETS_SECRET_ARN": MISSING_ARN},
        {"NOTIFY_RECEIPT_SECRETS": None},
    ],
    ids=["not-json", "empty", "empty-entries", "unreadable", "unset"],
)
def test_notify_starts_without_receipt_secrets_and_refuses_receipts(
    aws: Stack,
    auth: Auth,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    configured: dict[str, str | None],
) -> None:
    with started_with("notify", monkeypatch, configured) as notify, Client(notify.app) as client:
        # Routes and events that need no receipt secret work.
        status, body = call(client, "GET", "/preferences", auth("citizen1"))
        assert status == 200, body
        # The receipts route refuses, whatever the signature, and says why.
        for secret in ("", "xR7#kq2!pLm9$vZ"):
            signature = "sha256=" + hmac.new(secret.encode(), RECEIPT, hashlib.sha256).hexdigest()
            status, body = call(
                client,
                "POST",
                "/receipts/ses",
                {"Content-Type": "application/json", "X-Motcua-Signature": signature},
                RECEIPT,
            )
            _error(status, body, 503, "receipts_not_configured")
    assert "ALARM" in caplog.text


# -- payment: the VNPay hash secret --------------------------------------------------------------


@pytest.mark.parametrize(
    "configured",
    [
        {"VNPAY_HASH_SECRET": ""},
        {"VNPAY_HASH_SECRET": "   "},
        {"VNPAY_HASH_SECRET": None, "VNPAY_HASH_SECRET_SECRET_ARN": MISSING_ARN},
    ],
    ids=["empty", "blank", "unreadable"],
)
def test_an_ipn_signed_with_an_empty_key_pays_nothing(
    aws: Stack,
    auth: Auth,
    owed: dict[str, Any],
    vnpay: VnpaySandbox,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    configured: dict[str, str | None],
) -> None:
    """A payment really started; its IPN forged with the empty key. Before the fix an empty
    VNPAY_HASH_SECRET made this "00 Confirm Success" and the dossier was paid."""
    with Client(load_app("payment").app) as working:
        status, attempt = start(working, auth, owed["id"])
        assert status == 201, attempt
        real = paid_by_sandbox(vnpay, attempt["pay_url"])
    forged = {k: v for k, v in real.items() if k != "vnp_SecureHash"}
    forged["vnp_SecureHash"] = signing.sign(forged, "")
    with started_with("payment", monkeypatch, configured) as payment, Client(payment.app) as client:
        response = client.http.get(f"/vnpay/ipn?{urlencode(forged)}")
        assert response.status_code == 200
        assert json.loads(response.body) == {"RspCode": "99", "Message": "Unknown error"}
        # Nothing else works without the secret either, and nothing is created.
        status, body = start(client, auth, owed["id"])
        _error(status, body, 503, "provider_not_configured")
        response = client.http.get(f"/vnpay/return?{urlencode(forged)}")
        _error(response.status_code, json.loads(response.body), 503, "provider_not_configured")
        assert status_of(client, auth, attempt["txn_ref"]) == "pending"
        status, listed = call(client, "GET", f"/payments?dossier_id={owed['id']}", auth("citizen1"))
        assert [p["txn_ref"] for p in listed["items"]] == [attempt["txn_ref"]]
    assert ALARM in caplog.text


def test_vnpay_without_a_merchant_code_refuses_too(
    aws: Stack, auth: Auth, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        started_with("payment", monkeypatch, {"VNPAY_TMN_CODE": ""}) as payment,
        Client(payment.app) as client,
    ):
        params = signing.signed({"vnp_TxnRef": "P1", "vnp_Amount": "100"}, "")
        response = client.http.get(f"/vnpay/ipn?{urlencode(params)}")
        assert json.loads(response.body)["RspCode"] == "99"
    assert "ALARM VNPay is not configured" in caplog.text


# -- delivery: the post office's callback secret -------------------------------------------------


def _callback(client: Client, item_code: str, secret: str) -> tuple[int, dict[str, Any]]:
    data = json.dumps(
        {
            "ItemCode": item_code,
            "OrderCode": "x",
            "OrderStatusId": 100,
            "DeliveryNote": "Phát thành công",
            "LastUpdateTime": "01/12/2026 10:00:00",
        }
    )
    sign = hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()
    body = {"Data": data, "SendDate": "01/12/2026 10:00:00", "SignData": sign}
    return call(client, "POST", "/postal/callback", {"Content-Type": "application/json"}, body)


@pytest.mark.parametrize(
    "configured",
    [
        {"POSTAL_CALLBACK_SECRET": ""},
        {"POSTAL_CALLBACK_SECRET": None, "POSTAL_CALLBACK_SECRET_SECRET_ARN": MISSING_ARN},
    ],
    ids=["empty", "unreadable"],
)
def test_a_callback_signed_with_an_empty_key_delivers_nothing(
    aws: Stack,
    intake: Client,
    auth: Auth,
    pump: Pump,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    configured: dict[str, str | None],
) -> None:
    """A result really booked; a "delivered" callback forged with the empty key. Before the
    fix an empty POSTAL_CALLBACK_SECRET accepted it and the result counted as delivered."""
    dossier = result_ready(intake, auth, pump)
    with Client(load_app("delivery").app) as working:
        [shipment] = shipments(working, auth, dossier["id"])
    assert shipment["status"] == "booked"
    with (
        started_with("delivery", monkeypatch, configured) as delivery,
        Client(delivery.app) as client,
    ):
        status, body = _callback(client, shipment["item_code"], "")
        _error(status, body, 503, "callback_not_configured")
        [after] = shipments(client, auth, dossier["id"])
        assert (after["status"], len(after["history"])) == ("booked", len(shipment["history"]))
    assert ALARM in caplog.text
