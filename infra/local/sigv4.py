"""Checking a presigned S3 request as S3 does: Signature Version 4 in the query string.

moto accepts any presigned URL; S3 does not. The local S3 pass-through (s3cors.py) checks each
presigned request with this module, so that the local stack refuses what AWS would refuse:

- a URL signed with Signature Version 2 (``AWSAccessKeyId=…&Signature=…``): buckets created since
  June 2020 accept only Signature Version 4;
- an expired URL (``X-Amz-Date`` + ``X-Amz-Expires`` passed);
- a request whose signed parts differ from what was signed — method, path, query, and the value
  of every header named in ``X-Amz-SignedHeaders`` (a ``Content-Length`` other than the one
  signed: a larger file than declared; a dropped ``If-None-Match``) — or that carries an
  ``x-amz-*`` header that was not signed.

Written from AWS's description of the algorithm ("Authenticating Requests: Using Query Parameters
(AWS Signature Version 4)", Amazon S3 API Reference) and checked against its worked example
(tests/unit/test_sigv4.py); it shares no code with botocore, which signs the URLs.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


@dataclass(frozen=True)
class Rejected(Exception):
    """What S3 answers a presigned request it refuses (status, error code, message)."""

    status: int
    code: str
    message: str

    def xml(self) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{self.code}</Code><Message>{self.message}</Message></Error>"
        ).encode()


def _encode(value: str) -> str:
    """URI-encode every byte except the unreserved characters (A-Z a-z 0-9 - _ . ~)."""
    return quote(value, safe="-_.~")


def _query(raw: str) -> list[tuple[str, str]]:
    """The decoded query parameters, in order ('+' is a plus sign, as S3 reads it)."""
    pairs = []
    for part in raw.split("&") if raw else []:
        name, _, value = part.partition("=")
        pairs.append((unquote(name), unquote(value)))
    return pairs


def is_presigned(raw_query: str) -> bool:
    names = {name for name, _ in _query(raw_query)}
    return "X-Amz-Signature" in names or {"Signature", "AWSAccessKeyId"} <= names


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signature(
    secret_key: str,
    method: str,
    path: str,
    params: list[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: list[str],
    amz_date: str,
    scope: str,
    payload_hash: str = UNSIGNED_PAYLOAD,
) -> str:
    """The hex signature of a request: ``path`` as sent (already URI-encoded, S3 does not
    normalise it), ``params`` decoded and without X-Amz-Signature, ``headers`` by lower-case
    name."""
    query = "&".join(
        f"{k}={v}" for k, v in sorted((_encode(name), _encode(value)) for name, value in params)
    )
    canonical_headers = "".join(
        f"{name}:{' '.join(headers[name].split())}\n" for name in signed_headers
    )
    canonical = "\n".join(
        [method, path, query, canonical_headers, ";".join(signed_headers), payload_hash]
    )
    to_sign = "\n".join(
        [ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    date, region, service, terminal = scope.split("/")
    key = _hmac(("AWS4" + secret_key).encode(), date)
    for part in (region, service, terminal):
        key = _hmac(key, part)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def verify(
    method: str,
    path: str,
    raw_query: str,
    headers: Mapping[str, str],
    secret_for: Callable[[str], str | None],
    now: datetime | None = None,
) -> None:
    """Raise :class:`Rejected` unless the presigned request is one S3 would serve; ``headers``
    by lower-case name (several of a name joined with ','), ``secret_for`` the secret key of an
    access key id (None: unknown)."""
    params = _query(raw_query)
    given = dict(params)
    if "X-Amz-Signature" not in given:
        raise Rejected(
            400,
            "InvalidRequest",
            "The authorization mechanism you have provided is not supported. "
            "Please use AWS4-HMAC-SHA256.",
        )
    try:
        algorithm = given["X-Amz-Algorithm"]
        access_key, scope = given["X-Amz-Credential"].split("/", 1)
        amz_date = given["X-Amz-Date"]
        issued = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        expires = int(given["X-Amz-Expires"])
        signed_headers = given["X-Amz-SignedHeaders"].split(";")
    except (KeyError, ValueError) as exc:
        raise Rejected(400, "AuthorizationQueryParametersError", f"Bad query: {exc}") from exc
    if algorithm != ALGORITHM:
        raise Rejected(400, "AuthorizationQueryParametersError", "Unknown X-Amz-Algorithm.")
    if (now or datetime.now(UTC)) > issued + timedelta(seconds=expires):
        raise Rejected(403, "AccessDenied", "Request has expired")
    secret = secret_for(access_key)
    if secret is None:
        raise Rejected(403, "InvalidAccessKeyId", "The AWS Access Key Id does not exist.")
    unsigned = sorted(n for n in headers if n.startswith("x-amz-") and n not in signed_headers)
    if unsigned:
        raise Rejected(
            403,
            "AccessDenied",
            "There were headers present in the request which were not signed: "
            + ", ".join(unsigned),
        )
    if any(name not in headers for name in signed_headers):
        raise Rejected(403, "SignatureDoesNotMatch", "A signed header is missing.")
    expected = signature(
        secret,
        method,
        path,
        [(k, v) for k, v in params if k != "X-Amz-Signature"],
        headers,
        signed_headers,
        amz_date,
        scope,
        given.get("X-Amz-Content-Sha256", UNSIGNED_PAYLOAD),
    )
    if not hmac.compare_digest(expected, given["X-Amz-Signature"]):
        raise Rejected(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
