"""Stage configuration of the AWS deployment: what differs between ``dev`` and ``prod``.

Everything else (tables, queues, routes, buckets, groups) comes from infra/resources.py.
The account comes from the environment (CDK_DEFAULT_ACCOUNT) so that nothing is looked up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

REGION = "ap-southeast-1"


@dataclass(frozen=True)
class StageConfig:
    name: str
    # The one API domain (base paths /intake, /payment, /delivery, /notify) and the portal's.
    api_domain: str
    web_domain: str
    # ACM certificates issued before the first deploy (README): regional for the API,
    # us-east-1 for CloudFront. Placeholders here; `make deploy` passes the real ones.
    api_certificate_arn: str
    web_certificate_arn: str
    alarm_email: str
    log_retention_days: int
    api_rate_limit: float
    api_burst_limit: int
    # How many batches each service's queue consumer handles at once: the maximum concurrency
    # of its SQS event source mapping (2-1000), which protects a downstream (the post office,
    # VNPay, SES/SNS send rates). Not reserved concurrency: a function held below its mapping's
    # pollers is throttled, and throttled receives count toward maxReceiveCount, so messages
    # would reach the DLQ unprocessed (AWS Lambda developer guide, "Configuring scaling
    # behavior for SQS event source mappings"). Every consumer must be listed.
    consumer_concurrency: dict[str, int] = field(default_factory=dict)
    # Where the outside parties are, for the functions' settings (not secrets: those are in
    # Secrets Manager). Empty means not configured: the route that needs it answers 503 and
    # logs ALARM. From the deploying shell (README "Deploying to AWS"), see _partners().
    partners: dict[str, str] = field(default_factory=dict)
    # prod keeps its data when the stack is deleted; dev cleans up.
    retain_data: bool = False
    # Attachments of a draft never submitted are deleted after this many days.
    abandoned_draft_days: int = 90
    region: str = REGION

    @property
    def account(self) -> str:
        return os.environ.get("CDK_DEFAULT_ACCOUNT", "123456789012")

    @property
    def stack_name(self) -> str:
        return f"motcua-{self.name}"


def _certificate(region: str, name: str) -> str:
    account = os.environ.get("CDK_DEFAULT_ACCOUNT", "123456789012")
    return os.environ.get(
        f"MOTCUA_{name.upper()}_CERTIFICATE_ARN",
        f"arn:aws:acm:{region}:{account}:certificate/00000000-0000-0000-0000-{name:0>12}",
    )


# VNPay's test environment (its integration guide, "Thông tin cấu hình" of the sandbox).
VNPAY_SANDBOX = {
    "VNPAY_PAY_URL": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
    "VNPAY_API_URL": "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
}


def _partners(defaults: dict[str, str]) -> dict[str, str]:
    """VNPAY_TMN_CODE, VNPAY_PAY_URL, VNPAY_API_URL, POSTAL_BASE_URL and POSTAL_CUSTOMER_CODE
    from MOTCUA_<name> in the deploying shell, else ``defaults``, else empty."""
    names = ("VNPAY_TMN_CODE", "VNPAY_PAY_URL", "VNPAY_API_URL", "POSTAL_BASE_URL")
    found = {name: os.environ.get(f"MOTCUA_{name}", defaults.get(name, "")) for name in names}
    customer = os.environ.get("MOTCUA_POSTAL_CUSTOMER_CODE", defaults.get("POSTAL_CUSTOMER_CODE"))
    return found | ({"POSTAL_CUSTOMER_CODE": customer} if customer else {})


STAGES: dict[str, StageConfig] = {
    "dev": StageConfig(
        name="dev",
        api_domain="api.dev.motcua.example.vn",
        web_domain="dev.motcua.example.vn",
        api_certificate_arn=_certificate(REGION, "api"),
        web_certificate_arn=_certificate("us-east-1", "web"),
        alarm_email="ops-dev@motcua.example.vn",
        log_retention_days=14,
        api_rate_limit=20,
        api_burst_limit=40,
        consumer_concurrency={"intake": 5, "payment": 2, "delivery": 2, "notify": 2},
        partners=_partners(VNPAY_SANDBOX),
    ),
    "prod": StageConfig(
        name="prod",
        api_domain="api.motcua.example.vn",
        web_domain="motcua.example.vn",
        api_certificate_arn=_certificate(REGION, "api"),
        web_certificate_arn=_certificate("us-east-1", "web"),
        alarm_email="ops@motcua.example.vn",
        log_retention_days=365,
        api_rate_limit=100,
        api_burst_limit=200,
        # Post office and SMS/e-mail providers limit request rates: at most this many
        # concurrent consumers per service.
        consumer_concurrency={"intake": 20, "payment": 5, "delivery": 5, "notify": 5},
        partners=_partners({}),  # production addresses come with the merchant contract
        retain_data=True,
    ),
}


def selected_stages() -> list[StageConfig]:
    """The stages to synthesize: MOTCUA_DEPLOY_STAGE=dev|prod, or both.

    Not MOTCUA_STAGE: that is the services' own setting (and the tests set it)."""
    wanted = os.environ.get("MOTCUA_DEPLOY_STAGE", "")
    if not wanted:
        return list(STAGES.values())
    if wanted not in STAGES:
        raise SystemExit(f"unknown stage {wanted!r}: one of {', '.join(STAGES)}")
    return [STAGES[wanted]]
