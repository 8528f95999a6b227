"""Payment's settings: the one object read from the environment."""

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
class PaymentSettings(BaseSettings):
    payments_table: str = env_field("PAYMENTS_TABLE")
    payments_stream_arn: str = env_field("PAYMENTS_STREAM_ARN", LOCAL_STREAM_ARN)
    events_queue: str = env_field("PAYMENT_EVENTS_QUEUE", "motcua-local-payment-events")
    # VNPay merchant account (the hash secret: from Secrets Manager on AWS).
    vnpay_tmn_code: str = env_field("VNPAY_TMN_CODE", "")
    vnpay_hash_secret: Secret = secret_field("VNPAY_HASH_SECRET")
    vnpay_pay_url: str = env_field("VNPAY_PAY_URL", "")
    vnpay_api_url: str = env_field("VNPAY_API_URL", "")
    # How long a payment link stays valid, and when an unanswered payment is reconciled.
    payment_ttl_s: int = env_field("PAYMENT_TTL_S", 15 * 60)
    reconcile_after_s: int = env_field("RECONCILE_AFTER_S", 15 * 60)
    # A new click reuses the pending attempt while its URL stays valid at least this long.
    payment_reuse_min_s: int = env_field("PAYMENT_REUSE_MIN_S", 2 * 60)
    # Our server's address as VNPay sees it (vnp_IpAddr of status queries).
    server_ip: str = env_field("SERVER_IP", "127.0.0.1")

    @property
    def vnpay_return_url(self) -> str:
        return f"{self.public_base_url}/payment/vnpay/return"


@cache
def get_settings() -> PaymentSettings:
    return PaymentSettings.from_env()
