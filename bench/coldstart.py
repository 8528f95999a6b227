"""Cold start: the import time of each function's handler module (``services/<svc>/app.py``) in a
fresh interpreter, next to ``import boto3`` measured in the same run, as a ratio.

Every sample is a new ``python`` process that takes a monotonic timestamp, imports the module (as
Lambda does: ``app.py`` at the root of the package, ``chalicelib`` beside it) and prints the elapsed
time; the interpreter's own start-up is not counted. Runs alternate between the candidates so that
drift of the machine affects all of them alike. ``-X importtime`` of one more run names the
top-level imports that dominate.

Two more figures per function, so that the ratio is not read for more than it is:
- ``with_contract``: the import, then what the first request with a body or the first event
  loads on top of it (pydantic, the event contract, the body models: deferred, not avoided).
- ``packaged``: when ``make synth`` has built the deployment zips (infra/cdk/cdk.out), the
  import from the unpacked zip with bytecode writing off (Lambda's /var/task is read-only),
  as shipped (with bytecode) and with the bytecode removed (every module compiled at start).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from infra.cdk.packaging import packages_of
from infra.local.bootstrap import Stack
from infra.resources import RESOURCES, SERVICES

ROOT = Path(__file__).resolve().parents[1]
REGION = "ap-southeast-1"
TARGET_RATIO = 1.5

# Imports the handler module as Lambda's runtime imports ``app`` (the package root on sys.path).
SNIPPET = """
import sys, time
t0 = time.perf_counter()
{body}
print(time.perf_counter() - t0)
"""
APP_BODY = """
import importlib.util
sys.path.insert(0, {path!r})
spec = importlib.util.spec_from_file_location("app", {file!r})
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
"""


def function_environment() -> dict[str, str]:
    """What a deployed function gets (Stack.environment()), with plausible names and ARNs."""
    account, stage = "123456789012", "bench"
    stack = Stack(stage=stage, region=REGION)
    for table in RESOURCES.tables:
        stack.tables[table.logical_name] = table.name(stage)
        if table.stream:
            stack.stream_arns[table.logical_name] = (
                f"arn:aws:dynamodb:{REGION}:{account}:table/{table.name(stage)}"
                "/stream/2026-01-01T00:00:00.000"
            )
    for queue in RESOURCES.queues:
        base = f"https://sqs.{REGION}.amazonaws.com/{account}/"
        stack.queue_urls[queue.consumer] = base + queue.name(stage)
        stack.dlq_urls[queue.consumer] = base + queue.dlq_name(stage)
        stack.queue_arns[queue.consumer] = f"arn:aws:sqs:{REGION}:{account}:{queue.name(stage)}"
    for bucket in RESOURCES.buckets:
        stack.buckets[bucket.logical_name] = bucket.name(stage)
    stack.user_pool_id = f"{REGION}_AbCdEf123"
    stack.user_pool_client_id = "1example23456789client0id"
    return {
        **stack.environment(),
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": REGION,
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "VNPAY_TMN_CODE": "MOTCUA01",
        "VNPAY_HASH_SECRET": "BENCH-SECRET-0123456789",
        "VNPAY_PAY_URL": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
        "VNPAY_API_URL": "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
        "POSTAL_BASE_URL": "https://postal.example.vn",
        "POSTAL_ACCESS_TOKEN": "bench-token",
        "POSTAL_CALLBACK_SECRET": "bench-callback-secret",
        "NOTIFY_RECEIPT_SECRETS": json.dumps({"ses": "bench-ses", "sns": "bench-sns"}),
    }


def clean_env() -> dict[str, str]:
    """A deployed function's environment, nothing of this shell's but PATH, HOME and locale."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(function_environment())
    return env  # bytecode written by the warm-up run, as a package would ship it


# What a first request with a body, or a first event, imports on top of the handler module.
CONTRACT_BODY = """
import motcua_shared.events.registry
import chalicelib.{service}.schemas
"""
CONTRACT = "+contract"


def candidates() -> dict[str, str]:
    """name -> code to import: bare boto3, each service's handler module, and each handler
    module followed by what it defers (``<service>+contract``)."""
    bodies = {"boto3": "import boto3"}
    for service in SERVICES:
        path = str(ROOT / "services" / service)
        bodies[service] = APP_BODY.format(
            path=path, file=str(ROOT / "services" / service / "app.py")
        )
        bodies[service + CONTRACT] = bodies[service] + CONTRACT_BODY.format(service=service)
    return bodies


def _run(
    code: str, env: dict[str, str], extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, *extra, "-c", SNIPPET.format(body=code)],
        env=env,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def sample(code: str, env: dict[str, str]) -> float:
    done = _run(code, env)
    if done.returncode != 0:
        raise RuntimeError(f"import failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def dominant_imports(code: str, env: dict[str, str], top: int = 6) -> list[dict[str, Any]]:
    """The packages that cost most, by the summed self time of their modules (one run of
    ``-X importtime``; a model-building module of ours counts its pydantic schema work)."""
    done = _run(code, env, ("-X", "importtime"))
    totals: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = IMPORTTIME.match(line)
        if match:
            root = match.group(4).split(".")[0]
            totals[root] = totals.get(root, 0) + int(match.group(1))
    ranked = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return [{"module": name, "ms": round(us / 1000, 1)} for name, us in ranked]


def _medians(bodies: dict[str, str], env: dict[str, str], runs: int) -> dict[str, list[float]]:
    for code in bodies.values():  # warm the page cache and write the .pyc files first
        sample(code, env)
    samples: dict[str, list[float]] = {name: [] for name in bodies}
    for _ in range(runs):
        for name, code in bodies.items():
            samples[name].append(sample(code, env))
    return samples


def measure(runs: int = 7) -> dict[str, Any]:
    env = clean_env()
    bodies = candidates()
    samples = _medians(bodies, env, runs)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    base = medians["boto3"]
    packaged = measure_packaged(runs)
    functions = {}
    for service in SERVICES:
        ratio = medians[service] / base
        functions[service] = {
            "median_s": round(medians[service], 4),
            "min_s": round(min(samples[service]), 4),
            "max_s": round(max(samples[service]), 4),
            "ratio_to_boto3": round(ratio, 2),
            "target_met": ratio <= TARGET_RATIO,
            "with_contract_s": round(medians[service + CONTRACT], 4),
            "with_contract_ratio": round(medians[service + CONTRACT] / base, 2),
            "dominant_imports": dominant_imports(bodies[service], env),
            "packaged": packaged.get(service),
        }
    return {
        "runs": runs,
        "boto3_median_s": round(base, 4),
        "boto3_min_s": round(min(samples["boto3"]), 4),
        "target_ratio": TARGET_RATIO,
        "functions": functions,
    }


CDK_OUT = ROOT / "infra" / "cdk" / "cdk.out"
PACKAGED_BODY = "sys.path.insert(0, {path!r})\nimport app"


def measure_packaged(runs: int) -> dict[str, dict[str, Any]]:
    """Each deployment zip unpacked, imported as shipped and with its bytecode removed."""
    zips = packages_of(CDK_OUT / "motcua-dev.template.json")
    if not zips:
        return {}
    env = {**clean_env(), "PYTHONDONTWRITEBYTECODE": "1"}
    work = Path(tempfile.mkdtemp(prefix="motcua-coldstart-"))
    try:
        bodies = {"boto3": "import boto3"}
        for service, package in zips.items():
            shipped, sources = work / service, work / f"{service}-sources"
            with zipfile.ZipFile(package) as archive:
                archive.extractall(shipped)
            shutil.copytree(shipped, sources, ignore=shutil.ignore_patterns("__pycache__"))
            bodies[service] = PACKAGED_BODY.format(path=str(shipped))
            bodies[f"{service}-sources"] = PACKAGED_BODY.format(path=str(sources))
        samples = _medians(bodies, env, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = statistics.median(samples["boto3"])
    result = {}
    for service in zips:
        shipped_s = statistics.median(samples[service])
        sources_s = statistics.median(samples[f"{service}-sources"])
        result[service] = {
            "median_s": round(shipped_s, 4),
            "ratio_to_boto3": round(shipped_s / base, 2),
            "without_bytecode_s": round(sources_s, 4),
            "without_bytecode_ratio": round(sources_s / base, 2),
        }
    return result


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5), indent=2))
