"""Intake's settings: the one object read from the environment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from motcua_shared.settings import LOCAL_STREAM_ARN, BaseSettings, env_field


@dataclass(frozen=True, kw_only=True)
class IntakeSettings(BaseSettings):
    dossiers_table: str = env_field("DOSSIERS_TABLE")
    stats_table: str = env_field("STATS_TABLE")
    events_queue: str = env_field("INTAKE_EVENTS_QUEUE", "motcua-local-intake-events")
    dossiers_stream_arn: str = env_field("DOSSIERS_STREAM_ARN", LOCAL_STREAM_ARN)
    attachments_bucket: str = env_field("ATTACHMENTS_BUCKET")
    results_bucket: str = env_field("RESULTS_BUCKET")
    # An upload URL is good for this long (S3 checks it when the upload starts): 5 minutes.
    upload_url_ttl_s: int = env_field("UPLOAD_URL_TTL_S", 300)
    # "key=value": uploads of a draft carry it; a lifecycle rule expires them if never submitted
    attachments_draft_tag: str = env_field("ATTACHMENTS_BUCKET_DRAFT_TAG", "")
    download_url_ttl_s: int = env_field("DOWNLOAD_URL_TTL_S", 300)
    calendar_cache_s: int = env_field("CALENDAR_CACHE_S", 60)
    # How long a process keeps the catalogue (with the administrator's edits) before re-reading.
    catalog_cache_s: int = env_field("CATALOG_CACHE_S", 30)
    # How far ahead the deadline watcher looks (working days are at most a few calendar days).
    deadline_lookahead_days: int = env_field("DEADLINE_LOOKAHEAD_DAYS", 7)
    max_attachment_bytes: int = env_field("MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
    attachment_content_types: list[str] = env_field(
        "ATTACHMENT_CONTENT_TYPES", ["application/pdf", "image/jpeg", "image/png"]
    )
    page_size: int = env_field("PAGE_SIZE", 20)


@cache
def get_settings() -> IntakeSettings:
    return IntakeSettings.from_env()
