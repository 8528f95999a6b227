"""Officers' contacts, from the Cognito user pool they sign in with (groups, name, e-mail,
phone_number), cached for a few minutes in the function."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from chalicelib.notify.ports import StaffMember
from motcua_shared.aws import client

__all__ = ["CognitoDirectory", "StaffMember"]


def _member(username: str, attributes: list[dict[str, str]]) -> StaffMember:
    values = {a["Name"]: a["Value"] for a in attributes}
    return StaffMember(
        username=username,
        sub=values.get("sub"),
        name=values.get("name") or username,
        phone=values.get("phone_number"),
        email=values.get("email"),
    )


class CognitoDirectory:
    def __init__(
        self, user_pool_id: str, cache_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.user_pool_id = user_pool_id
        self.cache_s = cache_s
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, Any]] = {}

    def _cached(self, key: tuple[str, str], load: Callable[[], Any]) -> Any:
        hit = self._cache.get(key)
        if hit is not None and self.clock() - hit[0] < self.cache_s:
            return hit[1]
        value = load()
        self._cache[key] = (self.clock(), value)
        return value

    def group(self, name: str) -> list[StaffMember]:
        """The enabled members of a group."""

        def load() -> list[StaffMember]:
            members: list[StaffMember] = []
            kwargs: dict[str, Any] = {"UserPoolId": self.user_pool_id, "GroupName": name}
            while True:
                page = client("cognito-idp").list_users_in_group(**kwargs)
                members.extend(
                    _member(u["Username"], u.get("Attributes", []))
                    for u in page.get("Users", [])
                    if u.get("Enabled", True)
                )
                if not page.get("NextToken"):
                    return members
                kwargs["NextToken"] = page["NextToken"]

        return list(self._cached(("group", name), load))

    def user(self, username: str) -> StaffMember | None:
        def load() -> StaffMember | None:
            cognito = client("cognito-idp")
            try:
                user = cognito.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
            except cognito.exceptions.UserNotFoundException:
                return None
            if not user.get("Enabled", True):
                return None
            return _member(user["Username"], user.get("UserAttributes", []))

        member: StaffMember | None = self._cached(("user", username), load)
        return member
