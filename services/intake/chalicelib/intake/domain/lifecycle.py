"""The lifecycle as data: (status, action, role) → next status. Everything else is refused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

from chalicelib.intake.domain.errors import InvalidTransition, NotAssignedOfficer
from chalicelib.intake.domain.model import Action, Role, Status
from motcua_shared.errors import Forbidden
from motcua_shared.roles import APPLICANTS

PREVIOUS: Final = "previous"
"""Target of a resubmission: the status the supplement request interrupted."""

Target = Status | Literal["previous"]

S, A, R = Status, Action, Role
_BEFORE_RESULT = (S.SUBMITTED, S.SUPPLEMENT_REQUESTED, S.ACCEPTED, S.PROCESSING, S.FEE_REQUESTED)
_UNDER_WAY = (S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FEE_REQUESTED)

# (from statuses, action, roles, target); a target of None keeps the status.
_RULES: tuple[tuple[tuple[Status, ...], Action, tuple[Role, ...], Target | None], ...] = (
    ((S.DRAFT,), A.SUBMIT, APPLICANTS, S.SUBMITTED),
    ((S.SUBMITTED,), A.ACCEPT, (R.DESK_OFFICER,), S.ACCEPTED),
    ((S.ACCEPTED,), A.ASSIGN, (R.DESK_OFFICER, R.LEADER), S.PROCESSING),
    ((S.PROCESSING,), A.APPROVE, (R.PROCESSING_OFFICER,), S.RESULT_READY),
    ((S.RESULT_READY,), A.RETURN, (R.DESK_OFFICER,), S.RETURNED),
    ((S.SUBMITTED, S.ACCEPTED), A.REQUEST_SUPPLEMENT, (R.DESK_OFFICER,), S.SUPPLEMENT_REQUESTED),
    ((S.PROCESSING,), A.REQUEST_SUPPLEMENT, (R.PROCESSING_OFFICER,), S.SUPPLEMENT_REQUESTED),
    ((S.SUPPLEMENT_REQUESTED,), A.RESUBMIT, APPLICANTS, PREVIOUS),
    ((S.SUBMITTED, S.SUPPLEMENT_REQUESTED), A.REFUSE, (R.DESK_OFFICER,), S.REFUSED),
    (_BEFORE_RESULT, A.WITHDRAW, APPLICANTS, S.WITHDRAWN),
    (_UNDER_WAY, A.STOP, (R.LEADER,), S.STOPPED),
    (_UNDER_WAY, A.EXTEND, (R.LEADER,), None),
    ((S.RETURNED,), A.RATE, (R.CITIZEN,), None),
    ((S.ACCEPTED,), A.REQUEST_FEE, (R.DESK_OFFICER,), S.FEE_REQUESTED),
    ((S.FEE_REQUESTED,), A.CONFIRM_PAYMENT, (R.DESK_OFFICER, R.SYSTEM), S.ACCEPTED),
    ((S.RESULT_READY,), A.RETURN, (R.SYSTEM,), S.RETURNED),  # delivered by post
    ((S.RESULT_READY,), A.NOTE_DELIVERY, (R.SYSTEM,), None),
    ((*_BEFORE_RESULT, S.RESULT_READY), A.RECEIVE_ORIGINALS, (R.SYSTEM,), None),
    ((S.RESULT_READY,), A.RECEIVE_ONLINE, APPLICANTS, S.RETURNED),
)

TRANSITIONS: dict[tuple[Status, Action, Role], Target] = {
    (status, action, role): (target if target is not None else status)
    for statuses, action, roles, target in _RULES
    for status in statuses
    for role in roles
}


def _performers(action: Action) -> set[str]:
    return {role for (_, a, role) in TRANSITIONS if a == action}


def roles_for(action: Action) -> tuple[str, ...]:
    """The groups that may perform ``action`` in some status: the route's gate. The system (a
    service acting through an event) is no group a signed-in user could belong to."""
    return tuple(sorted(_performers(action) - {R.SYSTEM}))


def next_status(
    current: Status, action: Action, roles: Iterable[str], previous: Status | None = None
) -> Status:
    """The status after ``action``; 403 if no role of the caller ever does it, else 409.

    ``previous`` is where a resubmission returns to.
    """
    held = set(roles)
    # Role is a StrEnum: a group name looks up the same key as its member.
    targets = {TRANSITIONS.get((current, action, role)) for role in held} - {None}  # type: ignore[arg-type]
    if targets:
        target = targets.pop()
        if target == PREVIOUS:
            if previous is None:
                raise InvalidTransition()
            return previous
        return Status(str(target))
    if held.isdisjoint(_performers(action)):
        raise Forbidden()
    raise InvalidTransition(
        f"Cannot {action} a dossier that is {current}.",
        f"Không thể thực hiện '{action}' khi hồ sơ ở trạng thái '{current}'.",
        status=str(current),
        action=str(action),
    )


# Least privilege on an assigned dossier: what the table grants a processing officer (approve, ask
# for a supplement, and upload the result, which prepares approval) is for the officer the
# dossier is assigned to alone; a leader may act on any dossier.
ASSIGNEE_ROLES: Final = frozenset({R.PROCESSING_OFFICER})


def check_assignee(
    current: Status, action: Action, roles: Iterable[str], username: str, officer: str | None
) -> None:
    """403 ``not_assigned`` when the caller may do ``action`` only as a processing officer and
    the dossier is assigned to another officer (call after :func:`next_status`)."""
    held = set(roles)
    if officer is None or officer == username or R.LEADER in held:
        return
    granting = {role for role in held if (current, action, role) in TRANSITIONS}
    if granting and granting <= ASSIGNEE_ROLES:
        raise NotAssignedOfficer()
