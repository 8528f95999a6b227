"""Delivery's settings: the one object read from the environment."""

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
class DeliverySettings(BaseSettings):
    shipments_table: str = env_field("SHIPMENTS_TABLE")
    shipments_stream_arn: str = env_field("SHIPMENTS_STREAM_ARN", LOCAL_STREAM_ARN)
    events_queue: str = env_field("DELIVERY_EVENTS_QUEUE", "motcua-local-delivery-events")
    # The public postal service's booking API (secrets: from Secrets Manager on AWS).
    postal_base_url: str = env_field("POSTAL_BASE_URL", "")
    postal_access_token: Secret = secret_field("POSTAL_ACCESS_TOKEN")
    postal_callback_secret: Secret = secret_field("POSTAL_CALLBACK_SECRET")
    postal_customer_code: str = env_field("POSTAL_CUSTOMER_CODE", "MOTCUA")
    postal_timeout_s: int = env_field("POSTAL_TIMEOUT_S", 10)
    # The one-stop desk: sender of results, receiver of originals.
    desk_name: str = env_field("DESK_NAME", "Bộ phận Một cửa - Sở Y tế tỉnh Khánh Hòa")
    desk_phone: str = env_field("DESK_PHONE", "02583822222")
    desk_address: str = env_field("DESK_ADDRESS", "04 Phan Chu Trinh, Nha Trang, Khánh Hòa")


@cache
def get_settings() -> DeliverySettings:
    return DeliverySettings.from_env()
