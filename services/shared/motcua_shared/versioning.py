"""Optimistic locking of aggregates stored as PynamoDB items with a ``version`` attribute."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError

from motcua_shared.errors import Conflict


def save_versioned(item: Any, version: int | None) -> int:
    """Save ``item`` if the stored one is still at ``version`` (None: must not exist yet).

    Returns the new version; raises :class:`Conflict` when another writer came first.
    """
    if version is not None:
        item.version = version
    try:
        item.save()
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict() from exc
        raise
    return int(item.version)
