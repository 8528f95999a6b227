"""Printable one-stop forms (Circular 01/2018, 03/2025) as complete Vietnamese HTML pages.

Forms 01 (receipt), 02 (supplement request), 03 (refusal), 04 (apology and new date),
06 (processing control sheet) and the result verification slip. Each page is self-contained:
inline CSS for screen and A4 print, an inline SVG QR code of the tracking (or verification)
address, no scripts and no external resources.

- ``forms``: what each form reads from the dossier, as plain text (no markup);
- ``templates/``: the page markup (Jinja2, autoescaping on) and the print CSS;
- ``templating``: the Jinja2 environment, created by the first slip a process prints;
- ``formatting`` and ``labels``: how times, hours and stored codes are printed; ``qr``: the QR.

Importing this package loads none of them but ``qr`` (intake imports it on every cold start and
prints a slip on few of them): ``render`` imports what it needs.
"""

from __future__ import annotations

from typing import Any

from chalicelib.intake.documents.qr import qr_svg

__all__ = ["KINDS", "UnknownDocumentKind", "qr_svg", "render"]

# The forms of forms.FORMS, in this order (tests/unit/test_documents.py checks they agree).
KINDS: tuple[str, ...] = (
    "receipt",
    "supplement_request",
    "refusal",
    "apology",
    "control_sheet",
    "result",
)


class UnknownDocumentKind(ValueError):
    """``render`` was asked for a form that is not in ``KINDS``."""


def render(kind: str, context: dict[str, Any]) -> str:
    """The complete HTML page of form ``kind`` (one of ``KINDS``) for the dossier in ``context``."""
    if kind not in KINDS:
        raise UnknownDocumentKind(f"unknown document kind: {kind!r} (expected one of {KINDS})")
    from chalicelib.intake.documents.forms import page_variables
    from chalicelib.intake.documents.templating import render_template

    return render_template(f"{kind}.html", page_variables(kind, context))
