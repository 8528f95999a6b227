"""Every kind of answer the services give carries the security headers a browser needs (OWASP
Secure Headers Project; MDN "Content-Security-Policy"): JSON answers, errors, the printable
forms 01–06 and the result slip, and VNPay's return page."""

from __future__ import annotations

import hashlib

from chalice.test import Client

from tests.service.test_intake_dossiers import Auth, act, submitted


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]} (CSP Level 3, §2.2)."""
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0].lower()] = words[1:]
    return found


def assert_common(headers: dict[str, str]) -> None:
    """OWASP Secure Headers Project: no MIME sniffing, no framing, no referrer; HSTS."""
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    hsts = headers["Strict-Transport-Security"]
    assert "includeSubDomains" in hsts
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000  # a year at least


def assert_page_policy(headers: dict[str, str], page: str) -> None:
    """A printable page: nothing loads (default-src 'none'), no script at all, no framing, and
    `sandbox` without allow-same-origin (an opaque origin: markup slipped into the page could
    read nothing of the site). Its inline <style> is allowed, and each is actually there."""
    policy = directives(headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy  # default-src 'none' holds for scripts
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'none'"]
    assert policy["sandbox"] == []  # every restriction, none lifted
    assert "<style>" in page
    styles = policy["style-src"]
    assert "'unsafe-inline'" in styles or all(
        f"'sha256-{hashlib.sha256(css.encode()).hexdigest()}'" in styles
        for css in (chunk.split("</style>")[0] for chunk in page.split("<style>")[1:])
    )


def test_json_answers_and_errors_carry_the_api_policy(intake: Client, auth: Auth) -> None:
    """A JSON answer loads nothing and is framed by no one: default-src 'none';
    frame-ancestors 'none' (OWASP REST Security Cheat Sheet, "Security headers")."""
    answers = [
        intake.http.get("/procedures"),  # public
        intake.http.get("/dossiers", headers=auth("citizen1")),  # signed in
        intake.http.get("/dossiers"),  # 401
        intake.http.get("/procedures/KHONG-CO"),  # 404
        intake.http.post("/dossiers", headers=auth("citizen1"), body=b"{oops"),  # 400
    ]
    for answer in answers:
        assert answer.headers["Content-Type"].startswith("application/json"), answer.headers
        assert_common(answer.headers)
        policy = directives(answer.headers["Content-Security-Policy"])
        assert policy == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}


def test_every_printable_form_carries_the_page_policy(intake: Client, auth: Auth) -> None:
    dossier = submitted(intake, auth)
    status, body = act(intake, auth, "desk1", dossier["id"], "accept")
    assert status == 200, body
    seen = 0
    for kind in ("receipt", "control_sheet", "supplement_request", "refusal", "apology", "result"):
        for user in ("citizen1", "desk1"):
            answer = intake.http.get(
                f"/dossiers/{dossier['id']}/documents/{kind}", headers=auth(user)
            )
            if answer.status_code != 200:  # a slip this dossier does not have yet
                assert answer.status_code in (404, 409), answer.body
                assert answer.headers["Content-Type"].startswith("application/json")
                continue
            assert answer.headers["Content-Type"].startswith("text/html")
            assert_common(answer.headers)
            assert_page_policy(answer.headers, answer.body.decode())
            seen += 1
    assert seen >= 4  # receipt and control sheet, for both


def test_the_vnpay_return_page_carries_the_page_policy(payment: Client) -> None:
    answer = payment.http.get("/vnpay/return?vnp_TxnRef=X&vnp_SecureHash=00")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    assert_common(answer.headers)
    assert_page_policy(answer.headers, answer.body.decode())
