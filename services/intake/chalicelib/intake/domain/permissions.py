"""What a caller may do to a dossier now: the answer every dossier view carries as
``allowed_actions``, so that the portal offers exactly what the API would accept and never
restates the lifecycle.

Computed from the lifecycle table (:data:`~chalicelib.intake.domain.lifecycle.TRANSITIONS`), the
assignment rule (:func:`~chalicelib.intake.domain.lifecycle.check_assignee`) and the ownership
and state rules of :mod:`~chalicelib.intake.domain.operations`; what depends on the clock or on
the request's content (an extension not needed yet, a wrong amount, a missing document) is left
to the operation itself.
"""

from __future__ import annotations

from typing import Final

from chalicelib.intake.domain.lifecycle import ASSIGNEE_ROLES, TRANSITIONS
from chalicelib.intake.domain.model import Action, Actor, Dossier, Role, Status
from motcua_shared.roles import APPLICANTS

EDIT: Final = "edit"
"""Rewrite a draft (``PUT /dossiers/{id}``): no transition, the draft's owner only."""

# What people do through the API, in the order the answer lists them. Left out: creating (there
# is no dossier yet), asking for the fee (part of accepting) and what only the system does.
PERSON_ACTIONS: Final[tuple[Action, ...]] = tuple(
    action
    for action in Action
    if action not in (Action.CREATE, Action.REQUEST_FEE)
    and any(a == action and role is not Role.SYSTEM for (_, a, role) in TRANSITIONS)
)

# Done by the dossier's owner alone (another applicant's dossier is not found for them).
OWNER_ACTIONS: Final = frozenset(
    {Action.SUBMIT, Action.RESUBMIT, Action.WITHDRAW, Action.RATE, Action.RECEIVE_ONLINE}
)


def allowed_actions(dossier: Dossier, actor: Actor) -> list[str]:
    """The actions ``actor`` may perform on ``dossier`` in its present state: ``edit`` first,
    then the lifecycle's actions in their declared order."""
    held = {str(role) for role in actor.roles} - {Role.SYSTEM}
    owner = dossier.owner_sub == actor.sub
    allowed: list[str] = []
    if owner and dossier.status is Status.DRAFT and not held.isdisjoint(APPLICANTS):
        allowed.append(EDIT)
    for action in PERSON_ACTIONS:
        granting = {role for role in held if (dossier.status, action, role) in TRANSITIONS}
        if not granting or (action in OWNER_ACTIONS and not owner):
            continue
        if not _assignee_may(dossier, actor, held, granting):
            continue
        if action is Action.RATE and dossier.rating is not None:
            continue  # rated once
        if action is Action.EXTEND and dossier.due_at is None:
            continue  # no appointment date to move yet
        if action is Action.RESUBMIT and dossier.open_supplement is None:
            continue
        allowed.append(str(action))
    return allowed


def _assignee_may(dossier: Dossier, actor: Actor, held: set[str], granting: set[str]) -> bool:
    """``check_assignee`` as a question: a right held only as a processing officer is for the
    officer the dossier is assigned to (a leader acts on any dossier)."""
    if dossier.officer is None or dossier.officer == actor.username or Role.LEADER in held:
        return True
    return not granting <= ASSIGNEE_ROLES
