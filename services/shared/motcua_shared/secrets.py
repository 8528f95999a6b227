"""Secrets read from AWS Secrets Manager when a call first needs them, never at start.

On AWS a function's environment names a secret by its ARN (``<NAME>_SECRET_ARN``, e.g.
``POSTAL_ACCESS_TOKEN_SECRET_ARN``) instead of carrying its value (``POSTAL_ACCESS_TOKEN``), so
the value appears in neither the template nor the function configuration. Locally and in tests
the plain variable is still used.

A function must start whatever state its secrets are in: most of its routes and events need
none of them. A settings field holds a :class:`Secret` (where to find the value); the value is
read by the one call that needs it, and a secret that is missing, empty, unreadable or not of
the expected shape is a configuration error (:class:`SecretError`, logged as ``ALARM``) that
this call refuses with — never an empty key that would verify anything.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from motcua_shared.aws import client

ARN_SUFFIX = "_SECRET_ARN"
# A value read is kept this long per process (the default of AWS's Parameters and Secrets
# Lambda extension): an operator's new value (README "Deploying to AWS") reaches running
# functions within minutes, at one Secrets Manager call per period.
CACHE_S = 300.0

_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()
_clock: Callable[[], float] = time.monotonic


class SecretError(RuntimeError):
    """A secret a call needs cannot be used: a configuration error, not the caller's fault."""


class SecretUnavailable(SecretError):
    """A secret named by the environment cannot be read (missing, no permission, binary)."""


class SecretNotConfigured(SecretError):
    """A secret is not set, or set to an empty value."""


class SecretMalformed(SecretError):
    """A secret's value is not of the shape its setting expects (e.g. not a JSON object)."""


def secret_value(arn: str) -> str:
    """The current string value of secret ``arn``; fetched on first use, then cached for
    :data:`CACHE_S` seconds."""
    with _lock:
        cached = _cache.get(arn)
        if cached is not None and _clock() - cached[0] < CACHE_S:
            return cached[1]
        try:
            answer = client("secretsmanager").get_secret_value(SecretId=arn)
        except Exception as exc:  # botocore's errors are generated classes
            raise SecretUnavailable(f"secret {arn} cannot be read: {exc}") from exc
        value = answer.get("SecretString")
        if value is None:
            raise SecretUnavailable(f"secret {arn} has no string value")
        _cache[arn] = (_clock(), str(value))
        return str(value)


def forget() -> None:
    """Drop cached values (tests; a rotated secret reaches running functions anyway)."""
    with _lock:
        _cache.clear()


@dataclass(frozen=True)
class Secret:
    """Where a secret setting's value is: a plain value (local runs, tests) or a Secrets
    Manager ARN (AWS). Nothing is read until :meth:`value` or :meth:`mapping` is called; the
    value never appears in ``repr``."""

    name: str
    plain: str | None = field(default=None, repr=False)
    arn: str | None = None

    @classmethod
    def from_environment(cls, name: str, environ: Mapping[str, str]) -> Secret:
        """The plain variable ``name`` wins over ``<name>_SECRET_ARN``."""
        if name in environ:
            return cls(name, plain=environ[name])
        return cls(name, arn=environ.get(name + ARN_SUFFIX) or None)

    @property
    def is_set(self) -> bool:
        """Whether the environment says where the value is (it may still be empty)."""
        return self.plain is not None or self.arn is not None

    def raw(self) -> str | None:
        """The value as stored, empty or not; None if the environment names none."""
        if self.plain is not None:
            return self.plain
        return secret_value(self.arn) if self.arn else None

    def value(self) -> str:
        """The non-empty value, or :class:`SecretError` (logged as ``ALARM``)."""
        try:
            raw = self.raw()
        except SecretUnavailable as exc:
            _alarm(self.name, exc)
            raise
        if raw is None or not raw.strip():
            error = SecretNotConfigured(
                f"{self.name} is not configured"
                + (" (its secret is empty)" if raw is not None else "")
            )
            _alarm(self.name, error)
            raise error
        return raw

    def mapping(self) -> dict[str, str]:
        """The value read as a JSON object of strings (e.g. provider name → secret); entries
        may be empty, which their user treats as not configured."""
        raw = self.value()
        try:
            found = json.loads(raw)
        except ValueError:
            found = None
        if not isinstance(found, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in found.items()
        ):
            error = SecretMalformed(f"{self.name} is not a JSON object of strings")
            _alarm(self.name, error)
            raise error
        return found


def _alarm(name: str, error: SecretError) -> None:
    """An unusable secret stops the calls that need it: say so where operators look."""
    from motcua_shared.logs import get_logger  # Powertools: loaded only when there is news

    get_logger().error(
        "ALARM a secret this call needs is not usable: the call is refused",
        extra={"secret": name, "reason": str(error), "error_type": type(error).__name__},
    )
