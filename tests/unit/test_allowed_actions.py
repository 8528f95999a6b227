"""What a dossier answer says its caller may do (``allowed_actions``): written out by hand for
every status and role, then checked against the rules the operations enforce for every
status × group set × ownership × assignment."""

from __future__ import annotations

import itertools
import typing
from datetime import UTC, datetime

import pytest

from chalicelib.intake.domain.errors import InvalidTransition, NotAssignedOfficer
from chalicelib.intake.domain.lifecycle import check_assignee, next_status
from chalicelib.intake.domain.model import (
    Action,
    Actor,
    Applicant,
    DeliveryMethod,
    Dossier,
    Rating,
    Role,
    Status,
    SupplementRequest,
)
from chalicelib.intake.domain.permissions import (
    EDIT,
    OWNER_ACTIONS,
    PERSON_ACTIONS,
    allowed_actions,
)
from motcua_shared.errors import Forbidden

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
OWNER = "sub-owner"
USERNAMES = {
    Role.CITIZEN: "citizen1",
    Role.POSTAL_AGENT: "postal1",
    Role.DESK_OFFICER: "desk1",
    Role.PROCESSING_OFFICER: "officer1",
    Role.LEADER: "leader1",
    Role.ADMIN: "admin1",
}


def dossier(status: Status, officer: str | None = "officer1", **changes: typing.Any) -> Dossier:
    d = Dossier(
        id="d-1",
        owner_sub=OWNER,
        procedure_code="DUOC-01",
        procedure_name="Cấp chứng chỉ hành nghề dược",
        agency_code="SYT",
        applicant=Applicant("Nguyễn Văn An", "079190001234", "0912345678", None, "Nha Trang"),
        request_content="Cấp chứng chỉ",
        form_data={},
        delivery_method=DeliveryMethod.IN_PERSON,
        delivery_address=None,
        channel=2,
        status=status,
        created_at=AT,
        updated_at=AT,
        due_at=None if status in (Status.DRAFT, Status.SUBMITTED) else DUE,
        officer=officer
        if status not in (Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED)
        else None,
    )
    if status is Status.SUPPLEMENT_REQUESTED:
        d.supplement_requests.append(
            SupplementRequest("Thiếu bằng", [], AT, "desk1", from_status="accepted")
        )
    for name, value in changes.items():
        setattr(d, name, value)
    return d


def caller(*roles: Role, owner: bool = True, username: str | None = None) -> Actor:
    """One user with ``roles``; an applicant owns the dossier unless ``owner`` is False."""
    name = username or USERNAMES[roles[0]]
    applicant = any(r in (Role.CITIZEN, Role.POSTAL_AGENT) for r in roles)
    sub = OWNER if applicant and owner else f"sub-{name}"
    return Actor(sub=sub, username=name, roles=frozenset(roles))


# The rules as written (README, the lifecycle table): what each group may do in each status,
# for the dossier's own applicant and for the officer it is assigned to. Every pair not listed
# offers nothing.
EXPECTED: dict[tuple[Status, Role], list[str]] = {
    (Status.DRAFT, Role.CITIZEN): ["edit", "submit"],
    (Status.DRAFT, Role.POSTAL_AGENT): ["edit", "submit"],
    (Status.SUBMITTED, Role.CITIZEN): ["withdraw"],
    (Status.SUBMITTED, Role.POSTAL_AGENT): ["withdraw"],
    (Status.SUBMITTED, Role.DESK_OFFICER): ["accept", "request_supplement", "refuse"],
    (Status.SUPPLEMENT_REQUESTED, Role.CITIZEN): ["resubmit", "withdraw"],
    (Status.SUPPLEMENT_REQUESTED, Role.POSTAL_AGENT): ["resubmit", "withdraw"],
    (Status.SUPPLEMENT_REQUESTED, Role.DESK_OFFICER): ["refuse"],
    (Status.SUPPLEMENT_REQUESTED, Role.LEADER): ["stop", "extend"],
    (Status.ACCEPTED, Role.CITIZEN): ["withdraw"],
    (Status.ACCEPTED, Role.POSTAL_AGENT): ["withdraw"],
    (Status.ACCEPTED, Role.DESK_OFFICER): ["assign", "request_supplement"],
    (Status.ACCEPTED, Role.LEADER): ["assign", "stop", "extend"],
    (Status.PROCESSING, Role.CITIZEN): ["withdraw"],
    (Status.PROCESSING, Role.POSTAL_AGENT): ["withdraw"],
    (Status.PROCESSING, Role.PROCESSING_OFFICER): ["approve", "request_supplement"],
    (Status.PROCESSING, Role.LEADER): ["stop", "extend"],
    (Status.FEE_REQUESTED, Role.CITIZEN): ["withdraw"],
    (Status.FEE_REQUESTED, Role.POSTAL_AGENT): ["withdraw"],
    (Status.FEE_REQUESTED, Role.DESK_OFFICER): ["confirm_payment"],
    (Status.FEE_REQUESTED, Role.LEADER): ["stop", "extend"],
    (Status.RESULT_READY, Role.CITIZEN): ["receive_online"],
    (Status.RESULT_READY, Role.POSTAL_AGENT): ["receive_online"],
    (Status.RESULT_READY, Role.DESK_OFFICER): ["return"],
    (Status.RETURNED, Role.CITIZEN): ["rate"],
}


@pytest.mark.parametrize(
    ("status", "role"), list(itertools.product(Status, [r for r in Role if r is not Role.SYSTEM]))
)
def test_each_group_in_each_status(status: Status, role: Role) -> None:
    assert allowed_actions(dossier(status), caller(role)) == EXPECTED.get((status, role), [])


@pytest.mark.parametrize("status", list(Status))
def test_another_applicants_dossier_offers_nothing(status: Status) -> None:
    """Ownership: an applicant acts only on the dossiers they created."""
    for role in (Role.CITIZEN, Role.POSTAL_AGENT):
        assert allowed_actions(dossier(status), caller(role, owner=False)) == []


def test_a_dossier_assigned_to_another_officer_offers_its_officer_nothing() -> None:
    """Least privilege: approving and asking for a supplement are the assigned officer's."""
    other = caller(Role.PROCESSING_OFFICER, username="officer2")
    assert allowed_actions(dossier(Status.PROCESSING), other) == []


def test_a_leader_who_is_also_an_officer_acts_on_any_assigned_dossier() -> None:
    both = caller(Role.LEADER, Role.PROCESSING_OFFICER, username="leader1")
    assert allowed_actions(dossier(Status.PROCESSING), both) == [
        "approve",
        "request_supplement",
        "stop",
        "extend",
    ]


def test_a_rated_dossier_is_not_rated_again() -> None:
    rated = dossier(Status.RETURNED, rating=Rating(5, "Nhanh", AT))
    assert allowed_actions(rated, caller(Role.CITIZEN)) == []


def test_no_extension_before_an_appointment_date_exists() -> None:
    """A dossier asked for a supplement at reception has no appointment date to move."""
    waiting = dossier(Status.SUPPLEMENT_REQUESTED, due_at=None)
    assert allowed_actions(waiting, caller(Role.LEADER)) == ["stop"]


def test_the_system_role_is_offered_nothing() -> None:
    robot = Actor(sub="system", username="system", roles=frozenset({Role.SYSTEM}))
    for status in Status:
        assert allowed_actions(dossier(status), robot) == []


def test_groups_add_up() -> None:
    desk_and_leader = caller(Role.DESK_OFFICER, Role.LEADER)
    assert allowed_actions(dossier(Status.ACCEPTED), desk_and_leader) == [
        "assign",
        "request_supplement",
        "stop",
        "extend",
    ]


def test_the_documented_answer_names_every_action_offered() -> None:
    from chalicelib.intake.answers import AllowedAction

    assert set(typing.get_args(AllowedAction)) == {EDIT, *PERSON_ACTIONS}
    assert len(typing.get_args(AllowedAction)) == len(PERSON_ACTIONS) + 1


# -- every combination, against what the operations enforce ---------------------------------

GROUP_SETS = [
    frozenset(c)
    for n in (1, 2)
    for c in itertools.combinations([r for r in Role if r is not Role.SYSTEM], n)
]


def _accepted(d: Dossier, actor: Actor, action: Action) -> bool:
    """Whether the lifecycle, the assignment rule and ownership let ``actor`` do ``action``."""
    if action in OWNER_ACTIONS and d.owner_sub != actor.sub:
        return False
    previous = Status(d.open_supplement.from_status) if d.open_supplement else None
    try:
        next_status(d.status, action, actor.roles, previous=previous)
        check_assignee(d.status, action, actor.roles, actor.username, d.officer)
    except (Forbidden, InvalidTransition, NotAssignedOfficer):
        return False
    return not (action is Action.RATE and d.rating is not None)


@pytest.mark.parametrize(
    ("status", "groups", "owner", "officer"),
    list(itertools.product(Status, GROUP_SETS, (True, False), ("me", "officer2", None))),
)
def test_offered_exactly_when_the_operation_would_accept(
    status: Status, groups: frozenset[Role], owner: bool, officer: str | None
) -> None:
    me = Actor(sub=OWNER if owner else "sub-someone", username="me", roles=frozenset(groups))
    d = dossier(status, officer=officer)
    offered = allowed_actions(d, me)
    expected = [str(a) for a in PERSON_ACTIONS if _accepted(d, me, a)]
    if owner and status is Status.DRAFT and groups & {Role.CITIZEN, Role.POSTAL_AGENT}:
        expected.insert(0, EDIT)
    assert offered == expected
