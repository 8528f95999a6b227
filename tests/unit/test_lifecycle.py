"""The lifecycle table, checked for every status × action × role against the rules as written."""

from __future__ import annotations

import itertools

import pytest

from chalicelib.intake.domain.errors import InvalidTransition
from chalicelib.intake.domain.lifecycle import next_status, roles_for
from chalicelib.intake.domain.model import NATIONAL_STATUS, Action, Role, Status
from motcua_shared.errors import Forbidden

# The rules of the foundation issue, written out independently of the implementation.
ALLOWED = {
    ("draft", "submit", "citizen"): "submitted",
    ("draft", "submit", "postal_agent"): "submitted",
    ("submitted", "accept", "desk_officer"): "accepted",
    ("accepted", "assign", "desk_officer"): "processing",
    ("accepted", "assign", "leader"): "processing",
    ("processing", "approve", "processing_officer"): "result_ready",
    ("result_ready", "return", "desk_officer"): "returned",
}
ACTIONS = [a for a in Action if a is not Action.CREATE]


@pytest.mark.parametrize(
    ("status", "action", "role"), list(itertools.product(Status, ACTIONS, Role))
)
def test_every_status_action_role(status: Status, action: Action, role: Role) -> None:
    expected = ALLOWED.get((status.value, action.value, role.value))
    if expected is not None:
        assert next_status(status, action, {role}) == expected
    elif any(a == action.value and r == role.value for (_, a, r) in ALLOWED):
        with pytest.raises(InvalidTransition) as error:
            next_status(status, action, {role})
        assert error.value.status == 409
    else:
        with pytest.raises(Forbidden):
            next_status(status, action, {role})


def test_a_user_with_several_groups_gets_the_allowed_transition() -> None:
    assert next_status(Status.SUBMITTED, Action.ACCEPT, {"citizen", "desk_officer"}) == "accepted"


def test_unknown_groups_are_forbidden() -> None:
    with pytest.raises(Forbidden):
        next_status(Status.DRAFT, Action.SUBMIT, {"hacker"})


def test_roles_for_each_action() -> None:
    assert roles_for(Action.ASSIGN) == ("desk_officer", "leader")
    assert roles_for(Action.APPROVE) == ("processing_officer",)


def test_national_status_codes() -> None:
    assert {s.value: NATIONAL_STATUS[s] for s in Status} == {
        "draft": None,
        "submitted": 1,
        "accepted": 2,
        "refused": 3,
        "processing": 4,
        "supplement_requested": 5,
        "fee_requested": 6,
        "withdrawn": 7,
        "stopped": 8,
        "result_ready": 9,
        "returned": 10,
    }
