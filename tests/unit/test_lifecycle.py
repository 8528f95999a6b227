"""The lifecycle table, checked for every status × action × role against the rules as written."""

from __future__ import annotations

import itertools

import pytest

from chalicelib.intake.domain.errors import InvalidTransition
from chalicelib.intake.domain.lifecycle import next_status, roles_for
from chalicelib.intake.domain.model import NATIONAL_STATUS, Action, Role, Status
from motcua_shared.errors import Forbidden


# The rules of the issues, written out independently of the implementation.
def _rules() -> dict[tuple[str, str, str], str]:
    allowed = {
        ("draft", "submit", "citizen"): "submitted",
        ("draft", "submit", "postal_agent"): "submitted",
        ("submitted", "accept", "desk_officer"): "accepted",
        ("accepted", "assign", "desk_officer"): "processing",
        ("accepted", "assign", "leader"): "processing",
        ("processing", "approve", "processing_officer"): "result_ready",
        ("result_ready", "return", "desk_officer"): "returned",
        ("submitted", "request_supplement", "desk_officer"): "supplement_requested",
        ("accepted", "request_supplement", "desk_officer"): "supplement_requested",
        ("processing", "request_supplement", "processing_officer"): "supplement_requested",
        ("supplement_requested", "resubmit", "citizen"): "previous",
        ("supplement_requested", "resubmit", "postal_agent"): "previous",
        ("submitted", "refuse", "desk_officer"): "refused",
        ("supplement_requested", "refuse", "desk_officer"): "refused",
        ("returned", "rate", "citizen"): "returned",
        ("result_ready", "receive_online", "citizen"): "returned",
        ("result_ready", "receive_online", "postal_agent"): "returned",
        ("accepted", "request_fee", "desk_officer"): "fee_requested",
        ("fee_requested", "confirm_payment", "desk_officer"): "accepted",
        ("fee_requested", "confirm_payment", "system"): "accepted",
        ("result_ready", "return", "system"): "returned",
        ("result_ready", "note_delivery", "system"): "result_ready",
    }
    before_result = ["submitted", "supplement_requested", "accepted", "processing", "fee_requested"]
    for status in [*before_result, "result_ready"]:
        allowed[(status, "receive_originals", "system")] = status
    for status in before_result:
        allowed[(status, "withdraw", "citizen")] = "withdrawn"
        allowed[(status, "withdraw", "postal_agent")] = "withdrawn"
    for status in ["accepted", "processing", "supplement_requested", "fee_requested"]:
        allowed[(status, "stop", "leader")] = "stopped"
        allowed[(status, "extend", "leader")] = status
    return allowed


ALLOWED = _rules()
ACTIONS = [a for a in Action if a is not Action.CREATE]


@pytest.mark.parametrize(
    ("status", "action", "role"), list(itertools.product(Status, ACTIONS, Role))
)
def test_every_status_action_role(status: Status, action: Action, role: Role) -> None:
    expected = ALLOWED.get((status.value, action.value, role.value))
    if expected == "previous":
        assert next_status(status, action, {role}, previous=Status.PROCESSING) == "processing"
        with pytest.raises(InvalidTransition):
            next_status(status, action, {role})
    elif expected is not None:
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
