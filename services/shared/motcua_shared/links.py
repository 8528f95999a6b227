"""Addresses of the web portal's pages that messages, slips and QR codes point to.

The portal (web/) serves these paths; every service builds its links here so they agree."""

from __future__ import annotations

from urllib.parse import quote


def _join(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def citizen_dossier(base_url: str, dossier_id: str) -> str:
    """The applicant's own dossier page (after signing in)."""
    return _join(base_url, f"/ho-so/{quote(dossier_id, safe='')}")


def officer_dossier(base_url: str, dossier_id: str) -> str:
    """The dossier in the officers' pages."""
    return _join(base_url, f"/can-bo/ho-so/{quote(dossier_id, safe='')}")


def tracking(base_url: str, code: str) -> str:
    """The public tracking page of a dossier code (no sign-in)."""
    return _join(base_url, f"/tra-cuu?ma={quote(code, safe='')}")


def verification(base_url: str, verification_code: str) -> str:
    """The public page that tells whether an electronic result is authentic."""
    return _join(base_url, f"/xac-thuc/{quote(verification_code, safe='')}")
