"""Environment shared by every test: a fake AWS account, never a real one."""

from __future__ import annotations

import os

from infra.resources import RESOURCES

STAGE = "test"

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "MOTCUA_STAGE": STAGE,
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)
for _table in RESOURCES.tables:
    os.environ.setdefault(_table.env_var, _table.name(STAGE))
for _bucket in RESOURCES.buckets:
    os.environ.setdefault(_bucket.env_var, _bucket.name(STAGE))
