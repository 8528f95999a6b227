"""The user pool's signing keys in a freshly started Lambda environment.

Python's documentation of ``time.monotonic()``: "The reference point of the returned value is
undefined, so that only the difference between the results of two calls to the same clock is
valid"; on Linux it is CLOCK_MONOTONIC, which counts from boot. A Lambda execution environment
is a new microVM (AWS Lambda developer guide, "Understanding the Lambda execution environment
lifecycle": the Init phase starts the runtime in a new environment), so its monotonic clock reads
a few seconds when the first request arrives. These tests run the real verifier against a JWKS
served over HTTP (the stand-in for Cognito's ``/.well-known/jwks.json``), with a clock that
starts where a new microVM's does.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from motcua_shared.auth import SigningKeys, TokenVerifier
from motcua_shared.errors import Unauthenticated
from motcua_shared.settings import BaseSettings

POOL = "ap-southeast-1_fresh"
CLIENT = "fresh-client"
ISSUER = f"https://cognito-idp.ap-southeast-1.amazonaws.com/{POOL}"


@dataclass
class KeyServer:
    """Serves a JWKS like Cognito's and counts how often it was asked."""

    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    hits: int = 0
    failing: bool = False
    url: str = ""

    def jwks(self) -> dict[str, Any]:
        found = []
        for kid, key in self.keys.items():
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            found.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})
        return {"keys": found}


@pytest.fixture
def key_server() -> Iterator[KeyServer]:
    state = KeyServer(keys={"k1": _new_key()})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits += 1
            body = b"{}" if state.failing else json.dumps(state.jwks()).encode()
            self.send_response(503 if state.failing else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/{POOL}/.well-known/jwks.json"
    yield state
    server.shutdown()
    server.server_close()


class Clock:
    """A monotonic clock as a fresh microVM has it: a few seconds since boot."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _token(key: rsa.RSAPrivateKey, kid: str) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "11111111-2222-3333-4444-555555555555",
        "token_use": "id",
        "cognito:username": "citizen1",
        "cognito:groups": ["citizen"],
        "iat": now,
        "exp": now + 600,
    }
    return "Bearer " + jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _verifier(server: KeyServer, clock: Clock) -> TokenVerifier:
    settings = BaseSettings(user_pool_id=POOL, user_pool_client_id=CLIENT, jwks_url=server.url)
    return TokenVerifier(settings, SigningKeys(settings.signing_keys_url, clock=clock))


def test_the_first_sign_in_of_a_fresh_environment_is_accepted(key_server: KeyServer) -> None:
    """2.5 s after the microVM booted, the first signed-in call fetches the key set at once
    (before the fix: 401 "unknown key" until the clock passed 60 s)."""
    verifier = _verifier(key_server, Clock(2.5))
    principal = verifier.principal(_token(key_server.keys["k1"], "k1"))
    assert principal.username == "citizen1"
    assert principal.groups == frozenset({"citizen"})
    assert key_server.hits == 1


def test_unknown_keys_refetch_at_most_once_a_minute(key_server: KeyServer) -> None:
    """After a successful fetch a token naming an unknown key does not make every call hit the
    key endpoint: one refresh a minute (a rotated key is picked up after that)."""
    clock = Clock(1.0)
    verifier = _verifier(key_server, clock)
    verifier.principal(_token(key_server.keys["k1"], "k1"))
    rotated = _new_key()
    key_server.keys["k2"] = rotated
    clock.at = 30.0
    with pytest.raises(Unauthenticated):
        verifier.principal(_token(rotated, "k2"))
    assert key_server.hits == 1
    clock.at = 61.5
    assert verifier.principal(_token(rotated, "k2")).username == "citizen1"
    assert key_server.hits == 2


def test_a_failed_fetch_is_tried_again_on_the_next_call(key_server: KeyServer) -> None:
    """No key set held means no rate limit: the sign-in service being briefly unreachable at
    boot must not lock sign-ins out for a minute."""
    clock = Clock(0.5)
    verifier = _verifier(key_server, clock)
    key_server.failing = True
    with pytest.raises(Unauthenticated) as refused:
        verifier.principal(_token(key_server.keys["k1"], "k1"))
    assert refused.value.status == 401
    key_server.failing = False
    clock.at = 0.7
    assert verifier.principal(_token(key_server.keys["k1"], "k1")).username == "citizen1"
    assert key_server.hits == 2
