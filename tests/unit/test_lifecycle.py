"""The lifecycle table, checked for every status × action × role against the rules as written."""

from __future__ import annotations

import itertools

import pytest

from chalicelib.intake.domain.errors import InvalidTransition, NotAssignedOfficer
from chalicelib.intake.domain.lifecycle import check_assignee, next_status, roles_for
from chalicelib.intake.domain.model import NATIONAL_STATUS, Action, Role, Status
from motcua_shared.errors import Forbidden


# The lifecycle the product specifies, written out by hand, independently of the implementation.
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


# Least privilege on an assigned dossier, written out by hand: of what the
# table allows, a processing officer approves and asks for supplements only on the dossiers
# assigned to them; every other allowed (status, action, role) is open to whoever holds the role.
ASSIGNEE_ONLY = {
    ("processing", "approve", "processing_officer"),
    ("processing", "request_supplement", "processing_officer"),
}


@pytest.mark.parametrize(
    ("status", "action", "role"), list(itertools.product(Status, ACTIONS, Role))
)
def test_on_a_dossier_assigned_to_another_officer(
    status: Status, action: Action, role: Role
) -> None:
    """Least privilege: only the assigned officer (or a leader) acts on an assigned dossier."""
    allowed = (status.value, action.value, role.value) in ALLOWED
    if not allowed:
        return  # next_status refuses it first (the test above)
    if (status.value, action.value, role.value) in ASSIGNEE_ONLY:
        with pytest.raises(NotAssignedOfficer) as error:
            check_assignee(status, action, {role}, "officer1", officer="officer2")
        assert (error.value.status, error.value.code) == (403, "not_assigned")
        assert "lãnh đạo" in error.value.message_vi
    else:
        check_assignee(status, action, {role}, "officer1", officer="officer2")
    # the officer it is assigned to, and a dossier nobody is assigned to yet: allowed
    check_assignee(status, action, {role}, "officer2", officer="officer2")
    check_assignee(status, action, {role}, "officer1", officer=None)
    # a leader who is also a processing officer acts on any dossier
    check_assignee(status, action, {role, Role.LEADER}, "leader1", officer="officer2")


def test_a_user_with_several_groups_gets_the_allowed_transition() -> None:
    assert next_status(Status.SUBMITTED, Action.ACCEPT, {"citizen", "desk_officer"}) == "accepted"


def test_unknown_groups_are_forbidden() -> None:
    with pytest.raises(Forbidden):
        next_status(Status.DRAFT, Action.SUBMIT, {"hacker"})


def test_roles_for_each_action() -> None:
    assert roles_for(Action.ASSIGN) == ("desk_officer", "leader")
    assert roles_for(Action.APPROVE) == ("processing_officer",)


def test_a_route_never_admits_the_system_role() -> None:
    """Least privilege: what another service does through an event (a result delivered by
    post, a fee paid online) opens no route to a user of a group named "system"."""
    assert roles_for(Action.RETURN) == ("desk_officer",)
    assert roles_for(Action.CONFIRM_PAYMENT) == ("desk_officer",)
    assert roles_for(Action.RECEIVE_ORIGINALS) == ()
    assert all("system" not in roles_for(action) for action in Action)


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
