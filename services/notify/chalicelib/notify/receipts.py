"""Delivery receipts are signed with a secret shared with each provider's forwarder:
``X-Motcua-Signature: sha256=<hex HMAC-SHA256 of the raw body>``."""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.notify.errors import ReceiptsNotConfigured
from motcua_shared.secrets import Secret, SecretError

SIGNATURE_HEADER = "x-motcua-signature"
PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str | None) -> bool:
    """Constant-time check of the signature header against the body; an empty secret verifies
    nothing (anyone can compute an HMAC with an empty key)."""
    if not secret or not signature:
        return False
    # As bytes: compare_digest refuses str with non-ASCII characters (a forged header may have).
    return hmac.compare_digest(sign(secret, body).encode(), signature.strip().encode())


class ReceiptKeys:
    """The secret of each provider's receipts, from one setting holding a JSON object
    ``{provider: secret}``, read when a receipt arrives (not when notify starts: its other
    functions do not need it)."""

    def __init__(self, setting: Secret) -> None:
        self.setting = setting

    def of(self, provider: str) -> str:
        """The provider's non-empty secret, or :class:`ReceiptsNotConfigured`."""
        try:
            secret = self.setting.mapping().get(provider, "")
        except SecretError:  # logged as ALARM where it was found
            raise ReceiptsNotConfigured(provider=provider) from None
        if not secret.strip():
            from motcua_shared.logs import get_logger

            get_logger("notify").error(
                "ALARM no secret signs this provider's receipts: they are refused",
                extra={"secret": self.setting.name, "provider": provider},
            )
            raise ReceiptsNotConfigured(provider=provider)
        return secret
