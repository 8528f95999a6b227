"""A pass-through in front of moto's S3 for browsers, checking presigned requests as S3 does.

A browser PUTs a file to a presigned URL only after a CORS preflight (``OPTIONS`` with the same
query string). S3 answers preflights from the bucket's CORS rules without looking at the
signature; moto checks the presigned parameters on ``OPTIONS`` too. This proxy sends preflights
to moto without the query string — so moto answers from the bucket's CORS rules, as S3 does.

moto, for its part, serves any presigned URL: a Signature Version 2 URL, an expired one, a body
larger than the size the URL signs. This proxy checks every presigned request as S3 would
(sigv4.py) and answers S3's error when S3 would refuse it; every other request goes to moto
unchanged. The services presign against it (``AWS_ENDPOINT_URL_S3``).
"""

from __future__ import annotations

import http.client
import os
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from infra.local import sigv4

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


class S3CorsProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        upstream: tuple[str, int],
        secrets: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        self.upstream = upstream
        # access key id → secret key, of whoever presigns (the services' credentials)
        self.secrets = dict(secrets or {})

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if isinstance(host, bytes):  # (socketserver's type allows it; AF_INET gives str)
            host = host.decode("ascii")
        return f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: S3CorsProxy
    protocol_version = "HTTP/1.1"
    # The head and the body of an answer go out in two writes; on a kept-alive connection
    # Nagle's algorithm held the body back until the client's delayed ACK (about 40 ms a GET).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        return

    def _refuse(self, rejected: sigv4.Rejected) -> None:
        payload = rejected.xml()
        self.send_response(rejected.status)
        self.send_header("Content-Type", "application/xml")
        if self.headers.get("Origin"):  # S3 answers errors with the bucket's CORS headers too
            self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _check(self) -> None:
        """Raise :class:`sigv4.Rejected` for a presigned request S3 would refuse."""
        path, _, query = self.path.partition("?")
        if self.command == "OPTIONS" or not sigv4.is_presigned(query):
            return
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        sigv4.verify(self.command, path, query, headers, self.server.secrets.get)

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        try:
            self._check()
        except sigv4.Rejected as rejected:
            self._refuse(rejected)
            return
        path = self.path.split("?", 1)[0] if self.command == "OPTIONS" else self.path
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=60)
        try:
            upstream.request(self.command, path, body=body, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
        finally:
            upstream.close()
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        # A HEAD answer has no body but tells the object's size (what intake checks uploads by).
        told = response.getheader("Content-Length") if self.command == "HEAD" else None
        self.send_header("Content-Length", told or str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_OPTIONS = _forward


def start(
    host: str, port: int, upstream: tuple[str, int], secrets: Mapping[str, str] | None = None
) -> S3CorsProxy:
    """Start the pass-through in a thread; it checks presigned requests against ``secrets``
    (by default the credentials of this process's environment, which the services sign with)."""
    if secrets is None:
        secrets = {os.environ["AWS_ACCESS_KEY_ID"]: os.environ["AWS_SECRET_ACCESS_KEY"]}
    proxy = S3CorsProxy((host, port), upstream, secrets)
    threading.Thread(target=proxy.serve_forever, name="s3-cors-proxy", daemon=True).start()
    return proxy
