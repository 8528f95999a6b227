"""`make bench`: run the four measurements, write bench/results.json and print a table.

Environment: BENCH_JOURNEYS (20), BENCH_CONCURRENCY (10), BENCH_COLDSTART_RUNS (7).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from bench import coldstart, dossier_cost, load

RESULTS = Path(__file__).resolve().parent / "results.json"


def table(results: dict[str, Any]) -> str:
    lines: list[str] = []
    cold = results["cold_start"]
    lines.append(
        f"Cold start (import of app.py, median of {cold['runs']}; "
        f"`import boto3` = {cold['boto3_median_s'] * 1000:.0f} ms; "
        f"target ≤ {cold['target_ratio']}×)"
    )
    lines.append(
        "| function | import ms | × boto3 | target | + contract ms (×) "
        "| packaged ms (×) | packaged, no bytecode ms (×) | heaviest imports |"
    )
    lines.append("|---|---:|---:|---|---:|---:|---:|---|")
    for name, f in cold["functions"].items():
        heavy = ", ".join(f"{d['module']} {d['ms']:.0f}" for d in f["dominant_imports"][:4])
        met = "met" if f["target_met"] else "missed"
        contract = f"{f['with_contract_s'] * 1000:.0f} ({f['with_contract_ratio']:.2f})"
        pkg = f.get("packaged")
        shipped = f"{pkg['median_s'] * 1000:.0f} ({pkg['ratio_to_boto3']:.2f})" if pkg else "–"
        sources = (
            f"{pkg['without_bytecode_s'] * 1000:.0f} ({pkg['without_bytecode_ratio']:.2f})"
            if pkg
            else "–"
        )
        lines.append(
            f"| {name} | {f['median_s'] * 1000:.0f} | {f['ratio_to_boto3']:.2f} | {met} "
            f"| {contract} | {shipped} | {sources} | {heavy} |"
        )
    cost = results["requests_per_dossier"]
    lines.append("")
    lines.append(
        f"Requests per dossier: {cost['aws_calls_total']} AWS calls "
        f"({cost['notifications']['citizen_sent']} citizen notifications sent); "
        f"DynamoDB {cost['dynamodb_units']['read_request_units']} RRU, "
        f"{cost['dynamodb_units']['write_request_units']} WRU"
    )
    lines.append("| AWS service | calls | USD per 1 M dossiers |")
    lines.append("|---|---:|---:|")
    usd = cost["usd_per_million_dossiers"]
    for service, ops in cost["aws_calls_by_service"].items():
        key = {"sns": "sns_sms"}.get(service, service)
        lines.append(f"| {service} | {sum(ops.values())} | {usd.get(key, 0.0):,.2f} |")
    for extra in ("lambda_requests", "api_gateway"):
        lines.append(f"| {extra} | | {usd[extra]:,.2f} |")
    lines.append(f"| total (without SMS) | | {usd['total_without_sms']:,.2f} |")
    lines.append(f"| total | | {usd['total']:,.2f} |")
    run = results["local_stack"]
    flow = run["throughput"]
    lines.append("")
    lines.append(
        f"Throughput: {flow['completed']}/{flow['journeys']} journeys, {flow['concurrency']} at a "
        f"time, {flow['journeys_per_s']} journeys/s; moto raw sequential PutItem "
        f"{run['raw_sequential_put_item']['writes_per_s']}/s; lost/duplicated: "
        f"{'none' if flow['checks']['ok'] else flow['checks']['lost_or_duplicated']}"
    )
    lines.append("| clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    lines.append("|---:|---:|---:|---:|---:|---:|---|")
    for r in run["latency"]:
        a = r["all_ms"]
        lines.append(
            f"| {r['clients']} | {r['requests']} | {r['requests_per_s']} | {a['p50']} | "
            f"{a['p95']} | {a['p99']} | {sum(r['errors'].values())} |"
        )
    return "\n".join(lines)


def main() -> int:
    journeys = int(os.environ.get("BENCH_JOURNEYS", "20"))
    concurrency = int(os.environ.get("BENCH_CONCURRENCY", "10"))
    runs = int(os.environ.get("BENCH_COLDSTART_RUNS", "7"))
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    print("cold start …", file=sys.stderr)
    results["cold_start"] = coldstart.measure(runs)
    print("requests per dossier …", file=sys.stderr)
    results["requests_per_dossier"] = dossier_cost.measure()
    print("local stack: throughput and latency …", file=sys.stderr)
    results["local_stack"] = load.measure(journeys, concurrency)
    results["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(table(results))
    print(f"\n(bench/results.json; {results['seconds']} s)")
    ok = results["local_stack"]["throughput"]["checks"]["ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
