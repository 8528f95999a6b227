"""The local gateway in-process (infra/local/gateway.py), on a small Chalice app of its own and the
real portal files: what AWS answers by itself is answered as AWS does, as JSON; the portal's files
carry CloudFront's security headers; ``/_local/functions`` is closed to web pages and to callers
without the run's secret."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from chalice import Chalice

from infra.local.apps import ROOT
from infra.local.gateway import Gateway
from tests.service.test_security_headers import directives

SECRET = "per-run-secret-of-this-test"
S3_PROXY = "http://127.0.0.1:4999"
COGNITO = "http://127.0.0.1:5999"


def demo_app() -> Chalice:
    app = Chalice(app_name="motcua-demo")
    calls: list[Any] = []

    @app.route("/things", methods=["GET"])
    def things() -> dict[str, Any]:
        return {"items": []}

    @app.lambda_function(name="record")
    def record(event: Any, context: Any) -> dict[str, Any]:
        calls.append(event)
        return {"recorded": len(calls)}

    app.calls = calls  # type: ignore[attr-defined]
    return app


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self) -> Any:
        assert self.headers["content-type"].startswith("application/json"), self.headers
        return json.loads(self.body)


@dataclass
class Running:
    gateway: Gateway
    app: Chalice

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        host, port = self.gateway.server_address[:2]
        connection = http.client.HTTPConnection(str(host), port, timeout=10)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if body is not None and "Content-Length" not in (headers or {}):
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return Answer(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            connection.close()


@pytest.fixture(scope="module")
def local() -> Iterator[Running]:
    app = demo_app()
    gateway = Gateway(
        ("127.0.0.1", 0),
        {"demo": app},
        ROOT / "web",
        {"region": "ap-southeast-1"},
        invoke_secret=SECRET,
        connect_sources=(COGNITO, S3_PROXY),
    )
    thread = threading.Thread(target=gateway.serve_forever, daemon=True)
    thread.start()
    yield Running(gateway, app)
    gateway.shutdown()
    gateway.server_close()


def assert_no_such_route(answer: Answer, *, gateway_message: bool) -> None:
    assert answer.status == 403, answer
    body = answer.json()
    assert body["error"]["code"] == "no_such_route"
    assert body["error"]["message"]
    assert body["error"]["message_vi"]
    if gateway_message:
        assert body["message"] == "Missing Authentication Token"


# --- what AWS answers by itself ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "CONNECTX", "PATCH", "DELETE", "HEAD"])
def test_a_method_no_route_takes_is_api_gateways_403_as_json(local: Running, method: str) -> None:
    """API Gateway developer guide, "Gateway response types": MISSING_AUTHENTICATION_TOKEN (403,
    {"message": "Missing Authentication Token"}) is its answer "when the client attempts to invoke
    an unsupported API method or resource" — never a 501 HTML page (http.server's answer for a
    method it has no do_<METHOD> for)."""
    answer = local.request(method, "/demo/things")
    if method == "HEAD":  # no body comes back for HEAD
        assert answer.status == 403
        return
    assert_no_such_route(answer, gateway_message=True)


def test_a_path_no_route_takes_is_the_same_403(local: Running) -> None:
    assert_no_such_route(local.request("GET", "/demo/nothing/here"), gateway_message=True)
    assert_no_such_route(local.request("TRACE", "/demo/nothing"), gateway_message=True)
    assert json.loads(local.request("GET", "/demo/things").body) == {"items": []}


@pytest.mark.parametrize("method", ["TRACE", "POST", "PUT", "DELETE", "PROPFIND"])
def test_a_page_path_takes_only_get_and_head_as_cloudfront_does(
    local: Running, method: str
) -> None:
    """CloudFront developer guide, "HTTP 403 status code (Invalid method)": a method the
    behaviour does not allow (the portal's files: GET and HEAD) is answered 403."""
    assert_no_such_route(local.request(method, "/ho-so/abc"), gateway_message=False)


@pytest.mark.parametrize("length", ["²", "+5", "0x10", "-1", "1e3", "99999999999999999999999999"])
def test_a_content_length_that_is_no_number_is_a_400_json(local: Running, length: str) -> None:
    """RFC 9110 §8.6: Content-Length is 1*DIGIT (ASCII); "²".isdigit() is true in Python and
    int("+5") is 5, neither is a length."""
    answer = local.request("POST", "/demo/things", b"{}", {"Content-Length": length})
    assert answer.status in (400, 413), answer
    assert answer.json()["error"]["code"] in ("bad_content_length", "payload_too_large")


# --- the portal's security headers (as CloudFront's response headers policy adds them) -----------


@pytest.mark.parametrize(
    "path", ["/", "/ho-so/abc", "/tra-cuu?ma=X", "/js/app.js", "/styles.css", "/config.json"]
)
def test_every_portal_file_carries_the_security_headers(local: Running, path: str) -> None:
    """OWASP Secure Headers Project: X-Content-Type-Options nosniff, X-Frame-Options DENY,
    Referrer-Policy no-referrer, and a Content-Security-Policy (MDN) that lets the portal load
    its own scripts and stylesheet only — no inline script, no eval, no plugin, no framing — and
    connect only to itself, Cognito and the storage of its uploads."""
    answer = local.request("GET", path)
    assert answer.status == 200, answer
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "no-referrer"
    policy = directives(answer.headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert sorted(policy["connect-src"]) == sorted(["'self'", COGNITO, S3_PROXY])
    assert "sandbox" not in policy


def test_the_printout_page_is_sandboxed_without_its_sites_origin(local: Running) -> None:
    """MDN, CSP "sandbox": without allow-same-origin the document gets an opaque origin, so the
    slip shown there cannot read the portal's storage (its session tokens) nor script the
    portal's window; allow-scripts runs only the page's own script (script-src 'self')."""
    answer = local.request("GET", "/ban-in.html")
    assert answer.status == 200, answer
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "no-referrer"
    policy = directives(answer.headers["content-security-policy"])
    assert "sandbox" in policy
    assert "allow-same-origin" not in policy["sandbox"]
    assert "allow-top-navigation" not in policy["sandbox"]
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert b'<script src="/js/printout.js"' in answer.body


def test_the_gateways_own_errors_carry_the_headers_too(local: Running) -> None:
    for answer in (local.request("GET", "/khong-co.png"), local.request("TRACE", "/demo/x")):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert directives(answer.headers["content-security-policy"])["default-src"] == ["'none'"]


# --- /_local/functions ---------------------------------------------------------------------------

EVENT = json.dumps({"detail-type": "Scheduled Event", "detail": {}}).encode()
FUNCTION = "/_local/functions/demo/record"


def test_a_function_is_invoked_with_the_runs_secret(local: Running) -> None:
    before = len(local.app.calls)  # type: ignore[attr-defined]
    answer = local.request(
        "POST",
        FUNCTION,
        EVENT,
        {"Content-Type": "application/json", "X-Motcua-Local-Secret": SECRET},
    )
    assert answer.status == 200, answer
    assert answer.json() == {"recorded": before + 1}


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
def test_without_the_runs_secret_no_function_runs(local: Running, secret: str | None) -> None:
    """Local stack only: `aws lambda invoke` needs credentials; its stand-in needs the run's
    secret, written in stack.json for the operators' tools and the tests."""
    before = len(local.app.calls)  # type: ignore[attr-defined]
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Motcua-Local-Secret"] = secret
    answer = local.request("POST", FUNCTION, EVENT, headers)
    assert answer.status == 401, answer
    assert answer.json()["error"]["code"] == "local_secret_required"
    assert len(local.app.calls) == before  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "browser",
    [
        {"Origin": "https://hostile.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"},
        {"Sec-Fetch-Mode": "no-cors"},
        {"Sec-Fetch-Dest": "empty"},
    ],
)
def test_a_request_from_a_web_page_is_refused_even_with_the_secret(
    local: Running, browser: dict[str, str]
) -> None:
    """OWASP Cross-Site Request Forgery Prevention Cheat Sheet: verify the origin with standard
    headers (Origin) and Fetch Metadata (Sec-Fetch-*): browsers send them, operators' tools do
    not, so a page the developer opens cannot post an event (the hostile client's forged
    payment.succeeded)."""
    before = len(local.app.calls)  # type: ignore[attr-defined]
    headers = {"Content-Type": "text/plain", "X-Motcua-Local-Secret": SECRET, **browser}
    answer = local.request("POST", FUNCTION, EVENT, headers)
    assert answer.status == 403, answer
    assert answer.json()["error"]["code"] == "browser_request_refused"
    assert len(local.app.calls) == before  # type: ignore[attr-defined]


@pytest.mark.parametrize("secret", ["", "short"])
def test_an_empty_or_short_secret_does_not_open_the_functions(secret: str) -> None:
    with pytest.raises(ValueError, match="long and random"):
        Gateway(("127.0.0.1", 0), {}, ROOT / "web", {}, invoke_secret=secret)
