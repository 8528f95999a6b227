"""Security headers of what a browser may show: the APIs' answers, their printable pages, the
portal and the page that shows a printable slip in the portal.

Values as the OWASP Secure Headers Project recommends them (owasp.org/www-project-secure-headers,
"headers_add.json"), directives as MDN documents them (developer.mozilla.org, "Content-Security-
Policy"). One definition for the services (:mod:`motcua_shared.api` adds them to every answer),
the local gateway (infra/local/gateway.py) and CloudFront's response headers policies
(infra/cdk/edge.py).
"""

from __future__ import annotations

from collections.abc import Iterable

CONTENT_TYPE_OPTIONS = "nosniff"  # no MIME sniffing: a JSON answer is never run as a script
FRAME_OPTIONS = "DENY"  # for browsers without CSP frame-ancestors: no page is framed
REFERRER_POLICY = "no-referrer"  # tracking codes and ids in our URLs stay ours
HSTS_MAX_AGE_S = 31_536_000  # one year, with includeSubDomains
STRICT_TRANSPORT_SECURITY = f"max-age={HSTS_MAX_AGE_S}; includeSubDomains"

# A JSON (or CSV, workbook) answer loads nothing and is framed by no one.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"

# A printable page of a service (forms 01–06, the result slip, the VNPay return page): inline CSS
# and an inline SVG, no script, nothing loaded. `sandbox` without allow-same-origin gives it an
# opaque origin, so even markup slipped into it could read nothing of the site. Its inline
# styles need 'unsafe-inline': with nothing loadable (default-src 'none') and no script they
# cannot exfiltrate anything.
DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'; sandbox"
)

PRINTOUT_PATH = "/ban-in.html"
"""The portal's page that shows a printable slip the portal fetched with the user's token."""

# That page, sandboxed the same way, runs only its own script (/js/printout.js, a classic
# script: a module script would be a CORS request from an opaque origin), which receives the
# slip by postMessage; allow-modals lets the slip be printed (window.print).
PRINTOUT_POLICY = (
    "sandbox allow-scripts allow-modals; default-src 'none'; script-src 'self'; "
    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def portal_policy(connect_sources: Iterable[str]) -> str:
    """The portal's policy: its own scripts and stylesheet only (no inline script, no inline
    style attribute: the pages set styles through the CSSOM), calls to itself and to
    ``connect_sources`` (Cognito's endpoint, the storage that presigned uploads go to), no
    plugins, no framing, forms to itself."""
    connect = " ".join(["'self'", *connect_sources])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {connect}; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def common_headers() -> dict[str, str]:
    """What every answer carries, whatever it holds."""
    return {
        "X-Content-Type-Options": CONTENT_TYPE_OPTIONS,
        "X-Frame-Options": FRAME_OPTIONS,
        "Referrer-Policy": REFERRER_POLICY,
    }


def answer_headers(content_type: str | None) -> dict[str, str]:
    """The security headers of an API answer of ``content_type``: a page (text/html) gets the
    document policy, anything else the API policy; HSTS because the API domain has no CDN in
    front of it."""
    html = (content_type or "").split(";")[0].strip().lower() == "text/html"
    return {
        **common_headers(),
        "Content-Security-Policy": DOCUMENT_POLICY if html else API_POLICY,
        "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY,
    }
