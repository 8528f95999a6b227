"""Who is calling: Cognito ID tokens verified against the user pool's published keys.

The signature (RS256), issuer, audience (the app client), expiry and ``token_use`` are checked;
roles are the user's Cognito groups (``cognito:groups``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from motcua_shared.errors import Forbidden, Unauthenticated
from motcua_shared.roles import OFFICERS as OFFICERS  # kept importable from here
from motcua_shared.settings import BaseSettings

# Refetch the key set at most this often when a token names a key we do not know.
_JWKS_MIN_REFRESH_S = 60.0
_JWKS_TIMEOUT_S = 5.0
_LEEWAY_S = 5


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    sub: str
    username: str
    groups: frozenset[str]
    email: str | None = None
    name: str | None = None  # the user's full name (the ``name`` attribute), when the token has it

    def has_any(self, roles: Iterable[str]) -> bool:
        return not self.groups.isdisjoint(roles)

    def require(self, roles: Iterable[str]) -> None:
        """Raise :class:`Forbidden` unless the caller belongs to one of ``roles``."""
        if not self.has_any(roles):
            raise Forbidden()


class SigningKeys:
    """The user pool's JWKS: fetched on first use (and again while no fetch has succeeded),
    then refreshed only for an unknown key id, at most once a minute.

    ``clock`` is a monotonic clock whose zero means nothing: in a freshly booted Lambda
    environment ``time.monotonic()`` is a few seconds, so "never fetched" is its own state,
    not a time long ago."""

    def __init__(self, url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.url = url
        self.clock = clock
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None  # None: no key set held yet
        self._lock = threading.Lock()

    def get(self, kid: str) -> Any:
        key = self._keys.get(kid)
        if key is None and self._may_fetch():
            self._refresh()
            key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated("The token was signed with an unknown key.")
        return key

    def _may_fetch(self) -> bool:
        fetched_at = self._fetched_at
        return fetched_at is None or self.clock() - fetched_at > _JWKS_MIN_REFRESH_S

    def _refresh(self) -> None:
        import jwt  # with cryptography: about 40 ms of import, only where tokens are read
        import requests  # only on a cold start or a key rotation

        with self._lock:
            try:
                response = requests.get(self.url, timeout=_JWKS_TIMEOUT_S)
                response.raise_for_status()
                key_set = jwt.PyJWKSet.from_dict(response.json())
            except (requests.RequestException, ValueError, jwt.PyJWTError) as exc:
                raise Unauthenticated("The sign-in service could not be reached.") from exc
            self._keys = {k.key_id: k.key for k in key_set.keys if k.key_id}
            self._fetched_at = self.clock()


class TokenVerifier:
    """Turns an ``Authorization: Bearer …`` header into a :class:`Principal`."""

    def __init__(self, settings: BaseSettings, keys: SigningKeys | None = None) -> None:
        self.issuer = settings.issuer
        self.audience = settings.user_pool_client_id
        self.keys = keys or SigningKeys(settings.signing_keys_url)

    def principal(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthenticated()
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Use an 'Authorization: Bearer <ID token>' header.")
        claims = self.verify(token.strip())
        return Principal(
            sub=claims["sub"],
            username=claims.get("cognito:username", claims["sub"]),
            groups=frozenset(claims.get("cognito:groups") or ()),
            email=claims.get("email"),
            name=claims.get("name"),
        )

    def verify(self, token: str) -> dict[str, Any]:
        import jwt  # lazily: functions fed by queues and streams never verify a token

        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthenticated("The token is malformed.") from exc
        if header.get("alg") != "RS256":
            raise Unauthenticated("The token must be signed with RS256.")
        key = self.keys.get(str(header.get("kid")))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                leeway=_LEEWAY_S,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated(
                "The session has expired; sign in again.",
                "Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.",
            ) from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"The token is not valid: {exc}.") from exc
        if claims.get("token_use") != "id":
            raise Unauthenticated("An ID token is required.")
        return claims
