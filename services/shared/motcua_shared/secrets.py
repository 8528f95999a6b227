"""Secrets read from AWS Secrets Manager at run time, once per process.

On AWS a function's environment names a secret by its ARN (``<NAME>_SECRET_ARN``, e.g.
``POSTAL_ACCESS_TOKEN_SECRET_ARN``) instead of carrying its value (``POSTAL_ACCESS_TOKEN``), so
the value appears in neither the template nor the function configuration. Locally and in tests
the plain variable is still used.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from motcua_shared.aws import client

ARN_SUFFIX = "_SECRET_ARN"

_cache: dict[str, str] = {}
_lock = threading.Lock()


class SecretUnavailable(RuntimeError):
    """A secret named by the environment cannot be read (missing, no permission, binary)."""


def secret_value(arn: str) -> str:
    """The current string value of secret ``arn``; fetched on first use, then cached."""
    with _lock:
        if arn in _cache:
            return _cache[arn]
        try:
            answer = client("secretsmanager").get_secret_value(SecretId=arn)
        except Exception as exc:  # botocore's errors are generated classes
            raise SecretUnavailable(f"secret {arn} cannot be read: {exc}") from exc
        value = answer.get("SecretString")
        if value is None:
            raise SecretUnavailable(f"secret {arn} has no string value")
        _cache[arn] = value
        return str(value)


def from_environment(name: str, environ: Mapping[str, str]) -> str | None:
    """``environ[name]`` if set, else the secret that ``environ[name + "_SECRET_ARN"]`` names,
    else None."""
    if name in environ:
        return environ[name]
    arn = environ.get(name + ARN_SUFFIX)
    return secret_value(arn) if arn else None


def forget() -> None:
    """Drop cached values (tests; a rotated secret reaches new processes anyway)."""
    with _lock:
        _cache.clear()
