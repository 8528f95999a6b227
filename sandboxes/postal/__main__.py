"""Run the post office sandbox until SIGINT or SIGTERM.

python -m sandboxes.postal --host 127.0.0.1 --port 8020 \\
    --callback-url http://127.0.0.1:8000/delivery/postal/callback --advance-interval-s 5
(secrets: --access-token / --callback-secret, or $POSTAL_SANDBOX_ACCESS_TOKEN /
$POSTAL_SANDBOX_CALLBACK_SECRET)
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from .server import PostalSandbox


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandboxes.postal",
        description="A post office (Vietnam Post) sandbox: bookings and status callbacks.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8020, help="port to listen on (8020; 0 = any)")
    parser.add_argument(
        "--access-token",
        default=os.environ.get("POSTAL_SANDBOX_ACCESS_TOKEN", ""),
        help="the Bearer token bookings must carry (default: $POSTAL_SANDBOX_ACCESS_TOKEN)",
    )
    parser.add_argument(
        "--callback-secret",
        default=os.environ.get("POSTAL_SANDBOX_CALLBACK_SECRET", ""),
        help="the HMAC-SHA256 key of SignData (default: $POSTAL_SANDBOX_CALLBACK_SECRET)",
    )
    parser.add_argument(
        "--callback-url",
        default="http://127.0.0.1:8000/delivery/postal/callback",
        help="where status callbacks are POSTed ('' = never send them)",
    )
    parser.add_argument(
        "--advance-interval-s",
        type=float,
        default=5.0,
        help="seconds between a shipment's automatic status moves (5; 0 = only on demand)",
    )
    parser.add_argument(
        "--callback-retries", type=int, default=3, help="retries of a failed callback (3)"
    )
    parser.add_argument(
        "--callback-retry-delay",
        type=float,
        default=0.5,
        help="seconds between callback retries (0.5)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if not args.access_token:
        parser.error("--access-token (or $POSTAL_SANDBOX_ACCESS_TOKEN) is required")
    if not args.callback_secret:
        parser.error("--callback-secret (or $POSTAL_SANDBOX_CALLBACK_SECRET) is required")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        server = PostalSandbox(
            args.host,
            args.port,
            access_token=args.access_token,
            callback_secret=args.callback_secret,
            callback_url=args.callback_url,
            advance_interval_s=args.advance_interval_s,
            callback_retries=args.callback_retries,
            callback_retry_delay=args.callback_retry_delay,
            quiet=args.quiet,
        )
    except (OSError, ValueError) as exc:
        print(f"Post office sandbox: cannot start: {exc}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    thread = threading.Thread(target=server.serve_forever, name="postal-sandbox", daemon=True)
    thread.start()
    print(f"Post office sandbox on {server.base_url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
