"""Who may see a dossier's records kept by payment, delivery and notify (attempts to pay,
shipments, notifications), and the one answer when they may not.

Officers see every dossier's records; anyone else sees the records of their own dossiers only.
Another citizen's dossier is not found (404), as in intake, rather than an empty list that tells
it exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from motcua_shared.auth import OFFICERS, Principal
from motcua_shared.errors import ApiError, NotFound


class DossierNotFound(NotFound):
    """No dossier with this id is the caller's (or this service has not heard of it yet)."""

    code = "dossier_not_found"
    message = "No dossier with this id is yours (or it is not submitted yet)."
    message_vi = "Không tìm thấy hồ sơ của bạn (hoặc hồ sơ chưa được nộp)."


def may_see(principal: Principal, owner_sub: str | None) -> bool:
    """Whether the caller may see one record owned by ``owner_sub``."""
    return principal.sub == owner_sub or principal.has_any(OFFICERS)


def may_see_dossier(principal: Principal, owners: Iterable[str | None]) -> bool:
    """Whether the caller may see the records of a dossier whose known owners are ``owners``
    (every owner this service has recorded for it; an empty or unknown owner tells nothing)."""
    if principal.has_any(OFFICERS):
        return True
    return not {owner for owner in owners if owner} - {principal.sub}


def require_dossier_visible(
    principal: Principal,
    owners: Iterable[str | None],
    error: type[ApiError] = DossierNotFound,
) -> None:
    """:func:`may_see_dossier`, or ``error`` (:class:`DossierNotFound` unless the service's
    answer names what it looked for, e.g. payment's ``no_fee_requested``)."""
    if not may_see_dossier(principal, owners):
        raise error()
