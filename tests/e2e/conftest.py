"""The local stack, started exactly as `make run` starts it, for tests that drive it over HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class RunningStack:
    def __init__(
        self, state: dict[str, Any], process: subprocess.Popen[bytes], ports: tuple[int, int]
    ):
        self.state = state
        self.process = process
        self.ports = ports
        self.url = state["gateway_url"]
        self.session = boto3.session.Session(
            aws_access_key_id="local",
            aws_secret_access_key="local",
            region_name=state["region"],
        )

    def aws(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.state["aws_endpoint"])

    @cache  # noqa: B019 - one token per user for the whole run
    def token(self, username: str) -> str:
        user = next(u for u in self.state["demo_users"] if u["username"] == username)
        result = self.aws("cognito-idp").initiate_auth(
            ClientId=self.state["user_pool_client_id"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": user["password"]},
        )
        return str(result["AuthenticationResult"]["IdToken"])

    def call(
        self, method: str, path: str, user: str | None = None, body: Any = None
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        return requests.request(method, self.url + path, json=body, headers=headers, timeout=30)

    def invoke(self, service: str, function: str, event: Any) -> requests.Response:
        """``aws lambda invoke`` on the local stack: the gateway's /_local/functions, with the
        run's secret from stack.json."""
        functions = self.state["local_functions"]
        return requests.post(
            f"{functions['url']}/{service}/{function}",
            json=event,
            headers=functions["headers"],
            timeout=30,
        )


def start_stack(state_dir: Path) -> RunningStack:
    gateway_port, moto_port = free_port(), free_port()
    env = {
        **os.environ,
        "MOTCUA_GATEWAY_PORT": str(gateway_port),
        "MOTCUA_MOTO_PORT": str(moto_port),
        "MOTCUA_VNPAY_PORT": str(free_port()),
        "MOTCUA_POSTAL_PORT": str(free_port()),
        "MOTCUA_POSTAL_ADVANCE_S": "0",  # the tests move shipments on demand
        "MOTCUA_STATE_DIR": str(state_dir),
    }
    for name in ("AWS_ENDPOINT_URL", "DOSSIERS_TABLE", "ATTACHMENTS_BUCKET", "EVENT_ROUTES"):
        env.pop(name, None)
    log = (state_dir / "stack.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    state_file = state_dir / "stack.json"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the local stack did not start:\n" + (state_dir / "stack.log").read_text())
        time.sleep(0.2)
    return RunningStack(json.loads(state_file.read_text()), process, (gateway_port, moto_port))


def stop_stack(running: RunningStack) -> int:
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGINT)
    return running.process.wait(30)


# One stack for the e2e package, stopped after its last test (not at the end of the session): the
# backlog it leaves must not slow the tests that run after it on the same worker.
@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    stop_stack(running)
