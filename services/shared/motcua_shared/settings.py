"""One settings object per function, read from the environment and nowhere else.

Each service subclasses :class:`BaseSettings` with its own fields. A field names its environment
variable in its metadata (``env_field("NAME", default)``); values are converted to the field's type.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from typing import Any, Self, get_type_hints

from motcua_shared.secrets import Secret


class SettingsError(RuntimeError):
    """A required setting is missing or cannot be read."""


_MISSING = object()

# Chalice needs an event source ARN when the app is imported; deployments set the real one.
LOCAL_STREAM_ARN = "arn:aws:dynamodb:ap-southeast-1:000000000000:table/local/stream/local"


def env_field(name: str, default: Any = _MISSING) -> Any:
    """Declare a settings field read from environment variable ``name``."""
    return _field({"env": name}, default)


def _field(metadata: dict[str, Any], default: Any) -> Any:
    if default is _MISSING:
        return dataclasses.field(metadata=metadata)
    if isinstance(default, dict | list):
        return dataclasses.field(default_factory=lambda: default.copy(), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def secret_field(name: str) -> Any:
    """Declare a settings field of type :class:`~motcua_shared.secrets.Secret`: environment
    variable ``name`` or, when only ``<name>_SECRET_ARN`` is set (on AWS), that Secrets Manager
    secret. Nothing is read when the settings are: the call that needs the value reads it (a
    function starts whatever state its secrets are in)."""
    return dataclasses.field(
        default_factory=lambda: Secret(name), metadata={"env": name, "secret": True}
    )


def _convert(raw: str, target: Any, name: str) -> Any:
    try:
        if target is int:
            return int(raw)
        if target is bool:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if target in (dict, list) or getattr(target, "__origin__", None) in (dict, list):
            return json.loads(raw) if raw else target.__origin__()
        return raw
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"{name} cannot be read: {exc}") from exc


@dataclasses.dataclass(frozen=True, kw_only=True)
class BaseSettings:
    """Settings every service shares."""

    service: str = env_field("POWERTOOLS_SERVICE_NAME", "motcua")
    stage: str = env_field("MOTCUA_STAGE", "local")
    region: str = env_field("AWS_DEFAULT_REGION", "ap-southeast-1")
    user_pool_id: str = env_field("USER_POOL_ID", "")
    user_pool_client_id: str = env_field("USER_POOL_CLIENT_ID", "")
    # Where the user pool publishes its signing keys; derived from the pool on AWS.
    jwks_url: str = env_field("JWKS_URL", "")
    # event type -> queue URLs of the subscribing services (built from infra/resources.py)
    event_routes: dict[str, list[str]] = env_field("EVENT_ROUTES", {})
    # Public address of the portal, used in links people receive.
    public_base_url: str = env_field("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
    # How long a consumer remembers an applied event (its inbox record).
    inbox_retention_s: int = env_field("INBOX_RETENTION_S", 30 * 24 * 3600)
    # The event queues' maxReceiveCount (infra/resources.py): the last attempt before the DLQ.
    max_receive_count: int = env_field("MAX_RECEIVE_COUNT", 5)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        environ = os.environ if environ is None else environ
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            env = f.metadata.get("env")
            if env is None:
                continue
            if f.metadata.get("secret"):
                values[f.name] = Secret.from_environment(env, environ)
                continue
            raw = environ.get(env)
            if raw is not None:
                values[f.name] = _convert(raw, hints[f.name], env)
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise SettingsError(f"{env} must be set")
        return cls(**values)

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def signing_keys_url(self) -> str:
        return self.jwks_url or f"{self.issuer}/.well-known/jwks.json"
