"""The secrets the services read at run time (motcua_shared.secrets): created with a generated
placeholder of the shape each service reads, given their real values by the operator (README),
never written into a template.

A placeholder must be readable by the service: a function that parses its secret as JSON gets a
JSON placeholder (Secrets Manager's generator fills one key of a JSON template), whose entries
are empty, so that the one route needing them answers "not configured" until the operator sets
them. A plain secret gets a random string, which matches no outside party's: what it signs is
refused until the real value is set.
"""

from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.cdk.config import StageConfig
from infra.cdk.nag import suppress

# environment variable the service reads -> (owning service, what the operator puts there)
SECRETS: dict[str, tuple[str, str]] = {
    "VNPAY_HASH_SECRET": ("payment", "VNPay merchant hash secret (vnp_HashSecret)"),
    "POSTAL_ACCESS_TOKEN": ("delivery", "post office booking API token"),
    "POSTAL_CALLBACK_SECRET": ("delivery", "secret signing the post office's status callbacks"),
    "NOTIFY_RECEIPT_SECRETS": (
        "notify",
        'JSON {"ses": "...", "sns": "..."}: secrets signing delivery receipts',
    ),
}

# The secrets read as JSON (Secret.mapping()): the template of their placeholder. Its entries are
# empty (not configured); Secrets Manager's generator needs one key to fill, which no service reads.
JSON_PLACEHOLDERS: dict[str, dict[str, str]] = {
    "NOTIFY_RECEIPT_SECRETS": {"ses": "", "sns": ""},
}
PLACEHOLDER_KEY = "placeholder"


def placeholder(env: str) -> secretsmanager.SecretStringGenerator:
    """How Secrets Manager generates the first value of the secret read from ``env``."""
    template = JSON_PLACEHOLDERS.get(env)
    if template is None:
        return secretsmanager.SecretStringGenerator()
    return secretsmanager.SecretStringGenerator(
        secret_string_template=json.dumps(template), generate_string_key=PLACEHOLDER_KEY
    )


class SecretStore(Construct):
    def __init__(self, scope: Construct, id: str, *, stage: StageConfig) -> None:
        super().__init__(scope, id)
        removal = RemovalPolicy.RETAIN if stage.retain_data else RemovalPolicy.DESTROY
        self.secrets: dict[str, secretsmanager.Secret] = {}
        for env, (service, description) in SECRETS.items():
            secret = secretsmanager.Secret(
                self,
                env.lower(),
                secret_name=f"motcua/{stage.name}/{env.lower().replace('_', '-')}",
                description=f"motcua {service}: {description}",
                generate_secret_string=placeholder(env),
                removal_policy=removal,
            )
            suppress(
                secret,
                (
                    "AwsSolutions-SMG4",
                    "Issued by an outside party (VNPay, the post office, the SMS/e-mail "
                    "providers) and changed together with them; no rotation function can.",
                ),
            )
            self.secrets[env] = secret

    def of(self, service: str) -> dict[str, secretsmanager.Secret]:
        """The secrets a service reads, by environment variable name."""
        return {env: self.secrets[env] for env, (owner, _) in SECRETS.items() if owner == service}
