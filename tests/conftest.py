"""Environment shared by every test: a fake AWS account, never a real one."""

from __future__ import annotations

import os

import pytest

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

# `make test` runs two pytest workers (xdist, --dist loadgroup): the tests that drive a local stack
# over HTTP (e2e, browser) share one worker, so no two stacks compete for the two cores, while the
# in-process unit and service tests run on the other.
SERIAL_GROUPS = {"e2e": "stack", "browser": "stack", "cdk": "cdk"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = item.nodeid.split("/")
        group = SERIAL_GROUPS.get(parts[1]) if len(parts) > 2 and parts[0] == "tests" else None
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
