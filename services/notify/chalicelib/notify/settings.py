"""Notify's settings: the one object read from the environment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from motcua_shared.secrets import Secret
from motcua_shared.settings import (
    LOCAL_STREAM_ARN,
    BaseSettings,
    env_field,
    secret_field,
)


@dataclass(frozen=True, kw_only=True)
class NotifySettings(BaseSettings):
    notifications_table: str = env_field("NOTIFICATIONS_TABLE")
    notifications_stream_arn: str = env_field("NOTIFICATIONS_STREAM_ARN", LOCAL_STREAM_ARN)
    events_queue: str = env_field("NOTIFY_EVENTS_QUEUE", "motcua-local-notify-events")
    # The SES identity (verified) that e-mails come from, and the name shown with it.
    email_sender_address: str = env_field("NOTIFY_EMAIL_SENDER", "no-reply@motcua.example.vn")
    email_sender_name: str = env_field("NOTIFY_EMAIL_SENDER_NAME", "Một cửa điện tử Sở Y tế")
    # The registered SMS brandname (sender id), at most 11 letters or digits.
    sms_sender_id: str = env_field("NOTIFY_SMS_SENDER_ID", "SOYTE")
    # JSON {provider name: shared secret that signs its delivery receipts} (Secrets Manager
    # on AWS); read by the receipts route only, so that no other notify function depends on it
    receipt_secrets: Secret = secret_field("NOTIFY_RECEIPT_SECRETS")
    max_attempts: int = env_field("NOTIFY_MAX_ATTEMPTS", 5)
    retry_base_delay_s: int = env_field("NOTIFY_RETRY_BASE_DELAY_S", 30)
    notification_retention_s: int = env_field("NOTIFY_RETENTION_S", 400 * 24 * 3600)
    directory_cache_s: int = env_field("NOTIFY_DIRECTORY_CACHE_S", 300)


@cache
def get_settings() -> NotifySettings:
    return NotifySettings.from_env()
