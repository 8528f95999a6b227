"""Printable one-stop forms (Circular 01/2018, 03/2025) as complete Vietnamese HTML pages.

Forms 01 (receipt), 02 (supplement request), 03 (refusal), 04 (apology and new date),
06 (processing control sheet) and the result verification slip. Each page is self-contained:
inline CSS for screen and A4 print, an inline SVG QR code of the tracking (or verification)
address, no scripts and no external resources.

- ``forms``: what each form reads from the dossier, as plain text (no markup);
- ``templates/``: the page markup (Jinja2, autoescaping on) and the print CSS;
- ``templating``: the Jinja2 environment, created by the first slip a process prints;
- ``formatting`` and ``labels``: how times, hours and stored codes are printed; ``qr``: the QR.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.intake.documents.formatting import (
    display,
    format_date_line,
    format_hours,
    format_time,
)
from chalicelib.intake.documents.forms import FORMS, get
from chalicelib.intake.documents.labels import DASH, QR_CAPTION, QR_RESULT_CAPTION
from chalicelib.intake.documents.qr import qr_svg
from chalicelib.intake.documents.templating import render_template

__all__ = [
    "KINDS",
    "UnknownDocumentKind",
    "display",
    "format_date_line",
    "format_hours",
    "format_time",
    "qr_svg",
    "render",
]

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
    if kind not in FORMS:
        raise UnknownDocumentKind(f"unknown document kind: {kind!r} (expected one of {KINDS})")
    form = FORMS[kind]
    raw_dossier = context.get("dossier")
    dossier: Mapping[str, Any] = raw_dossier if isinstance(raw_dossier, Mapping) else {}
    code = display(get(dossier, "code"))
    url = display(context.get("verification_url" if form.verifies_result else "tracking_url"))
    number = f"Mẫu số {form.number} – " if form.number else ""
    return render_template(
        f"{kind}.html",
        {
            "page_title": f"{number}{form.title.capitalize()} – {code}",
            "form_no": form.number,
            "title": form.title,
            "agency": display(context.get("agency_name")).upper(),
            "date_line": format_date_line(form.dated(dossier)),
            "code": code,
            "qr_caption": QR_RESULT_CAPTION if form.verifies_result else QR_CAPTION,
            "qr_url": "" if url == DASH else url,
            "qr_svg": "" if url == DASH else qr_svg(url),
            **form.build(context, dossier),
        },
    )
