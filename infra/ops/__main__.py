"""Operators' commands.

    python -m infra.ops dlq list    --queue notify [--json]
    python -m infra.ops dlq redrive --queue notify (--message-id ID [--message-id ID ...] | --all)
    python -m infra.ops streams list   --service intake [--json]
    python -m infra.ops streams replay --service intake (--message-id ID ... | --all)
    python -m infra.ops refunds list   [--json]

``--queue`` names the consuming service (intake, payment, delivery, notify); ``--service`` the
service whose table's stream records were given up on (infra/ops/streams.py); ``refunds`` lists
the money payment took for fees no longer owed (infra/ops/refunds.py). By default the
commands act on the local stack (``.local/stack.json``, written by ``make run``); with ``--aws``
(or ``--stage`` / ``--endpoint``) on a deployment, with names from infra/resources.py and
credentials and region from the environment. ``make redrive QUEUE=notify [IDS="ID ..."|IDS=all]``
runs them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from infra.ops.dlq import DeadLetter, DeadLetterQueue, Location, default_stack_file
from infra.ops.refunds import refunds_due
from infra.ops.streams import StreamFailures
from infra.resources import SERVICES


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m infra.ops", description=__doc__.split("\n")[0])
    commands = root.add_subparsers(dest="area", required=True)
    dlq = commands.add_parser("dlq", help="dead-letter queues")
    actions = dlq.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="what sits in a service's dead-letter queue, and why")
    redrive = actions.add_parser("redrive", help="move messages back to the service's queue")
    streams = commands.add_parser("streams", help="stream records given up on")
    stream_actions = streams.add_subparsers(dest="action", required=True)
    stream_list = stream_actions.add_parser("list", help="where the failed records are")
    replay = stream_actions.add_parser("replay", help="hand the records to the function again")
    refunds = commands.add_parser("refunds", help="money taken for fees no longer owed")
    refund_actions = refunds.add_subparsers(dest="action", required=True)
    refund_list = refund_actions.add_parser("list", help="the payments to pay back, and why")
    for command in (listing, redrive, stream_list, replay, refund_list):
        if command in (listing, redrive):
            command.add_argument("--queue", required=True, choices=SERVICES, help="consumer")
        elif command is not refund_list:
            command.add_argument("--service", required=True, choices=SERVICES, help="its table")
        command.add_argument("--stack", type=Path, help="stack.json of a local stack")
        command.add_argument("--aws", action="store_true", help="a deployment, not the local stack")
        command.add_argument("--stage", help="deployment stage (default: $MOTCUA_STAGE)")
        command.add_argument("--endpoint", help="AWS endpoint (default: $AWS_ENDPOINT_URL)")
        command.add_argument("--region", help="default: $AWS_DEFAULT_REGION")
        command.add_argument("--json", action="store_true", help="machine-readable output")
    for command in (redrive, replay):
        chosen = command.add_mutually_exclusive_group(required=True)
        chosen.add_argument("--message-id", action="append", default=[], help="repeat for several")
        chosen.add_argument("--all", action="store_true", help="every message of the queue")
    return root


def location(args: argparse.Namespace) -> Location:
    if args.aws or args.stage or args.endpoint:
        return Location.from_environment(
            stage=args.stage or os.environ.get("MOTCUA_STAGE", "dev"),
            region=args.region or os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-1"),
            endpoint=args.endpoint or os.environ.get("AWS_ENDPOINT_URL"),
        )
    path = args.stack or default_stack_file()
    if not path.exists():
        raise SystemExit(f"{path} not found: start the local stack (make run), or pass --aws")
    return Location.from_stack_file(path)


def print_letters(letters: list[DeadLetter], queue: str) -> None:
    print(f"{queue}: {len(letters)} message(s)")
    if not letters:
        return
    rows = [("MESSAGE ID", "EVENT TYPE", "DOSSIER", "RECEIVES", "FIRST FAILURE")]
    rows += [
        (m.message_id, m.event_type, m.dossier_id, str(m.receive_count), m.first_reason)
        for m in letters
    ]
    print_table(rows)


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])), row[-1])


def streams_main(args: argparse.Namespace) -> int:
    failures = StreamFailures.of(location(args), args.service)
    name = failures.queue_url.rsplit("/", 1)[-1]
    if args.action == "list":
        found = failures.failures()
        if args.json:
            print(json.dumps([f.to_dict() for f in found], indent=2))
            return 0
        print(f"{name}: {len(found)} message(s)")
        if found:
            rows = [("MESSAGE ID", "SHARD", "FIRST SEQUENCE", "RECORDS", "ATTEMPTS", "FAILED AT")]
            rows += [
                (f.message_id, f.shard_id, f.start, str(f.batch_size), str(f.attempts), f.failed_at)
                for f in found
            ]
            print_table(rows)
        return 0
    report = failures.replay(None if args.all else args.message_id)
    if args.json:
        print(json.dumps(vars(report), indent=2))
    else:
        for message_id, count in report.replayed.items():
            print(f"replayed {message_id}: {count} record(s) taken")
        for message_id in report.expired:
            print(f"no longer in the stream (24 h): {message_id}", file=sys.stderr)
        for message_id, why in report.failed.items():
            print(f"failed again: {message_id}: {why}", file=sys.stderr)
        for message_id in report.missing:
            print(f"not in {name}: {message_id}", file=sys.stderr)
        print(f"{len(report.replayed)} replayed, {len(report.expired) + len(report.failed)} not")
    return 0 if report.complete else 1


def refunds_main(args: argparse.Namespace) -> int:
    found = refunds_due(location(args))
    if args.json:
        print(json.dumps([r.to_dict() for r in found], ensure_ascii=False, indent=2))
        return 0
    total = sum(r.amount_vnd for r in found)
    print(f"{len(found)} payment(s) to pay back, {total:,} VND".replace(",", "."))
    if found:
        rows = [("TXN REF", "DOSSIER", "AMOUNT (VND)", "PAID AT", "BANK TXN", "WHY")]
        rows += [
            (
                r.txn_ref,
                r.dossier_code or r.dossier_id,
                f"{r.amount_vnd:,}".replace(",", "."),
                r.paid_at or "?",
                r.transaction_no or "?",
                r.reason,
            )
            for r in found
        ]
        print_table(rows)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.area == "streams":
        return streams_main(args)
    if args.area == "refunds":
        return refunds_main(args)
    queue = DeadLetterQueue.of(location(args), args.queue)
    if args.action == "list":
        letters = queue.messages()
        if args.json:
            print(json.dumps([m.to_dict() for m in letters], ensure_ascii=False, indent=2))
        else:
            print_letters(letters, queue.dlq_url.rsplit("/", 1)[-1])
        return 0
    report = queue.redrive(None if args.all else args.message_id)
    if args.json:
        print(
            json.dumps(
                {"moved": report.moved, "missing": report.missing, "failed": report.failed},
                indent=2,
            )
        )
    else:
        target = queue.source_url.rsplit("/", 1)[-1]
        for old, new in report.moved.items():
            print(f"moved {old} → {target} (now {new})")
        for message_id in report.missing:
            print(f"not in the dead-letter queue: {message_id}", file=sys.stderr)
        for message_id, why in report.failed.items():
            print(f"not moved: {message_id}: {why}", file=sys.stderr)
        print(f"{len(report.moved)} moved, {len(report.missing) + len(report.failed)} not")
    return 0 if report.complete else 1


if __name__ == "__main__":
    sys.exit(main())
