"""What every route module of intake uses: the caller as the domain's actor, the page size, the
role sets of the routes, the spreadsheet media type."""

from __future__ import annotations

from chalicelib.intake.domain.model import Actor
from chalicelib.intake.settings import get_settings
from motcua_shared.auth import Principal
from motcua_shared.parsing import whole_number
from motcua_shared.roles import APPLICANTS, OFFICERS

__all__ = ["APPLICANTS", "OFFICERS", "XLSX", "actor", "page_limit"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def actor(principal: Principal) -> Actor:
    return Actor(
        sub=principal.sub, username=principal.username, roles=principal.groups, name=principal.name
    )


def page_limit(raw: str | None) -> int:
    """``?limit=``: 1 to 100 dossiers a page, the settings' page size if absent."""
    if raw is None:
        return get_settings().page_size
    return whole_number(raw, "limit", minimum=1, maximum=100)
