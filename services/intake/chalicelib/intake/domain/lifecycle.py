"""The lifecycle as data: (status, action, role) → next status. Everything else is refused."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.intake.domain.errors import InvalidTransition
from chalicelib.intake.domain.model import Action, Role, Status
from motcua_shared.errors import Forbidden

TRANSITIONS: dict[tuple[Status, Action, Role], Status] = {
    (Status.DRAFT, Action.SUBMIT, Role.CITIZEN): Status.SUBMITTED,
    (Status.DRAFT, Action.SUBMIT, Role.POSTAL_AGENT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.ACCEPT, Role.DESK_OFFICER): Status.ACCEPTED,
    (Status.ACCEPTED, Action.ASSIGN, Role.DESK_OFFICER): Status.PROCESSING,
    (Status.ACCEPTED, Action.ASSIGN, Role.LEADER): Status.PROCESSING,
    (Status.PROCESSING, Action.APPROVE, Role.PROCESSING_OFFICER): Status.RESULT_READY,
    (Status.RESULT_READY, Action.RETURN, Role.DESK_OFFICER): Status.RETURNED,
}


def roles_for(action: Action) -> tuple[str, ...]:
    """Every role that may perform ``action`` in some status (the route's gate)."""
    return tuple(sorted({role for (_, a, role) in TRANSITIONS if a == action}))


def next_status(current: Status, action: Action, roles: Iterable[str]) -> Status:
    """The status after ``action``; 403 if no role of the caller ever does it, else 409."""
    held = set(roles)
    # Role is a StrEnum: a group name looks up the same key as its member.
    targets = {TRANSITIONS.get((current, action, role)) for role in held} - {None}  # type: ignore[arg-type]
    if targets:
        return targets.pop()  # type: ignore[return-value]
    if held.isdisjoint(roles_for(action)):
        raise Forbidden()
    raise InvalidTransition(
        f"Cannot {action} a dossier that is {current}.",
        f"Không thể thực hiện '{action}' khi hồ sơ ở trạng thái '{current}'.",
        status=str(current),
        action=str(action),
    )
