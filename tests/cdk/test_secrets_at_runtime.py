"""Secrets on AWS: the environment names the secret (``<NAME>_SECRET_ARN``), the value is read
from Secrets Manager by the call that needs it, never when a function starts; locally the plain
variable still wins.

Rules held: AWS Lambda developer guide, "Use Secrets Manager secrets in Lambda functions"
(retrieve the secret when the function needs it and keep a local cache; AWS's own extension keeps
a value 300 seconds by default, the period used here); OWASP ASVS v4.0.3 V6.4.1 (a secrets
store) and "fail securely": an unusable secret refuses the call that needs it and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.delivery.settings import DeliverySettings
from chalicelib.notify.settings import NotifySettings
from chalicelib.payment.settings import PaymentSettings
from motcua_shared import secrets

ARN_OF_MISSING = "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:missing"


class Clock:
    def __init__(self) -> None:
        self.at = 3.0  # a fresh Lambda environment's monotonic clock: seconds since boot

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(secrets, "_clock", clock)
    return clock


@pytest.fixture
def secretsmanager(monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Iterator[Any]:
    with mock_aws():
        sm = boto3.client("secretsmanager", region_name="ap-southeast-1")
        calls: list[str] = []

        class Counting:
            def get_secret_value(self, SecretId: str) -> Any:  # noqa: N803 (boto3's name)
                calls.append(SecretId)
                return sm.get_secret_value(SecretId=SecretId)

        monkeypatch.setattr(secrets, "client", lambda name: Counting())
        secrets.forget()
        sm.calls = calls
        yield sm
        secrets.forget()


def test_settings_read_no_secret_when_a_function_starts(secretsmanager: Any) -> None:
    """Settings are read at import (cold start): even a missing secret must not stop it."""
    payment = PaymentSettings.from_env(
        {"PAYMENTS_TABLE": "p", "VNPAY_HASH_SECRET_SECRET_ARN": ARN_OF_MISSING}
    )
    notify = NotifySettings.from_env(
        {"NOTIFICATIONS_TABLE": "n", "NOTIFY_RECEIPT_SECRETS_SECRET_ARN": ARN_OF_MISSING}
    )
    assert secretsmanager.calls == []
    assert ARN_OF_MISSING in repr(payment.vnpay_hash_secret)
    with pytest.raises(secrets.SecretUnavailable):
        payment.vnpay_hash_secret.value()
    with pytest.raises(secrets.SecretUnavailable):
        notify.receipt_secrets.mapping()


def test_secrets_are_read_when_needed_then_cached_for_minutes(
    secretsmanager: Any, clock: Clock
) -> None:
    vnpay = secretsmanager.create_secret(Name="motcua/test/vnpay", SecretString="HASH-1")["ARN"]
    receipts = secretsmanager.create_secret(
        Name="motcua/test/receipts", SecretString='{"ses": "SES-VALUE-1", "sns": "SNS-VALUE-2"}'
    )["ARN"]
    env = {"PAYMENTS_TABLE": "p", "VNPAY_HASH_SECRET_SECRET_ARN": vnpay}
    assert PaymentSettings.from_env(env).vnpay_hash_secret.value() == "HASH-1"
    assert PaymentSettings.from_env(env).vnpay_hash_secret.value() == "HASH-1"
    assert secretsmanager.calls == [vnpay]  # cached for the process
    secretsmanager.put_secret_value(SecretId=vnpay, SecretString="HASH-2")
    clock.at += secrets.CACHE_S + 1  # an operator's new value reaches running functions
    assert PaymentSettings.from_env(env).vnpay_hash_secret.value() == "HASH-2"
    assert secretsmanager.calls == [vnpay, vnpay]
    notify = NotifySettings.from_env(
        {"NOTIFICATIONS_TABLE": "n", "NOTIFY_RECEIPT_SECRETS_SECRET_ARN": receipts}
    )
    assert notify.receipt_secrets.mapping() == {"ses": "SES-VALUE-1", "sns": "SNS-VALUE-2"}
    assert "SES-VALUE-1" not in repr(notify)
    assert "HASH-2" not in repr(PaymentSettings.from_env(env))


def test_plain_variable_wins_and_missing_secret_is_an_error(secretsmanager: Any) -> None:
    env = {
        "SHIPMENTS_TABLE": "s",
        "POSTAL_ACCESS_TOKEN": "local-token",
        "POSTAL_ACCESS_TOKEN_SECRET_ARN": ARN_OF_MISSING,
    }
    assert DeliverySettings.from_env(env).postal_access_token.value() == "local-token"
    assert secretsmanager.calls == []
    del env["POSTAL_ACCESS_TOKEN"]
    settings = DeliverySettings.from_env(env)  # starts all the same
    with pytest.raises(secrets.SecretUnavailable):
        settings.postal_access_token.value()


@pytest.mark.parametrize("value", [None, "", "  \n"])
def test_an_unset_or_empty_secret_is_not_configured(secretsmanager: Any, value: str | None) -> None:
    """An empty secret is a configuration error, never a key (an HMAC with an empty key is
    computable by anyone)."""
    env = {"PAYMENTS_TABLE": "p"} | ({} if value is None else {"VNPAY_HASH_SECRET": value})
    with pytest.raises(secrets.SecretNotConfigured):
        PaymentSettings.from_env(env).vnpay_hash_secret.value()
    assert secretsmanager.calls == []


@pytest.mark.parametrize("value", ["xR7#kq2!pLm9", "[]", '{"ses": 1}', '"ses"'])
def test_a_json_secret_of_another_shape_is_malformed(secretsmanager: Any, value: str) -> None:
    settings = NotifySettings.from_env(
        {"NOTIFICATIONS_TABLE": "n", "NOTIFY_RECEIPT_SECRETS": value}
    )
    with pytest.raises(secrets.SecretMalformed):
        settings.receipt_secrets.mapping()
