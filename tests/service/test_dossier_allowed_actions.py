"""Every dossier answer says what its caller may do now (``allowed_actions``), the same for a
dossier read, listed, or returned by an action: the portal offers exactly these."""

from __future__ import annotations

from chalice.test import Client

from tests.service.test_intake_dossiers import Auth, act, call, create, submitted


def allowed(intake: Client, auth: Auth, user: str, dossier_id: str) -> list[str]:
    status, body = call(intake, "GET", f"/dossiers/{dossier_id}", auth(user))
    assert status == 200, body
    return list(body["allowed_actions"])


def test_each_caller_is_offered_what_the_lifecycle_lets_them_do(intake: Client, auth: Auth) -> None:
    draft = create(intake, auth)
    assert draft["allowed_actions"] == ["edit", "submit"]
    assert allowed(intake, auth, "desk1", draft["id"]) == []

    dossier = submitted(intake, auth)
    assert dossier["allowed_actions"] == ["withdraw"]
    assert allowed(intake, auth, "desk1", dossier["id"]) == [
        "accept",
        "request_supplement",
        "refuse",
    ]
    assert allowed(intake, auth, "leader1", dossier["id"]) == []
    assert allowed(intake, auth, "admin1", dossier["id"]) == []
    assert allowed(intake, auth, "officer1", dossier["id"]) == []

    status, accepted = act(intake, auth, "desk1", dossier["id"], "accept")
    assert status == 200, accepted
    assert accepted["allowed_actions"] == ["assign", "request_supplement"]
    assert allowed(intake, auth, "leader1", dossier["id"]) == ["assign", "stop", "extend"]

    status, assigned = act(
        intake,
        auth,
        "leader1",
        dossier["id"],
        "assign",
        {"unit": "Phòng Y tế", "officer": "officer1"},
    )
    assert status == 200, assigned
    assert assigned["allowed_actions"] == ["stop", "extend"]
    assert allowed(intake, auth, "officer1", dossier["id"]) == ["approve", "request_supplement"]
    assert allowed(intake, auth, "desk1", dossier["id"]) == []
    assert allowed(intake, auth, "citizen1", dossier["id"]) == ["withdraw"]

    status, ready = act(
        intake, auth, "officer1", dossier["id"], "approve", {"result_summary": "Đạt"}
    )
    assert status == 200, ready
    assert ready["allowed_actions"] == []
    assert allowed(intake, auth, "desk1", dossier["id"]) == ["return"]


def test_lists_carry_the_actions_of_the_caller(intake: Client, auth: Auth) -> None:
    dossier = submitted(intake, auth, "citizen2")
    status, mine = call(intake, "GET", "/dossiers?status=submitted", auth("citizen2"))
    assert status == 200, mine
    assert next(d for d in mine["items"] if d["id"] == dossier["id"])["allowed_actions"] == [
        "withdraw"
    ]
    queue: list[dict[str, object]] = []
    cursor = ""
    while True:
        status, page = call(intake, "GET", f"/desk/queue?limit=100{cursor}", auth("desk1"))
        assert status == 200, page
        queue += page["items"]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    line = next(d for d in queue if d["id"] == dossier["id"])
    assert line["allowed_actions"] == ["accept", "request_supplement", "refuse"]
