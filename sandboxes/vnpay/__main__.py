"""Run the VNPay sandbox until SIGINT or SIGTERM.

python -m sandboxes.vnpay --host 127.0.0.1 --port 8010 --tmn-code MOTCUA01 \\
    --hash-secret SECRET --ipn-url http://127.0.0.1:8000/payment/vnpay/ipn
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from .server import VnpaySandbox


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sandboxes.vnpay", description="A VNPay-compatible payment gateway sandbox."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8010, help="port to listen on (8010; 0 = any)")
    parser.add_argument("--tmn-code", default="MOTCUA01", help="the merchant's vnp_TmnCode")
    parser.add_argument(
        "--hash-secret",
        default=os.environ.get("VNPAY_SANDBOX_HASH_SECRET", ""),
        help="the merchant's hash secret (default: $VNPAY_SANDBOX_HASH_SECRET)",
    )
    parser.add_argument(
        "--ipn-url",
        default="http://127.0.0.1:8000/payment/vnpay/ipn",
        help="the merchant's IPN endpoint ('' = never call it)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)
    if not args.hash_secret:
        parser.error("--hash-secret (or $VNPAY_SANDBOX_HASH_SECRET) is required")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        server = VnpaySandbox(
            args.host, args.port, args.tmn_code, args.hash_secret, args.ipn_url, quiet=args.quiet
        )
    except (OSError, ValueError) as exc:
        print(f"VNPay sandbox: cannot start: {exc}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    thread = threading.Thread(target=server.serve_forever, name="vnpay-sandbox", daemon=True)
    thread.start()
    print(f"VNPay sandbox on {server.base_url}", flush=True)
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
