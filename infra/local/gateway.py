"""The local API Gateway: one port, each service's API under its base path, the web app at ``/``.

Like a custom domain with base path mappings, ``/intake/dossiers`` reaches the intake API as
``/dossiers``. Requests become API Gateway proxy events (Chalice's LocalGateway does the route
matching) and the Chalice app is invoked as its Lambda function would be: one request at a time
per function instance, so each app is guarded by a lock.

What AWS answers by itself is answered the same way, as JSON: a method or path no route takes
gets API Gateway's 403 "Missing Authentication Token" (with our error beside it, as the gateway
responses of infra/cdk/edge.py say), whatever the method (TRACE too); a page path with a method
other than GET or HEAD gets CloudFront's 403 (Invalid method). Portal files carry the security
headers of CloudFront's response headers policy (motcua_shared.headers).
"""

from __future__ import annotations

import hmac
import json
import logging
import mimetypes
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException, RouteMatcher

from infra.local.lambda_context import LambdaContext
from motcua_shared import headers as security
from motcua_shared.errors import ApiError, NoSuchRoute, NotFound, Unauthenticated
from motcua_shared.parsing import parse_whole_number

log = logging.getLogger("motcua.gateway")
LOCAL_INVOKE_PREFIX = "_local"
LOCAL_SECRET_HEADER = "X-Motcua-Local-Secret"
# Headers only a browser sends (the Fetch standard: Origin on cross-origin requests and on every
# POST; the Sec-Fetch-* request metadata on every request of a current browser). A request with
# one of them came from a web page, which has no business invoking functions (CSRF).
BROWSER_HEADERS = ("origin", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest")
MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit (10 MB)


class BadContentLength(ApiError):
    code = "bad_content_length"
    message = "Content-Length must be a whole number of bytes."
    message_vi = "Độ dài nội dung (Content-Length) không hợp lệ."


class RequestTooLarge(ApiError):
    status = 413
    code = "payload_too_large"
    message = f"The request is larger than {MAX_REQUEST_BYTES} bytes."
    message_vi = f"Yêu cầu vượt quá {MAX_REQUEST_BYTES} byte."


class LocalSecretRequired(Unauthenticated):
    code = "local_secret_required"
    message = f"Send the stack's local secret (stack.json) in {LOCAL_SECRET_HEADER}."
    message_vi = f"Cần gửi mã bí mật của môi trường cục bộ (stack.json) qua {LOCAL_SECRET_HEADER}."


class BrowserRequestRefused(ApiError):
    status = 403
    code = "browser_request_refused"
    message = "Functions are invoked by operators' tools, never from a web page."
    message_vi = "Chỉ công cụ vận hành được gọi hàm trực tiếp; trang web không được phép."


class MountedApi:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.gateway = LocalGateway(app, Config.create(chalice_app=app, lambda_timeout=30))
        self.routes = RouteMatcher(list(app.routes))
        self.lock = threading.Lock()

    def takes(self, method: str, path: str) -> bool:
        """Whether a route takes ``method`` on ``path`` (OPTIONS: Chalice answers preflights)."""
        try:
            matched = self.routes.match_route(path)
        except ValueError:
            return False
        return method == "OPTIONS" or method in self.app.routes[matched.route]

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
        invoke_secret: str | None = None,
        connect_sources: Sequence[str] = (),
    ) -> None:
        """``invoke_secret``: mount ``/_local/functions`` for callers that send it in
        ``X-Motcua-Local-Secret``; ``connect_sources``: where the portal may connect besides
        itself (Cognito's endpoint, the storage of presigned uploads)."""
        if invoke_secret is not None and len(invoke_secret) < 16:
            raise ValueError("the secret of /_local/functions must be long and random")
        self.apps = apis
        self.invoke_secret = invoke_secret
        self.apis = {prefix: MountedApi(app) for prefix, app in apis.items()}
        self.web_root = web_root.resolve()
        self.web_config = config
        self.portal_policy = security.portal_policy(connect_sources)
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Gateway
    protocol_version = "HTTP/1.1"
    # The head and the body of an answer go out in two writes; on a kept-alive connection (a
    # browser's) Nagle's algorithm held the body back until the client's delayed ACK: ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def __getattr__(self, name: str) -> Callable[[], None]:
        # BaseHTTPRequestHandler answers a method without a do_<METHOD> with a 501 HTML page;
        # API Gateway and CloudFront answer every method, as JSON.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)

    def _dispatch(self) -> None:
        length = parse_whole_number(
            self.headers.get("Content-Length") or "0", minimum=0, maximum=2**63
        )
        if length is None or length > MAX_REQUEST_BYTES:
            self.close_connection = True  # the body's end is unknown, or it is not read
            self._error(BadContentLength() if length is None else RequestTooLarge())
            return
        body = self.rfile.read(length) if length else None
        prefix, _, rest = self.path.lstrip("/").partition("/")
        if prefix == LOCAL_INVOKE_PREFIX and self.server.invoke_secret is not None:
            self._invoke(rest, body)
            return
        api = self.server.apis.get(prefix.split("?")[0])
        if api is None:
            if self.command in ("GET", "HEAD"):
                self._static()
            else:  # CloudFront's 403 (Invalid method) on the portal's files
                self._error(NoSuchRoute())
            return
        if not api.takes(self.command, "/" + rest.split("?")[0]):
            self._send_json(403, NoSuchRoute().to_gateway_dict())
            return
        headers = dict(self.headers.items())
        try:
            response = api.handle(self.command, "/" + rest, headers, body)
        except LocalGatewayException as exc:
            self._send(exc.CODE, exc.headers, exc.body or b"")
            return
        except Exception:
            log.exception("gateway error")
            self._send_json(502, {"message": "Bad Gateway"})
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
        invoke`` does, for operators and tests of the local stack (never mounted on AWS). Only
        with the run's secret (stack.json), and never from a browser: any web page the
        developer opens could otherwise post events to it (CSRF)."""
        names = {name.lower() for name in self.headers}
        if any(header in names for header in BROWSER_HEADERS):
            self._error(BrowserRequestRefused())
            return
        secret = self.headers.get(LOCAL_SECRET_HEADER) or ""
        expected = self.server.invoke_secret or ""
        if not hmac.compare_digest(secret.encode(), expected.encode()):
            self._error(LocalSecretRequired())
            return
        parts = rest.split("/")
        app = (
            self.server.apps.get(parts[1]) if len(parts) == 3 and parts[0] == "functions" else None
        )
        handler = app.handler_map.get(parts[2]) if app is not None else None
        if self.command != "POST" or handler is None:
            self._send_json(404, {"message": "No such function"})
            return
        try:
            event = json.loads(body or b"{}")
            result = handler(event, LambdaContext(function_name=f"{parts[1]}-{parts[2]}"))
        except Exception as exc:
            log.exception("function %s failed", rest)
            self._send_json(500, {"errorType": type(exc).__name__, "errorMessage": str(exc)})
            return
        self._send(
            200, {"Content-Type": "application/json"}, json.dumps(result, default=str).encode()
        )

    def _static(self) -> None:
        path = self.path.split("?")[0]
        if path == "/config.json":
            body = json.dumps(self.server.web_config).encode()
            self._send(200, {"Content-Type": "application/json", **self._page_headers(path)}, body)
            return
        target = (self.server.web_root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.exists() and "." not in path.rsplit("/", 1)[-1]:
            # a page of the portal (/ho-so/…, /tra-cuu): the app routes it in the browser, as
            # CloudFront answers index.html for it in AWS
            target = self.server.web_root / "index.html"
        if self.server.web_root not in target.parents or not target.is_file():
            self._error(NotFound())
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        headers = {"Content-Type": content_type, **self._page_headers(path)}
        self._send(200, headers, target.read_bytes())

    def _page_headers(self, path: str) -> dict[str, str]:
        """The headers CloudFront's response headers policies add to the portal's files."""
        printout = path == security.PRINTOUT_PATH
        policy = security.PRINTOUT_POLICY if printout else self.server.portal_policy
        return {**security.common_headers(), "Content-Security-Policy": policy}

    def _error(self, error: ApiError) -> None:
        self._send_json(error.status, error.to_dict())

    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            **security.common_headers(),
            "Content-Security-Policy": security.API_POLICY,
        }
        self._send(status, headers, json.dumps(body, ensure_ascii=False).encode())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
