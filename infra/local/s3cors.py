"""A pass-through in front of moto's S3 for browsers.

A browser PUTs a file to a presigned URL only after a CORS preflight (``OPTIONS`` with the same
query string). S3 answers preflights from the bucket's CORS rules without looking at the
signature; moto checks the presigned parameters on ``OPTIONS`` too and answers 403
``SignatureDoesNotMatch`` when the URL signs a Content-Type (the preflight carries none). This
proxy sends preflights to moto without the query string — so moto answers from the bucket's CORS
rules, as S3 does — and every other request unchanged. The services presign against it
(``AWS_ENDPOINT_URL_S3``); nothing else differs from talking to moto directly.
"""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


class S3CorsProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], upstream: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.upstream = upstream

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: S3CorsProxy
    protocol_version = "HTTP/1.1"
    # The head and the body of an answer go out in two writes; on a kept-alive connection
    # Nagle's algorithm held the body back until the client's delayed ACK (about 40 ms a GET).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        return

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
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
        length = response.getheader("Content-Length") if self.command == "HEAD" else None
        self.send_header("Content-Length", length or str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_OPTIONS = _forward


def start(host: str, port: int, upstream: tuple[str, int]) -> S3CorsProxy:
    proxy = S3CorsProxy((host, port), upstream)
    threading.Thread(target=proxy.serve_forever, name="s3-cors-proxy", daemon=True).start()
    return proxy
