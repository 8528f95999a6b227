"""Notify's settings: the one object read from the environment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from motcua_shared.settings import LOCAL_STREAM_ARN, BaseSettings, env_field


@dataclass(frozen=True, kw_only=True)
class NotifySettings(BaseSettings):
    notifications_table: str = env_field("NOTIFICATIONS_TABLE")
    notifications_stream_arn: str = env_field("NOTIFICATIONS_STREAM_ARN", LOCAL_STREAM_ARN)
    events_queue: str = env_field("NOTIFY_EVENTS_QUEUE", "motcua-local-notify-events")


@cache
def get_settings() -> NotifySettings:
    return NotifySettings.from_env()
