"""`make run`: start moto, create every resource, run the four services, the event pump and the
gateway; write .local/stack.json; stop everything on Ctrl-C.

Environment: MOTCUA_GATEWAY_PORT (8000), MOTCUA_MOTO_PORT (5000), MOTCUA_VNPAY_PORT (8010),
MOTCUA_POSTAL_PORT (8020), MOTCUA_POSTAL_ADVANCE_S (10: how often the post office sandbox moves
shipments on), MOTCUA_STATE_DIR (.local), MOTCUA_HOST (127.0.0.1), MOTCUA_SCHEDULE_INTERVAL_S (60).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from infra.local import s3cors
from infra.local.apps import ROOT, load_app
from infra.local.bootstrap import DEMO_PASSWORD, DEMO_USERS, Stack, create_all
from infra.resources import RESOURCES, SERVICES

STAGE = "local"
REGION = "ap-southeast-1"
log = logging.getLogger("motcua.local")


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def start_moto(host: str, port: int, log_file: Path) -> subprocess.Popen[bytes]:
    # moto's server, with the fix in motofix.py (transactions that copy only their own items)
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.motofix", "-H", host, "-p", str(port)],
        stdout=log_file.open("wb"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"moto server exited; see {log_file}")
        try:
            urllib.request.urlopen(f"http://{host}:{port}/moto-api/", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("moto server did not start within 30 s")


VNPAY_TMN_CODE = "MOTCUA01"


def start_sandbox(
    module: str, args: list[str], env: dict[str, str], host: str, port: int, log_file: Path
) -> subprocess.Popen[bytes]:
    """An outside party's stand-in, as its own process (it shares no code with the product)."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, "--host", host, "--port", str(port), *args],
        stdout=log_file.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{module} exited; see {log_file}")
        if not port_is_free(host, port):
            return process
        time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"{module} did not start within 20 s")


def aws_environment(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }


def main() -> int:
    logging.basicConfig(
        level=os.environ.get("MOTCUA_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    for noisy in ("botocore", "pynamodb", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    host = os.environ.get("MOTCUA_HOST", "127.0.0.1")
    gateway_port = int(os.environ.get("MOTCUA_GATEWAY_PORT", "8000"))
    moto_port = int(os.environ.get("MOTCUA_MOTO_PORT", "5000"))
    vnpay_port = int(os.environ.get("MOTCUA_VNPAY_PORT", "8010"))
    postal_port = int(os.environ.get("MOTCUA_POSTAL_PORT", "8020"))
    state_dir = Path(os.environ.get("MOTCUA_STATE_DIR", ROOT / ".local"))
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "stack.json").unlink(missing_ok=True)
    ports = (
        (moto_port, "MOTCUA_MOTO_PORT"),
        (gateway_port, "MOTCUA_GATEWAY_PORT"),
        (vnpay_port, "MOTCUA_VNPAY_PORT"),
        (postal_port, "MOTCUA_POSTAL_PORT"),
    )
    for port, what in ports:
        if not port_is_free(host, port):
            print(
                f"Port {port} on {host} is in use: stop what uses it or set {what}.",
                file=sys.stderr,
            )
            return 1

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())

    endpoint = f"http://{host}:{moto_port}"
    gateway_url = f"http://{host}:{gateway_port}"
    vnpay_secret = secrets.token_hex(16)
    vnpay_url = f"http://{host}:{vnpay_port}"
    os.environ.update(
        {
            "VNPAY_TMN_CODE": VNPAY_TMN_CODE,
            "VNPAY_HASH_SECRET": vnpay_secret,
            "VNPAY_PAY_URL": f"{vnpay_url}/paymentv2/vpcpay.html",
            "VNPAY_API_URL": f"{vnpay_url}/merchant_webapi/api/transaction",
            "POSTAL_BASE_URL": f"http://{host}:{postal_port}",
            "POSTAL_ACCESS_TOKEN": secrets.token_hex(16),
            "POSTAL_CALLBACK_SECRET": secrets.token_hex(16),
            # fresh per run, like the others: whoever forwards receipts reads stack.json
            "NOTIFY_RECEIPT_SECRETS": json.dumps(
                {p: secrets.token_hex(16) for p in RESOURCES.messaging.receipt_providers}
            ),
        }
    )
    started: list[subprocess.Popen[bytes]] = []
    try:
        started.append(start_moto(host, moto_port, state_dir / "moto.log"))
        ipn_url = f"{gateway_url}/payment/vnpay/ipn"
        log_file = state_dir / "vnpay.log"
        started.append(
            start_sandbox(
                "sandboxes.vnpay",
                ["--tmn-code", VNPAY_TMN_CODE, "--ipn-url", ipn_url],
                {"VNPAY_SANDBOX_HASH_SECRET": vnpay_secret},
                host,
                vnpay_port,
                log_file,
            )
        )
        started.append(
            start_sandbox(
                "sandboxes.postal",
                [
                    "--callback-url",
                    f"{gateway_url}/delivery/postal/callback",
                    "--advance-interval-s",
                    os.environ.get("MOTCUA_POSTAL_ADVANCE_S", "10"),
                ],
                {
                    "POSTAL_SANDBOX_ACCESS_TOKEN": os.environ["POSTAL_ACCESS_TOKEN"],
                    "POSTAL_SANDBOX_CALLBACK_SECRET": os.environ["POSTAL_CALLBACK_SECRET"],
                },
                host,
                postal_port,
                state_dir / "postal.log",
            )
        )
        os.environ.update(aws_environment(endpoint))
        import boto3

        session = boto3.session.Session(region_name=REGION)
        stack = create_all(session, STAGE)
        os.environ.update(stack.environment())
        os.environ["JWKS_URL"] = f"{endpoint}/{stack.user_pool_id}/.well-known/jwks.json"
        os.environ["PUBLIC_BASE_URL"] = gateway_url
        # Browsers upload to presigned S3 URLs; see s3cors.py for why they go through a proxy.
        s3_proxy = s3cors.start(host, int(os.environ.get("MOTCUA_S3_PORT", "0")), (host, moto_port))
        os.environ["AWS_ENDPOINT_URL_S3"] = s3_proxy.url
        return serve(session, stack, host, gateway_port, endpoint, gateway_url, state_dir, stopping)
    finally:
        for process in reversed(started):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def serve(
    session: Any,
    stack: Stack,
    host: str,
    gateway_port: int,
    endpoint: str,
    gateway_url: str,
    state_dir: Path,
    stopping: threading.Event,
) -> int:
    from infra.local.gateway import LOCAL_SECRET_HEADER, Gateway
    from infra.local.pump import EventPump, QueuePoller, SchedulePoller, StreamPoller

    # Scheduled functions run this often locally (their AWS rate is in each app).
    schedule_interval_s = float(os.environ.get("MOTCUA_SCHEDULE_INTERVAL_S", "60"))
    # Lambda runs several instances of a queue's consumer at once; so does the local pump.
    queue_concurrency = max(1, int(os.environ.get("MOTCUA_QUEUE_CONCURRENCY", "3")))

    apps = {service: load_app(service).app for service in SERVICES}
    pump = EventPump()
    # One client per AWS service for every poller thread: a connection each, not urllib3's 10.
    from botocore.config import Config

    pool = Config(max_pool_connections=64)
    streams = session.client("dynamodbstreams", config=pool)
    sqs = session.client("sqs", config=pool)
    for service, app in apps.items():
        table = RESOURCES.table_of(service)
        queue = RESOURCES.queue_of(service)
        for source in app.event_sources:
            handler = app.handler_map[source.name]
            if hasattr(source, "stream_arn"):
                pump.add(
                    StreamPoller(
                        streams,
                        stack.stream_arns[table.logical_name],
                        handler,
                        source.batch_size,
                        failures=(sqs, stack.stream_failure_urls[service]),
                        max_retries=table.stream_max_retries,
                    )
                )
            elif hasattr(source, "schedule_expression"):
                pump.add(SchedulePoller(f"{service}-{source.name}", handler, schedule_interval_s))
            elif hasattr(source, "queue"):
                for worker in range(queue_concurrency):
                    pump.add(
                        QueuePoller(
                            sqs,
                            stack.queue_urls[service],
                            stack.queue_arns[service],
                            handler,
                            min(source.batch_size, queue.batch_size),
                            stack.region,
                            worker=worker,
                        )
                    )
    web_config = {
        "region": stack.region,
        "user_pool_id": stack.user_pool_id,
        "user_pool_client_id": stack.user_pool_client_id,
        "cognito_endpoint": endpoint,
    }
    # /_local/functions answers only callers that read this run's secret from stack.json.
    invoke_secret = secrets.token_urlsafe(32)
    gateway = Gateway(
        (host, gateway_port),
        apps,
        ROOT / "web",
        web_config,
        invoke_secret=invoke_secret,
        connect_sources=(endpoint, os.environ["AWS_ENDPOINT_URL_S3"]),
    )
    threading.Thread(target=gateway.serve_forever, name="gateway", daemon=True).start()
    pump.start()

    vnpay_base_url = os.environ["VNPAY_PAY_URL"].rsplit("/paymentv2/", 1)[0]
    postal_base_url = os.environ["POSTAL_BASE_URL"]
    state = {
        "gateway_url": gateway_url,
        "aws_endpoint": endpoint,
        "s3_endpoint": os.environ["AWS_ENDPOINT_URL_S3"],
        "region": stack.region,
        "stage": stack.stage,
        "user_pool_id": stack.user_pool_id,
        "user_pool_client_id": stack.user_pool_client_id,
        "tables": stack.tables,
        "queues": stack.queue_urls,
        "dead_letter_queues": stack.dlq_urls,
        "stream_failures": stack.stream_failure_urls,
        "buckets": stack.buckets,
        "vnpay": {
            "tmn_code": os.environ["VNPAY_TMN_CODE"],
            "hash_secret": os.environ["VNPAY_HASH_SECRET"],
            "pay_base_url": vnpay_base_url,
        },
        "postal": {
            "callback_secret": os.environ["POSTAL_CALLBACK_SECRET"],
            "access_token": os.environ["POSTAL_ACCESS_TOKEN"],
            "base_url": postal_base_url,
        },
        "notify": {"receipt_secrets": json.loads(os.environ["NOTIFY_RECEIPT_SECRETS"])},
        "apis": {service: f"{gateway_url}/{service}" for service in SERVICES},
        "local_functions": {
            "url": f"{gateway_url}/_local/functions",
            "headers": {LOCAL_SECRET_HEADER: invoke_secret},
        },
        "demo_users": [
            {"username": u.username, "password": DEMO_PASSWORD, "group": u.group}
            for u in DEMO_USERS
        ],
    }
    state_file = state_dir / "stack.json"
    tmp = state_file.with_suffix(".tmp")
    tmp.touch(mode=0o600)  # secrets: for the developer's account only
    tmp.chmod(0o600)
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    tmp.replace(state_file)
    print(
        "\nmotcua is running.\n"
        f"  Web portal:     {gateway_url}/\n"
        + "".join(f"  {s + ' API:':<15} {gateway_url}/{s}/openapi.json\n" for s in SERVICES)
        + f"  VNPay sandbox:  {vnpay_base_url}\n"
        + f"  Post office:    {postal_base_url}\n"
        + f"  Local AWS:      {endpoint}  (sent SMS/e-mail: {endpoint}/moto-api/data.json)\n"
        f"  Stack details:  {state_file}\n"
        f"  Demo accounts:  {', '.join(u.username for u in DEMO_USERS)}"
        f" (password {DEMO_PASSWORD})\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
    try:
        while not stopping.wait(0.5):
            pass
    finally:
        print("Stopping…", flush=True)
        gateway.shutdown()
        gateway.server_close()
        pump.stop()
        state_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
