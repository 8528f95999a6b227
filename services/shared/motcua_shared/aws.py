"""AWS clients, created once per process (Lambda reuses them across invocations).

Endpoints come from the standard environment (``AWS_ENDPOINT_URL`` locally, nothing on AWS).
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service_name: str) -> Any:
    """A boto3 client for ``service_name``, shared by the whole process."""
    import boto3  # imported on first use: not every cold start needs it

    return boto3.session.Session().client(service_name)
