"""Who may do what, by name: the roles (Cognito user-pool groups) and the named sets of them that
every service, the infrastructure (user-pool groups, demo users) and the portal
(``web/js/generated/roles.js``, written by ``python -m infra.web``) use.

The sets are tuples in the order of :class:`Role` so that what is built from them (route gates,
OpenAPI, the portal's file) comes out the same every time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Role(StrEnum):
    """A role; all but :attr:`SYSTEM` are Cognito groups a user may belong to."""

    CITIZEN = "citizen"  # a citizen or a business filing for itself (công dân / tổ chức)
    DESK_OFFICER = "desk_officer"  # the one-stop desk (Bộ phận Một cửa)
    PROCESSING_OFFICER = "processing_officer"  # a unit's officer (chuyên viên)
    LEADER = "leader"  # a unit head (lãnh đạo): approves, assigns, monitors
    POSTAL_AGENT = "postal_agent"  # a post-office agent filing on an applicant's behalf
    ADMIN = "admin"  # catalogue, holidays, templates
    SYSTEM = "system"  # another service acting through an event, never a Cognito group


USER_GROUPS: Final[tuple[Role, ...]] = tuple(r for r in Role if r is not Role.SYSTEM)
"""The user pool's groups."""

APPLICANTS: Final = (Role.CITIZEN, Role.POSTAL_AGENT)
"""Those who file dossiers and see only the ones they created."""

OFFICERS: Final = (Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.LEADER, Role.ADMIN)
"""Staff: the groups that may see any dossier's records (the portal's staff pages)."""

RECEPTION: Final = (Role.DESK_OFFICER, Role.LEADER)
"""The desk's queue of submitted dossiers."""

WORKLIST: Final = (Role.PROCESSING_OFFICER, Role.LEADER, Role.DESK_OFFICER)
"""The dossiers under way, by status and assignee."""

OVERSIGHT: Final = (Role.LEADER, Role.ADMIN)
"""Statistics, reports and the overdue list."""

REFUNDS: Final = (Role.DESK_OFFICER, Role.LEADER)
"""The fees to pay back (a dossier ended after its fee was paid)."""

NAMED_SETS: Final[dict[str, tuple[Role, ...]]] = {
    "USER_GROUPS": USER_GROUPS,
    "APPLICANTS": APPLICANTS,
    "OFFICERS": OFFICERS,
    "RECEPTION": RECEPTION,
    "WORKLIST": WORKLIST,
    "OVERSIGHT": OVERSIGHT,
    "REFUNDS": REFUNDS,
}
"""Every named set, as the portal receives them."""
