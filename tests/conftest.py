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

# `make test` runs two pytest workers (xdist). The tests that drive a local stack over HTTP
# (e2e, browser) go to one worker as one unit, so no two stacks compete for the two cores, and so
# do the CDK tests (one synthesis, one build directory); the in-process unit and service tests are
# shared out one by one. The reliability suite is one unit with its own stack, beside them.
# (xdist's own --dist loadgroup did not group here: pytest 9, xdist 3.8.)
SERIAL_GROUPS = {"e2e": "stack", "browser": "stack", "cdk": "cdk", "reliability": "reliability"}


def serial_group(nodeid: str) -> str | None:
    parts = nodeid.split("/")
    return SERIAL_GROUPS.get(parts[1]) if len(parts) > 2 and parts[0] == "tests" else None


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return serial_group(nodeid) or nodeid

    return Scheduling(config, log)
