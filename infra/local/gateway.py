"""The local API Gateway: one port, each service's API under its base path, the web app at ``/``.

Like a custom domain with base path mappings, ``/intake/dossiers`` reaches the intake API as
``/dossiers``. Requests become API Gateway proxy events (Chalice's LocalGateway does the route
matching) and the Chalice app is invoked as its Lambda function would be: one request at a time
per function instance, so each app is guarded by a lock.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

from infra.local.lambda_context import LambdaContext

log = logging.getLogger("motcua.gateway")
LOCAL_INVOKE_PREFIX = "_local"


class MountedApi:
    def __init__(self, app: Any) -> None:
        self.gateway = LocalGateway(app, Config.create(chalice_app=app, lambda_timeout=30))
        self.lock = threading.Lock()

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Any:
        with self.lock:
            return self.gateway.handle_request(method, path, headers, body)


class Gateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        apis: dict[str, Any],
        web_root: Path,
        config: dict[str, Any],
        invoke_functions: bool = False,
    ) -> None:
        self.apps = apis
        self.invoke_functions = invoke_functions
        self.apis = {prefix: MountedApi(app) for prefix, app in apis.items()}
        self.web_root = web_root.resolve()
        self.web_config = config
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Gateway
    protocol_version = "HTTP/1.1"
    # The head and the body of an answer go out in two writes; on a kept-alive connection (a
    # browser's) Nagle's algorithm held the body back until the client's delayed ACK: ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        prefix, _, rest = self.path.lstrip("/").partition("/")
        if prefix == LOCAL_INVOKE_PREFIX and self.server.invoke_functions:
            self._invoke(rest, body)
            return
        api = self.server.apis.get(prefix.split("?")[0])
        if api is None:
            self._static()
            return
        headers = dict(self.headers.items())
        try:
            response = api.handle(self.command, "/" + rest, headers, body)
        except LocalGatewayException as exc:
            self._send(exc.CODE, exc.headers, exc.body or b"")
            return
        except Exception:
            log.exception("gateway error")
            self._send(502, {"Content-Type": "application/json"}, b'{"message": "Bad Gateway"}')
            return
        payload = response.get("body") or b""
        if response.get("isBase64Encoded"):
            import base64

            payload = base64.b64decode(payload)
        elif isinstance(payload, str):
            payload = payload.encode("utf-8")
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = ", ".join(values)
        self._send(response["statusCode"], headers, payload)

    def _invoke(self, rest: str, body: bytes | None) -> None:
        """``POST /_local/functions/<service>/<function>`` with an event: what ``aws lambda
        invoke`` does, for operators and tests of the local stack (never mounted on AWS)."""
        parts = rest.split("/")
        app = (
            self.server.apps.get(parts[1]) if len(parts) == 3 and parts[0] == "functions" else None
        )
        handler = app.handler_map.get(parts[2]) if app is not None else None
        if self.command != "POST" or handler is None:
            self._send(
                404, {"Content-Type": "application/json"}, b'{"message": "No such function"}'
            )
            return
        try:
            event = json.loads(body or b"{}")
            result = handler(event, LambdaContext(function_name=f"{parts[1]}-{parts[2]}"))
        except Exception as exc:
            log.exception("function %s failed", rest)
            payload = {"errorType": type(exc).__name__, "errorMessage": str(exc)}
            self._send(500, {"Content-Type": "application/json"}, json.dumps(payload).encode())
            return
        self._send(
            200, {"Content-Type": "application/json"}, json.dumps(result, default=str).encode()
        )

    def _static(self) -> None:
        path = self.path.split("?")[0]
        if path == "/config.json":
            body = json.dumps(self.server.web_config).encode()
            self._send(200, {"Content-Type": "application/json"}, body)
            return
        target = (self.server.web_root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.exists() and "." not in path.rsplit("/", 1)[-1]:
            # a page of the portal (/ho-so/…, /tra-cuu): the app routes it in the browser, as
            # CloudFront answers index.html for it in AWS
            target = self.server.web_root / "index.html"
        if self.server.web_root not in target.parents or not target.is_file():
            body = json.dumps(
                {
                    "error": {
                        "code": "not_found",
                        "message": "Not found.",
                        "message_vi": "Không tìm thấy.",
                    }
                }
            ).encode()
            self._send(404, {"Content-Type": "application/json"}, body)
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        self._send(200, {"Content-Type": content_type}, target.read_bytes())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _dispatch
