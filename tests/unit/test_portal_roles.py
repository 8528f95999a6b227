"""The roles in one place: the portal's generated roles module is what the generator writes from
motcua_shared.roles, the user pool's groups are those roles, and the old import path stays."""

from __future__ import annotations

from infra import web
from infra.local.bootstrap import DEMO_USERS
from infra.resources import RESOURCES, USER_GROUPS
from motcua_shared import auth, roles


def test_the_committed_roles_module_is_the_generators_output() -> None:
    """Run `python -m infra.web` after changing motcua_shared/roles.py, and commit the result."""
    for path, text in web.generated().items():
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale"


def test_the_portal_receives_every_named_set() -> None:
    text = web.roles_js()
    assert 'POSTAL_AGENT: "postal_agent",' in text
    assert (
        "export const OFFICERS = Object.freeze([ROLE.DESK_OFFICER, ROLE.PROCESSING_OFFICER, "
        "ROLE.LEADER, ROLE.ADMIN]);" in text
    )
    assert "export const APPLICANTS = Object.freeze([ROLE.CITIZEN, ROLE.POSTAL_AGENT]);" in text
    assert "export const OVERSIGHT = Object.freeze([ROLE.LEADER, ROLE.ADMIN]);" in text
    # who may ever extend or stop (the overdue list's lines carry no allowed_actions)
    assert "  extend: Object.freeze([ROLE.LEADER])," in text
    assert "  stop: Object.freeze([ROLE.LEADER])," in text
    assert "  accept: Object.freeze([ROLE.DESK_OFFICER])," in text


def test_the_user_pool_has_a_group_per_role_but_the_system() -> None:
    assert USER_GROUPS == (
        "citizen",
        "desk_officer",
        "processing_officer",
        "leader",
        "postal_agent",
        "admin",
    )
    assert RESOURCES.user_pool.groups == USER_GROUPS
    assert {u.group for u in DEMO_USERS} == set(USER_GROUPS)


def test_the_officers_are_importable_from_auth_as_before() -> None:
    assert auth.OFFICERS is roles.OFFICERS
    assert set(auth.OFFICERS) == {"desk_officer", "processing_officer", "leader", "admin"}
