"""VNPay's signing rule (version 2.1.0), implemented here on its own from VNPay's PHP sample.

Payment URL, IPN and return: every ``vnp_*`` parameter except ``vnp_SecureHash`` and
``vnp_SecureHashType``, sorted by key, joined as ``urlencode(key)=urlencode(value)`` with ``&``
(PHP ``urlencode``), then hex HMAC-SHA512 with the merchant's hash secret.
querydr: hex HMAC-SHA512 over the field values joined by ``|``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence

HASH_PARAM = "vnp_SecureHash"
HASH_TYPE_PARAM = "vnp_SecureHashType"

# Field order of the querydr request and response signatures.
QUERYDR_REQUEST_FIELDS: tuple[str, ...] = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS: tuple[str, ...] = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def php_urlencode(value: str) -> str:
    """PHP's ``urlencode`` of the UTF-8 bytes: space → ``+``; all but ``A-Za-z0-9-_.`` → ``%XX``."""
    out: list[str] = []
    for byte in value.encode("utf-8"):
        if byte in _UNRESERVED:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def signed_data(params: Mapping[str, str]) -> str:
    """The exact string VNPay signs: sorted ``vnp_*`` parameters, empty values left out."""
    items = sorted(
        (key, value)
        for key, value in params.items()
        if key.startswith("vnp_") and key not in (HASH_PARAM, HASH_TYPE_PARAM) and value != ""
    )
    return "&".join(f"{php_urlencode(key)}={php_urlencode(value)}" for key, value in items)


def _hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], secret: str) -> str:
    """``vnp_SecureHash`` of ``params``: lowercase hex HMAC-SHA512 of :func:`signed_data`."""
    return _hmac_sha512(secret, signed_data(params))


def verify(params: Mapping[str, str], secret: str) -> bool:
    """Whether ``params[vnp_SecureHash]`` is the right signature (hex case does not matter)."""
    given = params.get(HASH_PARAM)
    if not given:
        return False
    expected = sign(params, secret)
    return hmac.compare_digest(expected.encode("ascii"), given.lower().encode("utf-8"))


def signed(params: Mapping[str, str], secret: str) -> dict[str, str]:
    """A copy of ``params`` (without any old hash) with ``vnp_SecureHash`` added last."""
    out = {k: v for k, v in params.items() if k not in (HASH_PARAM, HASH_TYPE_PARAM)}
    out[HASH_PARAM] = sign(out, secret)
    return out


def build_query(params: Mapping[str, str]) -> str:
    """A query string as VNPay writes it: keys sorted, PHP-urlencoded, ``vnp_SecureHash`` last."""
    items = sorted((k, v) for k, v in params.items() if k != HASH_PARAM)
    if HASH_PARAM in params:
        items.append((HASH_PARAM, params[HASH_PARAM]))
    return "&".join(f"{php_urlencode(k)}={php_urlencode(v)}" for k, v in items)


def querydr_signature(fields: Sequence[str], secret: str) -> str:
    """querydr (request or response) signature: hex HMAC-SHA512 of the values joined by ``|``."""
    return _hmac_sha512(secret, "|".join(fields))
