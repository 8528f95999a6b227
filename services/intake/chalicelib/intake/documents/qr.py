"""The QR code printed on every slip, as inline SVG."""

from __future__ import annotations

import io


def qr_svg(text: str) -> str:
    """An inline ``<svg>`` QR code (error correction M) encoding ``text``."""
    import segno  # lazy: only the printing paths need it

    out = io.BytesIO()
    segno.make(text, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, scale=3, svgclass="qr-code"
    )
    return out.getvalue().decode("utf-8").strip()
