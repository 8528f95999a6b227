"""Secrets on AWS: the environment names the secret (``<NAME>_SECRET_ARN``), the value is read
from Secrets Manager once per process; locally the plain variable still wins."""

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


@pytest.fixture
def secretsmanager(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
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


def test_secrets_are_read_from_secrets_manager_once(secretsmanager: Any) -> None:
    vnpay = secretsmanager.create_secret(Name="motcua/test/vnpay", SecretString="HASH-1")["ARN"]
    receipts = secretsmanager.create_secret(
        Name="motcua/test/receipts", SecretString='{"ses": "S1", "sns": "S2"}'
    )["ARN"]
    env = {"PAYMENTS_TABLE": "p", "VNPAY_HASH_SECRET_SECRET_ARN": vnpay}
    assert PaymentSettings.from_env(env).vnpay_hash_secret == "HASH-1"
    assert PaymentSettings.from_env(env).vnpay_hash_secret == "HASH-1"
    assert secretsmanager.calls == [vnpay]  # cached for the process
    notify = NotifySettings.from_env(
        {"NOTIFICATIONS_TABLE": "n", "NOTIFY_RECEIPT_SECRETS_SECRET_ARN": receipts}
    )
    assert notify.receipt_secrets == {"ses": "S1", "sns": "S2"}


def test_plain_variable_wins_and_missing_secret_is_an_error(secretsmanager: Any) -> None:
    env = {
        "SHIPMENTS_TABLE": "s",
        "POSTAL_ACCESS_TOKEN": "local-token",
        "POSTAL_ACCESS_TOKEN_SECRET_ARN": ARN_OF_MISSING,
    }
    assert DeliverySettings.from_env(env).postal_access_token == "local-token"
    assert secretsmanager.calls == []
    del env["POSTAL_ACCESS_TOKEN"]
    with pytest.raises(secrets.SecretUnavailable):
        DeliverySettings.from_env(env)


def test_without_either_variable_the_default_applies(secretsmanager: Any) -> None:
    assert PaymentSettings.from_env({"PAYMENTS_TABLE": "p"}).vnpay_hash_secret == ""
    assert secretsmanager.calls == []
