"""Delivery receipts are signed with a secret shared with each provider's forwarder:
``X-Motcua-Signature: sha256=<hex HMAC-SHA256 of the raw body>``."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "x-motcua-signature"
PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str | None) -> bool:
    """Constant-time check of the signature header against the body."""
    if not secret or not signature:
        return False
    # As bytes: compare_digest refuses str with non-ASCII characters (a forged header may have).
    return hmac.compare_digest(sign(secret, body).encode(), signature.strip().encode())
