"""Tokens are checked for signature, issuer, audience, expiry and use, against the pool's JWKS."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from chalice.test import Client
from moto.utilities.utils import load_resource

from infra.local.bootstrap import Stack

# moto's user pools sign with this key pair; its public half is what the JWKS endpoint serves.
MOTO_PRIVATE_KEY = "cognitoidp/resources/jwks-private.json"


@pytest.fixture(scope="module")
def forge(aws: Stack) -> Callable[..., str]:
    key = jwt.PyJWK(load_resource(MOTO_PRIVATE_KEY)).key

    def token(signing_key: Any = key, kid: str = "dummy", **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": f"https://cognito-idp.ap-southeast-1.amazonaws.com/{aws.user_pool_id}",
            "aud": aws.user_pool_client_id,
            "sub": "11111111-2222-3333-4444-555555555555",
            "token_use": "id",
            "cognito:username": "forged",
            "cognito:groups": ["desk_officer"],
            "iat": now,
            "exp": now + 600,
            **overrides,
        }
        return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": kid})

    return token


def status_with(intake: Client, token: str) -> int:
    response = intake.http.get(
        "/dossiers?status=submitted", headers={"Authorization": f"Bearer {token}"}
    )
    return int(response.status_code)


def test_a_well_formed_token_from_the_pool_is_accepted(
    intake: Client, forge: Callable[..., str]
) -> None:
    assert status_with(intake, forge()) == 200


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 3600},
        {"aud": "another-client"},
        {"iss": "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_other"},
        {"token_use": "access"},
    ],
)
def test_tokens_with_wrong_claims_are_401(
    intake: Client, forge: Callable[..., str], overrides: dict[str, Any]
) -> None:
    assert status_with(intake, forge(**overrides)) == 401


def test_a_token_signed_by_another_key_is_401(intake: Client, forge: Callable[..., str]) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert status_with(intake, forge(signing_key=other)) == 401
    assert status_with(intake, forge(signing_key=other, kid="unknown-kid")) == 401


def test_a_tampered_token_is_401(intake: Client, forge: Callable[..., str]) -> None:
    header, payload, signature = forge().split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["cognito:groups"] = ["admin"]
    forged_payload = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    assert status_with(intake, f"{header}.{forged_payload}.{signature}") == 401


def test_groups_come_from_the_token(intake: Client, forge: Callable[..., str]) -> None:
    no_group = forge(**{"cognito:groups": []})
    listing = intake.http.get("/dossiers", headers={"Authorization": f"Bearer {no_group}"})
    assert listing.status_code == 200
    assert json.loads(listing.body)["items"] == []  # only their own, and they have none
    create = intake.http.post(
        "/dossiers", headers={"Authorization": f"Bearer {no_group}"}, body="{}"
    )
    assert create.status_code == 403
    citizen = forge(**{"cognito:groups": ["citizen"]})
    accept = intake.http.post(
        "/dossiers/x/accept", headers={"Authorization": f"Bearer {citizen}"}, body="{}"
    )
    assert accept.status_code == 403
